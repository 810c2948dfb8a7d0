//! `apparmor-disabled`: `security_opt: apparmor:unconfined`.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("apparmor-disabled", Severity::High, DOCS)
    .title("AppArmor confinement is disabled")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`apparmor:unconfined` or `apparmor=unconfined` in a service's
`security_opt`.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control appArmorProfile, evaluated as the admission controller does.

## Why it matters
On hosts with AppArmor, Docker's default profile denies writes to `/proc`
and `/sys` files and mounts that lead out of the container. Unconfined, a
root process in the container loses that second line of defence.

## Example
```yaml
services:
  app:
    image: example/app:2.0
    security_opt: ["apparmor:unconfined"]   # NOT OK
```

## Use instead
Keep the default (`docker-default`) or name a tailored profile:
`apparmor:my-app-profile`.

## References
- CIS Docker Benchmark v1.6.0, 5.2
- OWASP Docker Security Cheat Sheet, rule #6
"#;
