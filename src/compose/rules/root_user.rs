//! `root-user`: a service is configured to run as root.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::hazards::users::is_root;

pub static RULE: Rule = Rule::service(&catalog::root_user::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(at) = ctx.at("user") else {
        return;
    };
    if at.node.as_str().is_some_and(is_root) {
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::Medium,
                &at,
                format!("service `{}` runs as root", ctx.name.text),
            )
            .fix("run as an unprivileged uid, e.g. `user: \"1000:1000\"`"),
        );
    }
}
