//! `procMount_restricted` (restricted; replaces `procMount`): a container
//! unmasks `/proc`, whatever `hostUsers` says. Reported as `proc-mount`;
//! without a level, named `procMount` where baseline denies it too.

use super::proc_mount;
use crate::compose::rules::proc_mount::RULE;
use crate::finding::Severity;
use crate::k8s::control::{Control, Level, Violations};
use crate::k8s::pod::PodCtx;

pub static CONTROL: Control = Control::new(
    "procMount_restricted",
    Level::Restricted,
    &[&RULE.meta],
    check,
)
.replacing(&proc_mount::CONTROL);

fn check(pod: &PodCtx, out: &mut Violations) {
    let baseline_denies = !pod.host_users_off();
    for c in &pod.containers {
        if let Some((at, what)) = proc_mount::unmasked(c) {
            out.add_lowest(baseline_denies, &RULE.meta, Severity::High, at, what);
        }
    }
}
