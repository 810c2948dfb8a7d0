//! `privileged`: a service runs with `privileged: true`.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("privileged", Severity::Critical, DOCS)
    .title("Container runs privileged")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A service with `privileged: true` (also `yes`/`on`, and values that
interpolation turns into true, such as `${PRIVILEGED:-true}`).

In Kubernetes manifests, the same hazard is the Pod Security Standards
control privileged, evaluated as the admission controller does.

Compose: `build.privileged: true` and the `security.insecure` build entitlement are reported too, at high: build steps with every capability, on the machine that builds.

## Why it matters
A privileged container gets every capability, every host device, and no
seccomp, AppArmor or SELinux confinement. Root in it is root on the host:
mounting the host disk or loading a kernel module is one command away.

## Example
```yaml
services:
  agent:
    image: example/agent:1.2
    privileged: true   # NOT OK
```

## Use instead
Remove `privileged` and grant only what the workload needs: one device
with `devices:`, one capability with `cap_add:`.

## References
- CIS Docker Benchmark v1.6.0, 5.5
- OWASP Docker Security Cheat Sheet, rule #3
"#;
