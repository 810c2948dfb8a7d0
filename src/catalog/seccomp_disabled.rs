//! `seccomp-disabled`: `security_opt: seccomp:unconfined`.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("seccomp-disabled", Severity::High, DOCS)
    .title("Seccomp filtering is disabled")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`seccomp:unconfined` or `seccomp=unconfined` in a service's `security_opt`.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control seccompProfile_baseline and seccompProfile_restricted, evaluated as the admission controller does.

## Why it matters
The default seccomp profile blocks about 44 system calls that containers
do not need and that many kernel exploits and escapes use (`keyctl`,
`unshare`, `mount`, `bpf`…). Turning it off widens the kernel attack
surface for every process in the container.

## Example
```yaml
services:
  app:
    image: example/app:2.0
    security_opt: ["seccomp=unconfined"]   # NOT OK
```

## Use instead
Keep the default profile, or give a custom profile that allows the one
extra call needed: `seccomp:./seccomp-app.json`.

## References
- CIS Docker Benchmark v1.6.0, 5.22
- OWASP Docker Security Cheat Sheet, rule #6
"#;
