//! `unpinned-image`: a service's image is not pinned to a version.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("unpinned-image", Severity::Medium, DOCS)
    .title("Image not pinned to a version")
    .scopes(&[Scope::Compose, Scope::Kubernetes, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
The `image:` of a service that is pulled (services with `build:` name their
own image and are skipped): no tag or the `latest` tag is medium; a tag
without an `@sha256:` digest is info, since tags can be moved. In
Kubernetes manifests, the `image` of every container, the same way (a
`ko://` placeholder is pinned by the tool that replaces it).

- Dockerfiles: each `FROM` image (not a stage, not `scratch`) without a tag or on `latest` (medium), or pinned by tag but not by digest (info), at the reference, after `ARG` substitution.

## Why it matters
An unpinned image changes under you: the next pull can bring a different
base, new binaries, or a compromised release, and what was reviewed is no
longer what runs.

## Example
```yaml
services:
  cache:
    image: redis   # NOT OK
```

## Use instead
```yaml
    image: redis:7.4@sha256:<digest>
```

## References
- CIS Docker Benchmark v1.6.0, 5.28
- OWASP Docker Security Cheat Sheet, rule #13
"#;
