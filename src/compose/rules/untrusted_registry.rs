//! `untrusted-registry`: a service's image comes from a registry the
//! policy does not list as trusted.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::hazards::image_ref::{message, untrusted};

pub static RULE: Rule = Rule::service(&catalog::untrusted_registry::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    if ctx.node.get("build").is_some() {
        return;
    }
    let Some(at) = ctx.at("image") else {
        return;
    };
    let trusted = &ctx.params.trusted_registries;
    let Some(registry) = at.node.as_str().and_then(|r| untrusted(r, trusted)) else {
        return;
    };
    let who = format!("service `{}`", ctx.name.text);
    out.push(
        ctx.finding(
            RULE.meta,
            Severity::High,
            &at,
            message(&who, at.node.as_str().unwrap_or(""), &registry, trusted),
        )
        .fix("pull the image from a trusted registry, or add its registry to `trusted`"),
    );
}
