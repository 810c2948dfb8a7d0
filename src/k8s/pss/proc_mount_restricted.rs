//! `procMount_restricted` (restricted; replaces `procMount`): a container
//! unmasks `/proc`, whatever `hostUsers` says. Reported as `proc-mount`;
//! without a level, named `procMount` where baseline denies it too.

use super::proc_mount;
use crate::catalog::proc_mount::META;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control =
    Control::restricted("procMount_restricted", &[&META], check).replacing(&proc_mount::CONTROL);

fn check(pod: &PodCtx, out: &mut Violations) {
    let baseline_denies = !pod.host_users_off();
    for c in &pod.containers {
        if let Some((at, what)) = proc_mount::unmasked(c) {
            out.add_lowest(baseline_denies, &META, Severity::High, at, what);
        }
    }
}
