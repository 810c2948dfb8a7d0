//! `network-tool`: reported by more than one scanner (images, Dockerfiles): this
//! file holds the rule's metadata and docs; each scanner's check names it
//! from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("network-tool", Severity::Low, DOCS)
    .title("Network tool in the image")
    .scopes(&[Scope::Image, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
Network tools an intruder reaches for, found by content (netcat-openbsd,
nmap, tcpdump, tshark) or, for the rest of Falco's `network_tool_binaries`
list, by name on the default `PATH` (`dig`, `telnet`, `ngrep`, `mitmproxy`,
`zmap`, `nc`, `netcat`, `ncat`, `socat`, `nmap`, `tcpdump`, `tshark`).
Netcats that can run a program are `exec-capable-netcat`'s and are not
reported again here.

In Dockerfiles: a `RUN` that installs one with a package manager
(`apt-get`/`apt`, `apk`, `dnf`/`yum`/`microdnf`/`tdnf`, `zypper`,
`pacman`) in a stage the image is made of, at the package name:
`netcat-openbsd` (`openbsd-netcat`), `nmap`, `tcpdump`, `tshark`
(`wireshark-cli`, `wireshark`), `dnsutils`/`bind9-dnsutils`/`bind-tools`/
`bind-utils` (`dig`), `telnet` (`inetutils-telnet`), `ngrep`, `mitmproxy`,
`zmap`, and packages named like the policy's extra `tools`. A package
whose programs are all `allowed` is not reported; the netcats that can
run a program are `exec-capable-netcat`'s here too.

## Why it matters
Scanners, sniffers and raw connection tools turn a compromised container
into a foothold for exploring the network. Falco's "Launch Suspicious
Network Tool in Container" watches for them at run time; not shipping them
is cheaper.

## Example
```dockerfile
RUN apt-get install -y nmap tcpdump dnsutils   # NOT OK in a runtime image
```

## Use instead
Keep debugging tools out of runtime images; use an ephemeral debug
container (`kubectl debug`, `docker run --network container:…`).

## References
- Falco list `network_tool_binaries`
"#;
