//! `writable-executable`: reported by more than one scanner (images, Dockerfiles): this
//! file holds the rule's metadata and docs; each scanner's check names it
//! from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("writable-executable", Severity::High, DOCS)
    .title("Executable writable by the runtime user")
    .scopes(&[Scope::Image, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
Executable files (any `x` bit) that are world-writable (high),
group-writable (medium), or owned by the image's runtime user when that
user is not root (high): the user comes from `Config.User`, resolved
through the image's `/etc/passwd`. A root runtime user can rewrite every
root-owned binary; that case is `root-user`'s, not repeated per file.

In Dockerfiles: a `RUN chmod` that makes files writable by anyone (`777`, `o+w`, `a+w`, `+w` for all), at the mode, in every stage the image is built from.

## Why it matters
A binary the running process can rewrite is a persistence point: replace
`/usr/bin/python3` or the entrypoint and every later exec runs the
intruder's code. Falco reports this at run time as `EXE_WRITABLE`.

## Example
```dockerfile
COPY --chown=app:app app /usr/local/bin/app   # NOT OK: app owns its binary
USER app
```

## Use instead
Install binaries owned by root with mode 0755 and run as another user:
```dockerfile
COPY --chmod=0755 app /usr/local/bin/app
USER app
```

## References
- Falco exe flag `EXE_WRITABLE`
- CIS Docker Benchmark v1.6.0, 4.1
"#;
