//! `capabilities-not-dropped`: a service keeps Docker's default
//! capabilities (no `cap_drop: [ALL]`).

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::compose::model::strings;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::capabilities_not_dropped::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let drops_all = ctx.at("cap_drop").is_some_and(|list| {
        strings(list.node)
            .iter()
            .any(|(name, _)| crate::hazards::capabilities::normalise(name) == "ALL")
    });
    if drops_all {
        return;
    }
    out.push(
        ctx.lacking(
            RULE.meta,
            Severity::Low,
            Some("cap_drop"),
            format!(
                "service `{}` keeps Docker's default capabilities",
                ctx.name.text
            ),
        )
        .fix("add `cap_drop: [ALL]`"),
    );
}
