//! `proc-mount`: a container sees an unmasked /proc and /sys (Compose
//! `security_opt: systempaths=unconfined`; Kubernetes `procMount:
//! Unmasked`, whose check is part of the Pod Security Standards
//! evaluation in `k8s/pss/proc_mount.rs`).
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("proc-mount", Severity::High, DOCS)
    .title("Container mounts an unmasked /proc")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
Compose: `systempaths=unconfined` (or `systempaths:unconfined`) in a
service's `security_opt`, which turns off the masked and read-only paths
of /proc and /sys.

Kubernetes: `securityContext.procMount` other than `Default` (`Unmasked`
exposes all of /proc): the Pod Security Standards controls `procMount`
(baseline, allowed with `hostUsers: false`) and `procMount_restricted`
(restricted, never allowed).

## Why it matters
A container's /proc and /sys normally hide or freeze the paths that leak
host information or change kernel settings (`/proc/kcore`,
`/proc/sysrq-trigger`, `/proc/sys`, `/sys/firmware`…). Unmasked, they
are in the container's hands: a root process can read kernel memory
layouts, trigger a host reboot through sysrq, or change host-wide
sysctls.

## Example
```yaml
services:
  tool:
    image: example/tool:1.0
    security_opt: ["systempaths=unconfined"]   # NOT OK
```
```yaml
securityContext:
  procMount: Unmasked   # NOT OK
```

## Use instead
Remove `systempaths=unconfined` (Compose) and leave `procMount` unset
(Kubernetes: Default). A tool that needs one host path gets that path
mounted read-only, not the whole of /proc.

## References
- Docker CLI reference, `docker run --security-opt systempaths=unconfined`
- Pod Security Standards, baseline: /proc Mount Type
"#;
