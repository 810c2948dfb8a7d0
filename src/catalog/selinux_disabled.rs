//! `selinux-disabled`: `security_opt: label:disable`.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("selinux-disabled", Severity::Medium, DOCS)
    .title("SELinux separation is disabled")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`label:disable` or `label=disable` in a service's `security_opt`, and the
`label:type:spc_t` super-privileged type.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control seLinuxOptions, evaluated as the admission controller does.

## Why it matters
On SELinux hosts, container processes run as `container_t` and cannot
touch host files that are not labelled for containers. Disabling the label
(or running as `spc_t`) removes that separation.

## Example
```yaml
services:
  app:
    image: example/app:2.0
    security_opt: ["label:disable"]   # NOT OK
```

## Use instead
Keep the default labelling; relabel bind mounts with `:z` or `:Z` instead.

## References
- CIS Docker Benchmark v1.6.0, 5.3
"#;
