//! `privileged` (baseline): a container runs privileged. Reported as
//! `privileged`.

use crate::compose::rules::privileged::RULE;
use crate::finding::Severity;
use crate::k8s::control::{Control, Level, Violations, is_true};
use crate::k8s::pod::PodCtx;

pub static CONTROL: Control = Control::new("privileged", Level::Baseline, &[&RULE.meta], check);

fn check(pod: &PodCtx, out: &mut Violations) {
    for c in &pod.containers {
        if let Some(at) = c
            .at("securityContext.privileged")
            .filter(|(n, _)| is_true(n))
        {
            out.add(
                &RULE.meta,
                Severity::Critical,
                at,
                format!("container `{}` runs privileged", c.name),
            );
        }
    }
}
