//! `selinux-disabled`: `security_opt: label:disable`.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::selinux_disabled::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for opt in ctx.security_opts() {
        if opt.option != "label" {
            continue;
        }
        let value = opt.value.as_deref().unwrap_or("");
        let disabled = value == "disable" || value.replace('=', ":") == "type:spc_t";
        if disabled {
            out.push(
                ctx.finding(
                    RULE.meta,
                    Severity::Medium,
                    &opt.at,
                    format!(
                        "service `{}` runs without SELinux separation",
                        ctx.name.text
                    ),
                )
                .fix("remove `label:disable`; relabel mounts with `:z`/`:Z`"),
            );
        }
    }
}
