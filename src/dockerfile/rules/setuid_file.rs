//! `setuid-file`: a `RUN chmod` or `COPY --chmod` sets the setuid or
//! setgid bit in a stage the image is made of.

use super::ctx::{DockerfileCtx, Rule, permission_changes};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::setuid_file::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for change in permission_changes(ctx)
        .into_iter()
        .filter(|c| c.grants.set_id)
    {
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::High,
                change.span,
                change.route,
                format!("`{}` in {} makes a setuid or setgid file", change.shown, change.stage),
            )
            .fix("leave the setuid bit off; give the program the one capability it needs (setcap) or run it as that user"),
        );
    }
}
