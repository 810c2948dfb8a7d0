//! `no-new-privileges`: a service does not set `no-new-privileges`, or sets
//! it to false.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("no-new-privileges", Severity::Medium, DOCS)
    .title("Processes may gain privileges (no-new-privileges not set)")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A service whose `security_opt` has no `no-new-privileges` entry, or has it
set to false (Docker reads the value as Go's `ParseBool`: `false`, `0`,
`f`…). Every spelling Docker accepts counts as set: `no-new-privileges`,
`no-new-privileges:true`, `no-new-privileges=true`, `no-new-privileges=1`.
The finding points at `security_opt:` when the list exists without the
entry, and at the service otherwise.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control allowPrivilegeEscalation, evaluated as the admission controller does.

## Why it matters
Without it, a process in the container can gain privileges through setuid
and setcap binaries (`su`, `ping`, a setuid shell a later layer added).
This is the flag that stops a compromised non-root process from becoming
root, and the missing half of the remote-shell chain drydock looks for.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    security_opt:
      - no-new-privileges:false   # NOT OK
```

## Use instead
```yaml
    security_opt:
      - no-new-privileges:true
```

## References
- CIS Docker Benchmark v1.6.0, 5.26
- OWASP Docker Security Cheat Sheet, rule #4
"#;
