//! `capabilities-not-dropped`: a service keeps Docker's default
//! capabilities (no `cap_drop: [ALL]`).
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("capabilities-not-dropped", Severity::Low, DOCS)
    .title("Default capabilities are not dropped")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A service whose `cap_drop` does not contain `ALL` (any case, with or
without the `CAP_` prefix).

In Kubernetes manifests, the same hazard is the Pod Security Standards
control capabilities_restricted (`drop: [ALL]`), evaluated as the admission controller does.

## Why it matters
Docker grants 14 capabilities by default, among them `NET_RAW` (packet
spoofing), `SETUID`/`SETGID` and `DAC_OVERRIDE` (root ignores file
permissions). Most services need none of them; each one kept is a step an
attacker does not have to take.

## Example
```yaml
services:
  api:
    image: example/api:3.1   # NOT OK: no cap_drop
```

## Use instead
```yaml
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]   # only if needed
```

## References
- CIS Docker Benchmark v1.6.0, 5.4
- OWASP Docker Security Cheat Sheet, rule #3
"#;
