//! `privileged` (baseline): a container runs privileged. Reported as
//! `privileged`.

use crate::catalog::privileged;
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations, is_true};
use crate::k8s::pod::PodCtx;

pub(super) static CONTROL: Control = Control::baseline("privileged", &[&privileged::META], check);

fn check(pod: &PodCtx, out: &mut Violations) {
    for c in &pod.containers {
        if let Some(at) = c
            .at("securityContext.privileged")
            .filter(|(n, _)| is_true(n))
        {
            out.add(
                &privileged::META,
                Severity::Critical,
                at,
                format!("container `{}` runs privileged", c.name),
            );
        }
    }
}
