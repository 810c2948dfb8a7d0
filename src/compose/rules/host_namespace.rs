//! `host-namespace`: a service shares a namespace with the host, or its
//! build steps share the host's network (`build.network: host`, the
//! `network.host` entitlement).

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
    let build_network = ctx.at("build.network").filter(|at| {
        at.node
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("host"))
    });
    let entitlement = ctx.at("build.entitlements").and_then(|e| {
        e.items()
            .find(|at| at.node.as_str() == Some("network.host"))
    });
    for at in build_network.into_iter().chain(entitlement) {
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::Medium,
                &at,
                format!(
                    "service `{}` builds its image with steps on the host's network",
                    ctx.name.text
                ),
            )
            .fix("remove it: build steps reach the network through the builder's own"),
        );
    }
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
