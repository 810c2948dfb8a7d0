//! `capabilities_restricted` (restricted; replaces
//! `capabilities_baseline`): every container must drop `ALL` and may add
//! back `NET_BIND_SERVICE` only. Windows pods are exempt. Reported as
//! `capabilities-not-dropped` and `added-capabilities`; without a level,
//! an added capability outside the baseline set is named
//! `capabilities_baseline`, which denies it too.

use super::capabilities_baseline::{self as baseline, ADD, added_severity};
use crate::catalog::{added_capabilities, capabilities_not_dropped};
use crate::finding::Severity;
use crate::hazards::capabilities;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{ContainerCtx, PodCtx};

pub(super) static CONTROL: Control = Control::restricted(
    "capabilities_restricted",
    &[&capabilities_not_dropped::META, &added_capabilities::META],
    check,
)
.replacing(&baseline::CONTROL);

const DROP: &str = "securityContext.capabilities.drop";

fn check(pod: &PodCtx, out: &mut Violations) {
    if pod.is_windows() {
        return;
    }
    for c in &pod.containers {
        check_drop(c, out);
        for (cap, route) in c.items(ADD) {
            let name = cap.as_str().unwrap_or("");
            if name != "NET_BIND_SERVICE" {
                out.add_lowest(
                    !capabilities::baseline_may_add(name),
                    &added_capabilities::META,
                    added_severity(pod, name),
                    (cap, route),
                    format!("container `{}` adds capability `{name}`", c.name),
                );
            }
        }
    }
}

/// A container that does not drop `ALL`.
fn check_drop(c: &ContainerCtx, out: &mut Violations) {
    let drops = c.items(DROP);
    if drops.iter().any(|(n, _)| n.as_str() == Some("ALL")) {
        return;
    }
    // Admission compares names exactly: `all` is not `ALL`.
    let misspelled = drops
        .iter()
        .find_map(|(n, _)| n.as_str().filter(|s| s.eq_ignore_ascii_case("ALL")));
    let what = match misspelled {
        Some(written) => format!(
            "container `{}` drops `{written}`, which is not `ALL`: capability names are case-sensitive to Pod Security admission, so this does not count as dropping ALL capabilities (write `ALL`)",
            c.name
        ),
        None => format!("container `{}` does not drop ALL capabilities", c.name),
    };
    out.add(
        &capabilities_not_dropped::META,
        Severity::Low,
        c.at_or_container(DROP),
        what,
    );
}
