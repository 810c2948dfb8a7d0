//! `exec-capable-netcat`: the image ships a netcat that can hand a shell to
//! whoever connects.

use super::ctx::{Rule, file_finding};
use crate::catalog;
use crate::finding::{Finding, Place, Severity};
use crate::image::Image;
use crate::image::content::Tool;
use crate::params::Params;

pub(super) static RULE: Rule = Rule {
    meta: &catalog::exec_capable_netcat::META,
    check,
};

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    for (path, node) in image.tree.files() {
        let Some(content) = &node.entry.content else {
            continue;
        };
        let facts = &content.facts;
        if !facts.exec_capable {
            continue;
        }
        let Some(tool) = facts.tool else { continue };
        let (severity, what) = match tool {
            Tool::Busybox if image.is_base_layer(node.layer) => (
                Severity::Low,
                "a BusyBox inherited from the base image whose `nc` applet can run a program (`nc -e`)".to_string(),
            ),
            Tool::Busybox => (
                Severity::Medium,
                "a BusyBox whose `nc` applet can run a program (`nc -e`)".to_string(),
            ),
            Tool::Socat => (
                Severity::High,
                "socat, which runs programs for a connection (`EXEC:`, `SYSTEM:`)".to_string(),
            ),
            other => (
                Severity::High,
                format!("{}, which can run a program for whoever connects (`-e`)", other.name()),
            ),
        };
        let path = path.to_string();
        let path = path.as_str();
        let mut names = image.tree.names_of(path);
        if tool == Tool::Busybox {
            // Only the `nc` links of a BusyBox matter here.
            names.retain(|n| n.rsplit('/').next() == Some("nc"));
        }
        if let Some(target) = node.hardlink_of() {
            names.push(target.to_string());
        }
        names.sort();
        let mut message = format!("`/{path}` is {what}");
        if let Some(owner) = image.packages.owned.get(path) {
            message.push_str(&format!(" (package {})", owner.package));
        }
        if !names.is_empty() {
            let shown: Vec<String> = names.iter().map(|n| format!("/{n}")).collect();
            message.push_str(&format!("; reached as {}", shown.join(", ")));
        }
        let mut f = file_finding(image, RULE.meta, severity, path, node, message)
            .fix("remove netcat from the runtime image; use an ephemeral debug container instead");
        for name in names {
            let layer = image.tree.get(&name).map(|n| n.layer);
            f = f.related(Place::Image(
                image.location(layer, Some(&name)).with_note("reached as"),
            ));
        }
        out.push(f);
    }
}
