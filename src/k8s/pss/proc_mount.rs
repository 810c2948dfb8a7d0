//! `procMount` (baseline; at restricted, `procMount_restricted` replaces
//! it): a container unmasks `/proc`. `hostUsers: false` relaxes it: the
//! pod's user namespace confines what `/proc` shows. Reported as
//! `proc-mount`.

use crate::catalog::proc_mount;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{At, ContainerCtx, PodCtx};

pub(super) static CONTROL: Control = Control::baseline("procMount", &[&proc_mount::META], check);

fn check(pod: &PodCtx, out: &mut Violations) {
    if pod.host_users_off() {
        return;
    }
    for c in &pod.containers {
        if let Some((at, what)) = unmasked(c) {
            out.add(&proc_mount::META, Severity::High, at, what);
        }
    }
}

/// A `procMount` other than `Default`, and what to say about it.
pub(super) fn unmasked<'a>(c: &ContainerCtx<'a>) -> Option<(At<'a>, String)> {
    let (node, route) = c.at("securityContext.procMount")?;
    let value = node.as_str().unwrap_or("");
    if value == "Default" || node.is_null() {
        return None;
    }
    let what = format!("container `{}` mounts /proc `{value}`", c.name);
    Some(((node, route), what))
}
