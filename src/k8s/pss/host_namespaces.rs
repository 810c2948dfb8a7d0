//! `hostNamespaces` (baseline): the pod shares the host's network, PID or
//! IPC namespace. Reported as `host-namespace`.

use crate::catalog::host_namespace;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations, is_true};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control =
    Control::baseline("hostNamespaces", &[&host_namespace::META], check);

fn check(pod: &PodCtx, out: &mut Violations) {
    for (field, name) in [
        ("hostNetwork", "network"),
        ("hostPID", "PID"),
        ("hostIPC", "IPC"),
    ] {
        if let Some(at) = pod.at(field).filter(|(n, _)| is_true(n)) {
            out.add(
                &host_namespace::META,
                Severity::High,
                at,
                format!("the pod shares the host's {name} namespace"),
            );
        }
    }
}
