//! `runAsNonRoot` (restricted): the pod or every container must set
//! `runAsNonRoot: true`, and none may set it false. `hostUsers: false`
//! relaxes it: root in the pod's user namespace is not root on the node.
//! Reported as `root-user`; a container with a non-zero `runAsUser` but no
//! `runAsNonRoot` is reported low.

use crate::catalog::root_user;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{ContainerCtx, PodCtx};
use crate::yaml::Node;

pub(super) static CONTROL: Control =
    Control::restricted("runAsNonRoot", &[&root_user::META], check);

const NON_ROOT: &str = "securityContext.runAsNonRoot";

fn check(pod: &PodCtx, out: &mut Violations) {
    if pod.host_users_off() {
        return;
    }
    let on_pod = pod.at(NON_ROOT);
    let pod_true = on_pod.as_ref().and_then(|(n, _)| n.as_bool()) == Some(true);
    if let Some(at) = on_pod.filter(|(n, _)| n.as_bool() == Some(false)) {
        let what = "the pod sets runAsNonRoot: false".to_string();
        out.add(&root_user::META, Severity::Medium, at, what);
    }
    for c in &pod.containers {
        match c.at(NON_ROOT) {
            Some(at) if at.0.as_bool() == Some(false) => {
                let what = format!("container `{}` sets runAsNonRoot: false", c.name);
                out.add(&root_user::META, Severity::Medium, at, what);
            }
            Some((node, _)) if node.as_bool() == Some(true) => {}
            _ if pod_true => {}
            _ => may_run_as_root(pod, c, out),
        }
    }
}

/// A container with no `runAsNonRoot: true` on it or on the pod. A
/// non-zero `runAsUser` (the container's, else the pod's) does not run as
/// root, but restricted still requires `runAsNonRoot: true`.
fn may_run_as_root(pod: &PodCtx, c: &ContainerCtx, out: &mut Violations) {
    match run_as_user(c.node).or(run_as_user(pod.spec)) {
        Some(uid) if uid != "0" => out.add(
            &root_user::META,
            Severity::Low,
            c.here(),
            format!(
                "container `{}` runs as uid {uid}, not root, but does not set runAsNonRoot: true, which the restricted level requires",
                c.name
            ),
        ),
        _ => out.add(
            &root_user::META,
            Severity::Medium,
            c.here(),
            format!(
                "container `{}` may run as root (runAsNonRoot is not true on the pod or the container, and no non-zero runAsUser is set)",
                c.name
            ),
        ),
    }
}

/// A `securityContext.runAsUser` written as a number.
fn run_as_user(node: &Node) -> Option<&str> {
    node.get("securityContext")
        .and_then(|s| s.get("runAsUser"))
        .and_then(Node::as_str)
        .filter(|u| u.parse::<i64>().is_ok())
}
