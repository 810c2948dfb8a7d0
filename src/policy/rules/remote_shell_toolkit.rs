//! `remote-shell-toolkit`: a service runs, as root, an image holding a
//! netcat that can run a program for the remote side, and nothing stops a
//! process from rewriting binaries or gaining privileges.

use crate::finding::{Finding, Place, Severity};
use crate::policy::join::{Pair, noted};
use crate::rules::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta {
    id: "remote-shell-toolkit",
    title: "Root service whose image holds an exec-capable netcat",
    severity: Severity::Critical,
    scopes: &[Scope::Policy],
    docs: DOCS,
};

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

pub fn check(pair: &Pair, out: &mut Vec<Finding>) {
    let netcats = pair.image_findings("exec-capable-netcat");
    let Some(netcat) = netcats.first() else {
        return;
    };
    if !pair.runs_as_root() {
        return;
    }
    let no_nnp = pair.service_finding("no-new-privileges");
    let writable_root = pair.service_finding("writable-root-filesystem");
    if no_nnp.is_none() && writable_root.is_none() {
        return;
    }
    let mut open = Vec::new();
    if writable_root.is_some() {
        open.push("a writable root filesystem");
    }
    if no_nnp.is_some() {
        open.push("no no-new-privileges");
    }
    let path = match &netcat.location {
        Place::Image(l) => l.path.clone().unwrap_or_default(),
        Place::Config(_) => String::new(),
    };
    let mut related = vec![noted(&netcat.location, "exec-capable netcat")];
    related.extend(pair.user_place());
    if let Some(f) = writable_root {
        related.push(noted(&f.location, "root filesystem writable"));
    }
    if let Some(f) = no_nnp {
        related.push(noted(&f.location, "no-new-privileges not set"));
    }
    out.push(pair.finding(
        &META,
        format!(
            "{} runs image `{}` as root with an exec-capable netcat (`{path}`) and {}: \
             the static form of Falco's \"Netcat Remote Code Execution in Container\" \
             (EXE_WRITABLE|EXE_LOWER_LAYER)",
            pair.service.label,
            pair.service.image,
            open.join(" and ")
        ),
        related,
        "remove netcat from the image, run as a non-root user, set read_only and no-new-privileges",
    ));
}
