//! `missing-resource-limits`: a service has no memory, CPU or PID limit.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::yaml::Node;

pub static RULE: Rule = Rule::service(&catalog::missing_resource_limits::META, check);

/// Whether a limit is set to something: `0`, `0.00`, `0m` and `-1` mean
/// unlimited.
fn limited(node: Option<&Node>) -> bool {
    node.and_then(Node::as_str).is_some_and(|v| {
        let number: String = v
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        number.parse::<f64>().is_ok_and(|n| n > 0.0)
    })
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let limits = ctx.at("deploy.resources.limits");
    let deploy = |key: &str| limits.as_ref().and_then(|l| l.node.get(key));
    let mut missing = Vec::new();
    if !limited(ctx.node.get("mem_limit")) && !limited(deploy("memory")) {
        missing.push("memory");
    }
    if !limited(ctx.node.get("cpus")) && !limited(deploy("cpus")) {
        missing.push("CPU");
    }
    if !limited(ctx.node.get("pids_limit")) && !limited(deploy("pids")) {
        missing.push("PIDs");
    }
    if missing.is_empty() {
        return;
    }
    out.push(
        ctx.lacking(
            RULE.meta,
            Severity::Low,
            None,
            format!(
                "service `{}` has no {} limit",
                ctx.name.text,
                missing.join(", ")
            ),
        )
        .fix("set deploy.resources.limits (memory, cpus, pids)"),
    );
}
