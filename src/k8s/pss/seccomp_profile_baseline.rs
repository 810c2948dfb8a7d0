//! `seccompProfile_baseline` (baseline; at restricted,
//! `seccompProfile_restricted` replaces it): the pod or a container sets a
//! seccomp profile that does not confine it (leaving it unset is
//! allowed). Reported as `seccomp-disabled`.

use crate::catalog::seccomp_disabled;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations, confines};
use crate::k8s::pod::{At, ContainerCtx, PodCtx};
use crate::yaml::Node;

pub(super) static CONTROL: Control =
    Control::baseline("seccompProfile_baseline", &[&seccomp_disabled::META], check);

/// Where the pod and each container set their seccomp profile.
pub(super) const PROFILE: &str = "securityContext.seccompProfile.type";

fn check(pod: &PodCtx, out: &mut Violations) {
    if let Some(at) = pod.at(PROFILE).filter(unconfined) {
        let what = pod_profile(&at);
        out.add(&seccomp_disabled::META, Severity::High, at, what);
    }
    for c in &pod.containers {
        if let Some(at) = c.at(PROFILE).filter(unconfined) {
            let what = container_profile(c, &at);
            out.add(&seccomp_disabled::META, Severity::High, at, what);
        }
    }
}

/// A profile type that is set and does not confine.
pub(super) fn unconfined((node, _): &At) -> bool {
    !confines(node.as_str().unwrap_or(""))
}

/// What to say about the pod's profile.
pub(super) fn pod_profile((node, _): &At) -> String {
    format!("the pod's seccomp profile is `{}`", text(node))
}

/// What to say about a container's profile.
pub(super) fn container_profile(c: &ContainerCtx, (node, _): &At) -> String {
    format!(
        "container `{}` has seccomp profile `{}`",
        c.name,
        text(node)
    )
}

fn text(node: &Node) -> &str {
    node.as_str().unwrap_or("")
}
