//! `untrusted-registry`: a `FROM` image comes from a registry the policy
//! does not list as trusted.

use super::ctx::{DockerfileCtx, Rule};
use crate::catalog;
use crate::dockerfile::stages::Base;
use crate::finding::{Finding, Severity};
use crate::hazards::image_ref::untrusted;

pub(super) static RULE: Rule = Rule::new(&catalog::untrusted_registry::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let trusted = &ctx.params.trusted_registries;
    for stage in &ctx.build.stages {
        let (Base::Image(image), Some(word)) = (&stage.base, &stage.reference) else {
            continue;
        };
        if image.contains('$') {
            continue;
        }
        let Some(registry) = untrusted(image, trusted) else {
            continue;
        };
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::High,
                word.span,
                format!("{}.FROM", DockerfileCtx::stage_name(stage)),
                format!(
                    "{} builds on `{image}` from `{registry}`, outside the trusted registries ({})",
                    DockerfileCtx::stage_name(stage),
                    trusted.join(", ")
                ),
            )
            .fix("build on an image from a trusted registry, or add its registry to `trusted`"),
        );
    }
}
