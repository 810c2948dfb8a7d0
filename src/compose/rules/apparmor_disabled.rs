//! `apparmor-disabled`: `security_opt: apparmor:unconfined`.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::apparmor_disabled::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for opt in ctx.security_opts() {
        if opt.option == "apparmor" && opt.value.as_deref() == Some("unconfined") {
            out.push(
                ctx.finding(
                    RULE.meta,
                    Severity::High,
                    &opt.at,
                    format!("service `{}` runs without AppArmor", ctx.name.text),
                )
                .fix("remove `apparmor:unconfined`"),
            );
        }
    }
}
