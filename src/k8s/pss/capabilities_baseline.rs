//! `capabilities_baseline` (baseline; at restricted,
//! `capabilities_restricted` replaces it): a container adds a capability
//! outside the baseline set. Reported as `added-capabilities`. The set and
//! the severity of an added capability are shared with
//! `capabilities_restricted`.

use crate::catalog::added_capabilities;
use crate::finding::Severity;
use crate::hazards::capabilities;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control =
    Control::baseline("capabilities_baseline", &[&added_capabilities::META], check);

/// Where a container lists the capabilities it adds.
pub(super) const ADD: &str = "securityContext.capabilities.add";

fn check(pod: &PodCtx, out: &mut Violations) {
    for c in &pod.containers {
        for (cap, route) in c.items(ADD) {
            let name = cap.as_str().unwrap_or("");
            if !capabilities::baseline_may_add(name) {
                out.add(
                    &added_capabilities::META,
                    added_severity(pod, name),
                    (cap, route),
                    format!("container `{}` adds capability `{name}`", c.name),
                );
            }
        }
    }
}

/// How bad adding the capability `name` is: its tier (on the host's
/// network for a `hostNetwork` pod), at least medium.
pub(super) fn added_severity(pod: &PodCtx, name: &str) -> Severity {
    capabilities::tier_on_network(&capabilities::normalise(name), pod.host_network())
        .max(Severity::Medium)
}
