//! `missing-resource-limits`: a service has no memory, CPU or PID limit.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("missing-resource-limits", Severity::Low, DOCS)
    .title("No memory, CPU or PID limit")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
Each of memory (`mem_limit` or `deploy.resources.limits.memory`), CPU
(`cpus` or `deploy.resources.limits.cpus`) and PIDs (`pids_limit` or
`deploy.resources.limits.pids`) that a service leaves unlimited. `0`,
`0.00`, `0m` and `-1` count as unlimited. One finding per service lists what is missing.
In Kubernetes manifests, a container (not an ephemeral one) without
`resources.limits.memory` or `resources.limits.cpu`, at the container.

## Why it matters
An unlimited container can starve the host and its neighbours: a memory
leak triggers the host's OOM killer, a fork bomb exhausts the PID table,
a crypto miner takes every core.

## Example
```yaml
services:
  worker:
    image: example/worker:1.0   # NOT OK: no limits
```

## Use instead
```yaml
    deploy:
      resources:
        limits: {cpus: "1.0", memory: 512M, pids: 200}
```

## References
- CIS Docker Benchmark v1.6.0, 5.11, 5.12, 5.29
"#;
