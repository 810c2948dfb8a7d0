//! `allowPrivilegeEscalation` (restricted): every container must set
//! `allowPrivilegeEscalation: false`. Windows pods are exempt. Reported as
//! `no-new-privileges`.

use crate::catalog::no_new_privileges;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control = Control::restricted(
    "allowPrivilegeEscalation",
    &[&no_new_privileges::META],
    check,
);

fn check(pod: &PodCtx, out: &mut Violations) {
    if pod.is_windows() {
        return;
    }
    for c in &pod.containers {
        match c.at("securityContext.allowPrivilegeEscalation") {
            Some((node, _)) if node.as_bool() == Some(false) => {}
            Some(at) => out.add(
                &no_new_privileges::META,
                Severity::Medium,
                at,
                format!("container `{}` allows privilege escalation", c.name),
            ),
            None => out.add(
                &no_new_privileges::META,
                Severity::Medium,
                c.here(),
                format!(
                    "container `{}` does not set allowPrivilegeEscalation: false",
                    c.name
                ),
            ),
        }
    }
}
