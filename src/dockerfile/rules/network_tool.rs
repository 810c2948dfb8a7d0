//! `network-tool`: a `RUN` installs a network scanner, sniffer or raw
//! connection tool in a stage the image is made of.

use super::ctx::{DockerfileCtx, Rule, image_runs};
use crate::catalog;
use crate::dockerfile::packages::installed;
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::network_tool::META, check);

/// Packages that put a network tool on the `PATH`, with the programs
/// the image rule would find (`network-tool.allowed` names programs).
/// Netcats that can run a program are `exec-capable-netcat`'s.
const PACKAGES: [(&str, &[&str]); 16] = [
    ("netcat-openbsd", &["nc", "netcat"]),
    ("openbsd-netcat", &["nc", "netcat"]),
    ("nmap", &["nmap"]),
    ("tcpdump", &["tcpdump"]),
    ("tshark", &["tshark"]),
    ("wireshark-cli", &["tshark"]),
    ("wireshark", &["tshark"]),
    ("dnsutils", &["dig"]),
    ("bind9-dnsutils", &["dig"]),
    ("bind-tools", &["dig"]),
    ("bind-utils", &["dig"]),
    ("telnet", &["telnet"]),
    ("inetutils-telnet", &["telnet"]),
    ("ngrep", &["ngrep"]),
    ("mitmproxy", &["mitmproxy"]),
    ("zmap", &["zmap"]),
];

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let params = ctx.params;
    let allowed = |name: &str| params.allowed_network_tools.iter().any(|a| a == name);
    for (stage, run) in image_runs(ctx) {
        for command in ctx.run_commands(run) {
            for package in installed(&command) {
                let name = package.name.as_str();
                let tools: Vec<&str> = match PACKAGES.iter().find(|(p, _)| *p == name) {
                    Some((_, tools)) => tools.to_vec(),
                    None if params.network_tools.iter().any(|t| t == name) => vec![name],
                    None => continue,
                };
                if tools.iter().all(|t| allowed(t)) || allowed(name) {
                    continue;
                }
                let programs = match tools.as_slice() {
                    [one] => format!("the network tool `{one}`"),
                    [rest @ .., last] => format!(
                        "the network tools {} and `{last}`",
                        rest.iter()
                            .map(|t| format!("`{t}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    [] => continue,
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::Low,
                        package.word.span,
                        DockerfileCtx::route(stage, run),
                        format!(
                            "`{} {}` in {} puts {programs} in the image",
                            package.how,
                            package.word.text,
                            DockerfileCtx::stage_name(stage),
                        ),
                    )
                    .fix("install it in a build stage only, or use an ephemeral debug container"),
                );
            }
        }
    }
}
