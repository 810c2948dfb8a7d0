//! `missing-healthcheck`: reported by more than one scanner (images, Dockerfiles): this
//! file holds the rule's metadata and docs; each scanner's check names it
//! from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("missing-healthcheck", Severity::Info, DOCS)
    .title("Image declares no health check")
    .scopes(&[Scope::Image, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
An image config without `Healthcheck`, or with `HEALTHCHECK NONE`.

In Dockerfiles: no stage the image is built from (the runtime stage and
the stages it is built `FROM`) has a `HEALTHCHECK`, at the runtime
stage's `FROM` image; or the last one is `HEALTHCHECK NONE`, at `NONE`.
A base image's own health check would still apply, which a Dockerfile
does not show.

## Why it matters
Without a health check the engine cannot tell a hung service from a
working one; restarts and rollouts rely on the process merely existing.
It is an availability signal, so it is reported as info. Orchestrators
with their own probes (Kubernetes) do not use it.

## Example
```dockerfile
FROM nginx:1.27   # no HEALTHCHECK
```

## Use instead
```dockerfile
HEALTHCHECK --interval=30s CMD ["/healthcheck"]
```

## References
- CIS Docker Benchmark v1.6.0, 4.6
- Dockle CIS-DI-0006
- Trivy DS-0026, Checkov CKV_DOCKER_2 (Dockerfiles)
"#;
