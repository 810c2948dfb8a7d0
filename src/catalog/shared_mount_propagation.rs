//! `shared-mount-propagation`: a bind mount propagates mounts between the
//! host and the container.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("shared-mount-propagation", Severity::Medium, DOCS)
    .title("Mount propagation is shared with the host")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A volume with `bind.propagation` (or the short-syntax flag) `shared` or
`rshared` (medium), or `slave` or `rslave` (low). In Kubernetes manifests,
a `volumeMounts` entry with `mountPropagation: Bidirectional` (medium) or
`HostToContainer` (low), the same propagation under other names.

## Why it matters
With shared propagation, mounts made inside the container appear on the
host and the other way round: a container that can mount (privileged, or
`SYS_ADMIN`) can place file systems in the host's view. Slave propagation
lets host mounts (including other containers' volumes) appear inside.

## Example
```yaml
services:
  agent:
    image: example/agent:1.0
    volumes:
      - type: bind
        source: /mnt/data
        target: /data
        bind:
          propagation: rshared   # NOT OK
```

## Use instead
Leave propagation at its default (`rprivate`).

## References
- CIS Docker Benchmark v1.6.0, 5.20
"#;
