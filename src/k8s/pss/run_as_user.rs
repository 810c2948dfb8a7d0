//! `runAsUser` (restricted): neither the pod nor a container may set
//! `runAsUser: 0`. `hostUsers: false` relaxes it. Reported as `root-user`.

use crate::catalog::root_user;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{At, PodCtx};

pub(super) static CONTROL: Control = Control::restricted("runAsUser", &[&root_user::META], check);

const RUN_AS_USER: &str = "securityContext.runAsUser";

fn check(pod: &PodCtx, out: &mut Violations) {
    if pod.host_users_off() {
        return;
    }
    let zero = |(node, _): &At| node.as_str() == Some("0");
    if let Some(at) = pod.at(RUN_AS_USER).filter(zero) {
        let what = "the pod runs as uid 0".to_string();
        out.add(&root_user::META, Severity::Medium, at, what);
    }
    for c in &pod.containers {
        if let Some(at) = c.at(RUN_AS_USER).filter(zero) {
            let what = format!("container `{}` runs as uid 0", c.name);
            out.add(&root_user::META, Severity::Medium, at, what);
        }
    }
}
