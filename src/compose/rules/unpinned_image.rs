//! `unpinned-image`: a service's image is not pinned to a version.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::hazards::image_ref::tag_and_digest;

pub static RULE: Rule = Rule::service(&catalog::unpinned_image::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    if ctx.node.get("build").is_some() {
        return;
    }
    let Some(at) = ctx.at("image") else {
        return;
    };
    let Some(image) = at.node.as_str() else {
        return;
    };
    let (tag, digest) = tag_and_digest(image);
    let (severity, message) = match (tag, digest) {
        (_, Some(_)) => return,
        (None, None) => (
            Severity::Medium,
            format!("image `{image}` has no tag (pulls `latest`)"),
        ),
        (Some("latest"), None) => (
            Severity::Medium,
            format!("image `{image}` uses the `latest` tag"),
        ),
        (Some(_), None) => (
            Severity::Info,
            format!("image `{image}` is pinned by tag, not by digest"),
        ),
    };
    out.push(
        ctx.finding(RULE.meta, severity, &at, message)
            .fix("pin a version tag and its digest: name:1.2.3@sha256:…"),
    );
}
