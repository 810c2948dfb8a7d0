//! `no-new-privileges`: a service does not set `no-new-privileges`, or sets
//! it to false.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::no_new_privileges::META, check);

/// Go's `strconv.ParseBool`, which Docker uses for this option.
fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let opts = ctx.security_opts();
    let setting = opts.iter().rev().find(|o| o.option == "no-new-privileges");
    match setting {
        Some(opt) => {
            // Docker reads the value with Go's strconv.ParseBool.
            let enabled = opt.value.as_deref().map_or(Some(true), go_parse_bool);
            if enabled != Some(true) {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::Medium,
                        &opt.at,
                        format!("service `{}` turns no-new-privileges off", ctx.name.text),
                    )
                    .fix("use `no-new-privileges:true`"),
                );
            }
        }
        None => {
            // A `security_opt` without the entry is where it belongs; with
            // no `security_opt` at all, the service itself.
            out.push(
                ctx.lacking(
                    RULE.meta,
                    Severity::Medium,
                    Some("security_opt"),
                    format!("service `{}` does not set no-new-privileges", ctx.name.text),
                )
                .fix("add `no-new-privileges:true` to `security_opt`"),
            )
        }
    }
}
