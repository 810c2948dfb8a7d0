//! `root-user`: a service is configured to run as root.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("root-user", Severity::Medium, DOCS)
    .title("Container runs as root")
    .scopes(&[
        Scope::Compose,
        Scope::Image,
        Scope::Kubernetes,
        Scope::Dockerfile,
    ]);

const DOCS: &str = r#"## What it checks
- Compose: a service whose `user:` is `root`, `0`, or `root`/`0` with any
  group (`0:0`, `root:root`).
- Images: a config whose `User` is empty (the default: root), `root`,
  `0`, or a name that the image's `/etc/passwd` maps to uid 0.

A service without `user:` runs as its image's user, so both halves
matter; the image check is in `image/rules/root_user.rs`.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control runAsNonRoot and runAsUser, evaluated as the admission controller does.

- Dockerfiles: the image stage (the last, or `--target`) ends on `USER root`/`USER 0` (at that `USER`), or no stage the image is built from sets a `USER` (at the image stage's `FROM`): the image then runs as its base image's user, root unless the base sets one; `scratch` runs as uid 0. Bases known to run as non-root (distroless `:nonroot` tags, `cgr.dev/chainguard/`, `bitnami/`) are trusted.

## Why it matters
Root in a container is root on the host's kernel: any escape, any writable
host mount and any added capability is worth more. Root can also rewrite
every binary in the image, which is what Falco's `EXE_WRITABLE` flag
reports at run time.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    user: "0:0"   # NOT OK
```

## Use instead
```yaml
    user: "101:101"
```

## References
- CIS Docker Benchmark v1.6.0, 4.1
- OWASP Docker Security Cheat Sheet, rule #2
"#;
