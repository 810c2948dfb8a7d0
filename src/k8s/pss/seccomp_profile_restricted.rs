//! `seccompProfile_restricted` (restricted; replaces
//! `seccompProfile_baseline`): every container must be confined by a
//! seccomp profile, its own or the pod's. Windows pods are exempt.
//! Reported as `seccomp-disabled`; without a level, a profile set to one
//! that does not confine is named `seccompProfile_baseline`, which denies
//! it too.

use super::seccomp_profile_baseline::{
    self as baseline, PROFILE, container_profile, pod_profile, unconfined,
};
use crate::catalog::seccomp_disabled;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control = Control::restricted(
    "seccompProfile_restricted",
    &[&seccomp_disabled::META],
    check,
)
.replacing(&baseline::CONTROL);

fn check(pod: &PodCtx, out: &mut Violations) {
    if pod.is_windows() {
        return;
    }
    let on_pod = pod.at(PROFILE);
    let pod_confines = on_pod.as_ref().is_some_and(|at| !unconfined(at));
    if let Some(at) = on_pod.filter(unconfined) {
        let what = pod_profile(&at);
        out.add_lowest(true, &seccomp_disabled::META, Severity::High, at, what);
    }
    for c in &pod.containers {
        match c.at(PROFILE) {
            Some(at) if unconfined(&at) => {
                let what = container_profile(c, &at);
                out.add_lowest(true, &seccomp_disabled::META, Severity::High, at, what);
            }
            None if !pod_confines => out.add(
                &seccomp_disabled::META,
                Severity::Medium,
                c.here(),
                format!(
                    "container `{}` has no seccomp profile (set RuntimeDefault or Localhost on the pod or the container)",
                    c.name
                ),
            ),
            _ => {}
        }
    }
}
