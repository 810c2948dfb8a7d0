//! `network-tool`: network reconnaissance and transfer tools in the image.

use super::ctx::{Rule, finding, on_path};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::image::content::Tool;
use crate::image::layer::Kind;
use crate::params::Params;

pub(super) static RULE: Rule = Rule {
    meta: &catalog::network_tool::META,
    check,
};

const NAMES: [&str; 12] = [
    "nc",
    "ncat",
    "netcat",
    "nmap",
    "dig",
    "tcpdump",
    "tshark",
    "ngrep",
    "telnet",
    "mitmproxy",
    "socat",
    "zmap",
];

fn check(image: &Image, params: &Params, out: &mut Vec<Finding>) {
    let allowed = |name: &str| params.allowed_network_tools.iter().any(|a| a == name);
    let report = |out: &mut Vec<Finding>, layer: usize, path: &str, message: String| {
        out.push(
            finding(
                image,
                RULE.meta,
                Severity::Low,
                Some(layer),
                Some(path),
                message,
            )
            .fix("remove network tools from the runtime image"),
        );
    };
    let mut reported: Vec<String> = Vec::new();
    for (path, node) in image.tree.files() {
        let Some(content) = &node.entry.content else {
            continue;
        };
        let tool = match content.facts.tool {
            Some(t @ (Tool::NetcatOpenbsd | Tool::Nmap | Tool::Tcpdump | Tool::Tshark)) => t,
            _ => continue,
        };
        if allowed(path.name()) {
            continue;
        }
        let path = path.to_string();
        let path = path.as_str();
        reported.push(path.to_string());
        report(
            out,
            node.layer,
            path,
            format!("`/{path}` is {}", tool.name()),
        );
    }
    // By name: links and files on PATH called like a network tool, whose
    // real file was not already reported (or is an exec-capable netcat).
    for (path, node) in image.tree.iter() {
        let name = path.name();
        let named = NAMES.contains(&name) || params.network_tools.iter().any(|t| t == name);
        if !named || allowed(name) {
            continue;
        }
        let path = path.to_string();
        let path = path.as_str();
        if !on_path(path) {
            continue;
        }
        if !matches!(node.entry.kind, Kind::File | Kind::Symlink(_)) {
            continue;
        }
        let Some((real, target)) = image.tree.resolve(path) else {
            continue;
        };
        let Some(content) = &target.entry.content else {
            continue;
        };
        if content.facts.exec_capable || reported.contains(&real) {
            continue;
        }
        // A BusyBox applet link is reported once per applet name.
        let what = match content.facts.tool {
            Some(Tool::Busybox) => format!("the BusyBox applet `{name}`"),
            _ => format!("`{name}`"),
        };
        reported.push(real.clone());
        report(
            out,
            node.layer,
            path,
            format!("`/{path}` is {what}, a network tool"),
        );
    }
}
