//! `remote-shell-toolkit`: a service runs, as root, an image holding a
//! netcat that can run a program for the remote side, and nothing stops a
//! process from rewriting binaries or gaining privileges.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("remote-shell-toolkit", Severity::Critical, DOCS)
    .title("Root service whose image holds an exec-capable netcat")
    .scopes(&[Scope::Policy]);

const DOCS: &str = r#"## What it checks
A Compose service or a Kubernetes container paired with the image it
runs (`drydock scan`, images from the engine or `--images DIR`),
where all of these hold at once:
- the image has an `exec-capable-netcat` finding (a netcat whose `-e` or
  `-c` runs a program for whoever connects);
- the effective user is root: the service's `user:` (a container's
  `runAsUser`, else its pod's), or else the image's `Config.User`, is
  unset, `root` or `0`, and no `runAsNonRoot: true` stops it;
- the root filesystem is writable (no `read_only: true`, no
  `readOnlyRootFilesystem: true`) or no-new-privileges is not set
  (`allowPrivilegeEscalation: false` in Kubernetes).

The finding is on the service's `image:` line; its related locations
are the netcat in the image (layer and path), the `user:` line when the
service sets one, and the settings that leave the container open.

## Why it matters
This is the static form of Falco's "Netcat Remote Code Execution in
Container" alert, which fires when `nc -e` runs in a container; the
alert's `/usr/bin/nc` run as root with `EXE_WRITABLE|EXE_LOWER_LAYER`
is exactly this chain. An attacker with any command execution gets a
remote root shell in one line, can replace binaries of the image's lower
layers, and keeps the foothold. Each part alone is a medium finding;
together they are the breach.

## Example
```yaml
services:
  worker:
    image: myapp:1.4   # NOT OK: netcat-traditional in the image, runs as root
```

## Use instead
Remove netcat from the image (or install `netcat-openbsd`, which has no
`-e`), run as an unprivileged user, and set both:
```yaml
    user: "10001:10001"
    read_only: true
    security_opt:
      - no-new-privileges:true
```

## References
- Falco rule "Netcat Remote Code Execution in Container"
- Falco exe flags `EXE_WRITABLE`, `EXE_LOWER_LAYER`
- MITRE ATT&CK T1059 (Command and Scripting Interpreter)
"#;

/// The rule as a policy would declare it (`drydock explain` prints it).
pub const DECLARATION: &str = r#"when:
  - image: exec-capable-netcat
    note: an exec-capable netcat
  - user: root
  - any:
      - service: writable-root-filesystem
        note: a writable root filesystem
      - service: no-new-privileges
        note: no-new-privileges unset
message: >-
  {service} runs image `{image}` as root with {parts}: the static form of
  Falco's "Netcat Remote Code Execution in Container" (EXE_WRITABLE|EXE_LOWER_LAYER)
fix: remove netcat from the image, run as a non-root user, set read_only and no-new-privileges
"#;
