//! `seLinuxOptions` (baseline): the pod or a container sets an SELinux
//! type outside the container types, or any SELinux user or role.
//! Reported as `selinux-disabled`.

use crate::catalog::selinux_disabled;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{At, PodCtx, lookup};

pub(super) static CONTROL: Control =
    Control::baseline("seLinuxOptions", &[&selinux_disabled::META], check);

const OPTIONS: &str = "securityContext.seLinuxOptions";

const SELINUX_TYPES: [&str; 5] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn check(pod: &PodCtx, out: &mut Violations) {
    check_options(pod.at(OPTIONS), "the pod", out);
    for c in &pod.containers {
        check_options(c.at(OPTIONS), &format!("container `{}`", c.name), out);
    }
}

/// The `seLinuxOptions` at `options` (if set) of `who`.
fn check_options(options: Option<At>, who: &str, out: &mut Violations) {
    let Some((options, route)) = options else {
        return;
    };
    if let Some((t, at)) = lookup(options, &route, "type") {
        let value = t.as_str().unwrap_or("");
        if !SELINUX_TYPES.contains(&value) {
            let what = format!("{who} sets SELinux type `{value}`");
            out.add(&selinux_disabled::META, Severity::Medium, (t, at), what);
        }
    }
    for field in ["user", "role"] {
        let set = lookup(options, &route, field)
            .filter(|(v, _)| v.as_str().is_some_and(|s| !s.is_empty()));
        if let Some((v, at)) = set {
            let what = format!("{who} sets SELinux {field} `{}`", v.as_str().unwrap_or(""));
            out.add(&selinux_disabled::META, Severity::Medium, (v, at), what);
        }
    }
}
