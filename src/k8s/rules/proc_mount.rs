//! `proc-mount`: container mounts an unmasked /proc (Kubernetes). The check itself is
//! part of the Pod Security Standards evaluation in `k8s/pss.rs`.

use crate::finding::Severity;
use crate::rules::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta {
    id: "proc-mount",
    title: "Container mounts an unmasked /proc",
    severity: Severity::High,
    scopes: &[Scope::Kubernetes],
    docs: DOCS,
};

const DOCS: &str = r#"## What it checks
`securityContext.procMount` other than `Default` (`Unmasked` exposes
all of /proc): the Pod Security Standards controls `procMount` (baseline,
allowed with `hostUsers: false`) and `procMount_restricted` (restricted,
never allowed).

## Why it matters
The default /proc masks paths (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-
trigger`…) that leak host information or change kernel settings; an
unmasked /proc hands them to the container.

## Example
```yaml
securityContext:
  procMount: Unmasked   # NOT OK
```

## Use instead
Leave `procMount` unset (Default).

## References
- Pod Security Standards, baseline: /proc Mount Type
"#;
