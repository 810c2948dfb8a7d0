//! `allowPrivilegeEscalation` (restricted): every container must set
//! `allowPrivilegeEscalation: false`. Windows pods are exempt. Reported as
//! `no-new-privileges`.

use crate::compose::rules::no_new_privileges::RULE;
use crate::finding::Severity;
use crate::k8s::control::{Control, Level, Violations};
use crate::k8s::pod::PodCtx;

pub static CONTROL: Control = Control::new(
    "allowPrivilegeEscalation",
    Level::Restricted,
    &[&RULE.meta],
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
                &RULE.meta,
                Severity::Medium,
                at,
                format!("container `{}` allows privilege escalation", c.name),
            ),
            None => out.add(
                &RULE.meta,
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
