//! `writable-executable`: a `RUN chmod` or `COPY --chmod` makes files
//! writable by every user in a stage the image is made of.

use super::ctx::{DockerfileCtx, Rule, permission_changes};
use crate::catalog;
use crate::dockerfile::permissions::Grants;
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::writable_executable::META, check);

/// High for an executable anyone may rewrite, medium for a file.
fn severity(grants: Grants) -> Option<Severity> {
    match (grants.world_writable, grants.world_executable) {
        (true, true) => Some(Severity::High),
        (true, false) => Some(Severity::Medium),
        _ => None,
    }
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for change in permission_changes(ctx) {
        let Some(severity) = severity(change.grants) else {
            continue;
        };
        out.push(
            ctx.finding(
                RULE.meta,
                severity,
                change.span,
                change.route,
                format!("`{}` in {} makes files every user can rewrite", change.shown, change.stage),
            )
            .fix("grant write to the owner only (`chmod 755`, `--chmod=755`) and own the files by the runtime user if it must write"),
        );
    }
}
