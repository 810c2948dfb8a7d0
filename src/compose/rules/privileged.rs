//! `privileged`: a service runs with `privileged: true`.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::privileged::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(at) = ctx.at("privileged") else {
        return;
    };
    if at.node.as_bool() == Some(true) {
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::Critical,
                &at,
                format!("service `{}` runs privileged", ctx.name.text),
            )
            .fix("remove `privileged: true`; add only the devices or capabilities needed"),
        );
    }
}
