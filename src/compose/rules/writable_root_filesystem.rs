//! `writable-root-filesystem`: the container's root filesystem is writable.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::writable_root_filesystem::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let read_only = ctx.at("read_only");
    if read_only.as_ref().and_then(|at| at.node.as_bool()) == Some(true) {
        return;
    }
    let message = format!("service `{}` has a writable root filesystem", ctx.name.text);
    let finding = match read_only {
        Some(at) => ctx.finding(RULE.meta, Severity::Low, &at, message),
        None => ctx.lacking(RULE.meta, Severity::Low, None, message),
    };
    out.push(finding.fix("set `read_only: true` and mount a tmpfs where the app writes"));
}
