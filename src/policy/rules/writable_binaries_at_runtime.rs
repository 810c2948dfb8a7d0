//! `writable-binaries-at-runtime`: the user a service runs as can rewrite
//! executables of its image, and the root filesystem is writable.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("writable-binaries-at-runtime", Severity::High, DOCS)
    .title("Executables writable by the service's user on a writable root filesystem")
    .scopes(&[Scope::Policy]);

const DOCS: &str = r#"## What it checks
A Compose service or a Kubernetes container paired with the image it
runs (`drydock scan`, images from the engine or `--images DIR`),
where executables of the image are writable by the *effective* user (the
service's `user:` overrides the image's `Config.User`, so the image is
checked again as that user) and the service's root filesystem is
writable (no `read_only: true`). Related locations: up to five of the
executables (layer and path), the `user:` line and the writable root
filesystem.

A root user can rewrite every binary; that case is `remote-shell-toolkit`
and `root-user`, not repeated here.

## Why it matters
A process that can rewrite the binaries it and its neighbours run turns
one compromise into a persistent one: the next `exec` of that file runs
the attacker's code. This is Falco's `EXE_WRITABLE` flag, found before
the container starts. A read-only root filesystem stops it whatever the
file modes say.

## Example
```yaml
services:
  app:
    image: myapp:1.4   # NOT OK: /app/bin/server is owned by uid 10001
    user: "10001"
```

## Use instead
Make binaries root-owned with mode 0755, and set `read_only: true`
(with a tmpfs where the app writes).

## References
- Falco exe flag `EXE_WRITABLE`
- CIS Docker Benchmark v1.6.0, 5.12
"#;

/// The rule as a policy would declare it (`drydock explain` prints it).
/// `writable-executable` is checked again as the service's user.
pub const DECLARATION: &str = r#"when:
  - image: writable-executable
    note: executables it can rewrite
  - user: non-root
  - service: writable-root-filesystem
    note: a writable root filesystem
message: "{service} runs image `{image}` as `{user}` with {parts}"
fix: "make binaries root-owned (0755) and set `read_only: true`"
"#;
