//! `writable-root-filesystem`: the container's root filesystem is writable.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("writable-root-filesystem", Severity::Low, DOCS)
    .title("Root filesystem is writable")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A service without `read_only: true`; in Kubernetes manifests, a container
whose `securityContext.readOnlyRootFilesystem` is not `true`.

## Why it matters
With a writable root filesystem an intruder can replace binaries the
container runs (`/usr/bin/nc`, the app itself), drop tools, and persist
until the container is recreated. Falco's `EXE_WRITABLE` flag is this
condition observed at run time.

## Example
```yaml
services:
  api:
    image: example/api:3.1   # NOT OK: no read_only
```

## Use instead
```yaml
    read_only: true
    tmpfs: ["/tmp:noexec,nosuid"]
```

## References
- CIS Docker Benchmark v1.6.0, 5.13
- OWASP Docker Security Cheat Sheet, rule #8
"#;
