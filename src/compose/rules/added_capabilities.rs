//! `added-capabilities`: `cap_add` grants Linux capabilities beyond
//! Docker's default set, tiered by what they give.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::compose::model::strings;
use crate::finding::{Finding, Severity};
use crate::hazards::capabilities::{NAMESPACED, normalise, tier_on_network};
use crate::yaml::Node;

pub static RULE: Rule = Rule::service(&catalog::added_capabilities::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(list) = ctx.at("cap_add") else {
        return;
    };
    for (index, (name, node)) in strings(list.node).into_iter().enumerate() {
        let capability = normalise(name);
        if ctx.params.allowed_capabilities.contains(&capability) {
            continue;
        }
        let host_network = ctx.node.get("network_mode").and_then(Node::as_str) == Some("host");
        let severity = tier_on_network(&capability, host_network);
        let what = if capability == "ALL" {
            "every capability".to_string()
        } else {
            format!("CAP_{capability}")
        };
        let note = if severity == Severity::Info {
            " (already in Docker's default set)"
        } else if NAMESPACED.contains(&capability.as_str()) && !host_network {
            // A VPN or firewall sidecar on its own network: it reconfigures
            // only its own namespace.
            " (confined to the service's own network namespace; high with `network_mode: host`)"
        } else {
            ""
        };
        out.push(
            ctx.finding(
                RULE.meta,
                severity,
                &list.item(index, node),
                format!("service `{}` adds {what}{note}", ctx.name.text),
            )
            .fix("drop ALL and add back only what the process needs"),
        );
    }
}
