//! `host-namespace`: a service shares a namespace with the host.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::host_namespace::META, check);

const NAMESPACES: [(&str, &str, Severity); 6] = [
    ("network_mode", "network", Severity::High),
    ("pid", "PID", Severity::High),
    ("ipc", "IPC", Severity::High),
    ("uts", "UTS", Severity::Medium),
    ("userns_mode", "user", Severity::Medium),
    ("cgroup", "cgroup", Severity::Medium),
];

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for (key, name, severity) in NAMESPACES {
        let Some(at) = ctx.at(key) else {
            continue;
        };
        if at
            .node
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("host"))
        {
            out.push(
                ctx.finding(
                    RULE.meta,
                    severity,
                    &at,
                    format!(
                        "service `{}` shares the host's {name} namespace",
                        ctx.name.text
                    ),
                )
                .fix(format!("remove `{key}: host`")),
            );
        }
    }
}
