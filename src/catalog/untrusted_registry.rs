//! `untrusted-registry`: a service's image comes from a registry the
//! policy does not list as trusted.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("untrusted-registry", Severity::High, DOCS)
    .title("Image from a registry the policy does not trust")
    .scopes(&[Scope::Compose, Scope::Kubernetes, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
Only when a policy lists trusted registries (the `trusted` parameter):
the `image:` of each Compose service that is pulled (services with
`build:` name their own image and are skipped) and of each Kubernetes
container, resolved as the engine resolves it (`nginx` is
`docker.io/library/nginx`), must start with one of the entries: a
registry (`registry.example.com`, `docker.io`) or a repository prefix
(`docker.io/library`, `ghcr.io/acme`), matched at a `/` boundary.

```yaml
# .drydock.yaml
rules:
  untrusted-registry:
    trusted: [registry.example.com, docker.io/library]
```

In Dockerfiles: each `FROM` image (not a stage, not `scratch`, after `ARG` substitution) from a registry outside `trusted`, at the reference; the base of every stage counts, build stages too, since what they build is copied into the image.

## Why it matters
An image is code that runs with the service's privileges. A gate that
admits images from anywhere admits a typosquatted repository, a personal
fork, or a registry nobody scans. A list of where images may come from
is the first control of a supply chain.

## Example
```yaml
services:
  cache:
    image: docker.io/someone/redis:7   # NOT OK: not under a trusted prefix
```

## Use instead
Pull from (or mirror into) a trusted registry:
```yaml
    image: registry.example.com/mirror/redis:7.4
```

## References
- CIS Docker Benchmark v1.6.0, 4.2 (use trusted base images)
- NIST SP 800-190, 4.1.5 (use of untrusted images)
"#;
