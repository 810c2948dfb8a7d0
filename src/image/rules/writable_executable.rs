//! `writable-executable`: an executable the runtime user can rewrite.

use super::ctx::{Rule, file_finding};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("writable-executable", Severity::High, DOCS)
    .title("Executable writable by the runtime user")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Executable files (any `x` bit) that are world-writable (high),
group-writable (medium), or owned by the image's runtime user when that
user is not root (high): the user comes from `Config.User`, resolved
through the image's `/etc/passwd`. A root runtime user can rewrite every
root-owned binary; that case is `root-user`'s, not repeated per file.

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

/// This rule's findings alone (the policy join checks an image again as
/// the user a service runs it as).
pub fn check_all(image: &Image) -> Vec<Finding> {
    let mut out = Vec::new();
    check(image, &Params::default(), &mut out);
    out
}

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let (user, uid) = image.runtime_user();
    for (path, node) in image.tree.files() {
        let entry = &node.entry;
        if entry.mode & 0o111 == 0 {
            continue;
        }
        let (severity, why) = if entry.mode & 0o002 != 0 {
            (Severity::High, "world-writable".to_string())
        } else if uid.is_some_and(|u| u != 0 && u == u64::from(entry.uid)) {
            (
                Severity::High,
                format!("owned by the runtime user `{user}`"),
            )
        } else if entry.mode & 0o020 != 0 {
            (Severity::Medium, format!("writable by group {}", entry.gid))
        } else {
            continue;
        };
        out.push(
            file_finding(
                image,
                &META,
                severity,
                path,
                node,
                format!(
                    "executable `/{path}` is {why} (mode {:04o})",
                    entry.mode & 0o7777
                ),
            )
            .fix("make binaries root-owned, mode 0755, and run as another user"),
        );
    }
}
