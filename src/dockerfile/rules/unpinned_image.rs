//! `unpinned-image`: a `FROM` image without a tag, on `latest`, or pinned
//! by tag but not by digest.

use super::ctx::{DockerfileCtx, Rule};
use crate::catalog;
use crate::dockerfile::stages::Base;
use crate::finding::{Finding, Severity};
use crate::hazards::image_ref::tag_and_digest;

pub(super) static RULE: Rule = Rule::new(&catalog::unpinned_image::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for stage in &ctx.build.stages {
        let (Base::Image(image), Some(word)) = (&stage.base, &stage.reference) else {
            continue;
        };
        if image.is_empty() || image.contains('$') {
            continue;
        }
        // `FROM ${BASE}` is named with what it resolves to.
        let shown = if word.text == *image {
            format!("`FROM {image}`")
        } else {
            format!("`FROM {}` (`{image}`)", word.text)
        };
        let (severity, message) = match tag_and_digest(image) {
            (_, Some(_)) => continue,
            (None, None) => (
                Severity::Medium,
                format!("{shown} has no tag (pulls `latest`)"),
            ),
            (Some("latest"), None) => (Severity::Medium, format!("{shown} uses the `latest` tag")),
            (Some(_), None) => (
                Severity::Info,
                format!("{shown} is pinned by tag, not by digest"),
            ),
        };
        out.push(
            ctx.finding(
                RULE.meta,
                severity,
                word.span,
                format!("{}.FROM", DockerfileCtx::stage_name(stage)),
                message,
            )
            .fix("pin a version tag and its digest: name:1.2.3@sha256:…"),
        );
    }
}
