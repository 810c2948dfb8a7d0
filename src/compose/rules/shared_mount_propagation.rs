//! `shared-mount-propagation`: a bind mount propagates mounts between the
//! host and the container.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::shared_mount_propagation::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for (entry, mount) in ctx.mounts() {
        let Some(mode) = mount.propagation.as_deref() else {
            continue;
        };
        let severity = match mode {
            "shared" | "rshared" => Severity::Medium,
            "slave" | "rslave" => Severity::Low,
            _ => continue,
        };
        let node = mount
            .node
            .get("bind")
            .and_then(|b| b.get("propagation"))
            .unwrap_or(mount.node);
        out.push(
            ctx.finding(
                RULE.meta,
                severity,
                &entry.pointing_at(node),
                format!(
                    "service `{}` mounts `{}` with {mode} propagation",
                    ctx.name.text, mount.target
                ),
            )
            .fix("remove the propagation setting (default rprivate)"),
        );
    }
}
