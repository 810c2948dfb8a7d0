//! `seccomp-disabled`: `security_opt: seccomp:unconfined`.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::seccomp_disabled::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for opt in ctx.security_opts() {
        if opt.option == "seccomp" && opt.value.as_deref() == Some("unconfined") {
            out.push(
                ctx.finding(
                    RULE.meta,
                    Severity::High,
                    &opt.at,
                    format!("service `{}` runs without seccomp", ctx.name.text),
                )
                .fix("remove `seccomp:unconfined` or use a custom profile"),
            );
        }
    }
}
