//! `unowned-executable`: a program in a system directory that no package
//! installed.

use super::ctx::{Rule, file_finding, in_system_dir};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("unowned-executable", Severity::Medium, DOCS)
    .title("Executable in a system directory owned by no package")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Executable regular files under `bin`, `sbin`, `usr/bin`, `usr/sbin`,
`lib*`, `usr/lib*` and `usr/libexec` (after resolving usr-merge links)
that no package database lists, when the image has a dpkg or apk
database. Alternatives and BusyBox links are symlinks and never reported;
`/usr/local` is where unpackaged software belongs and is not checked.
Images without a package database are not checked.

## Why it matters
Package-managed directories are where nobody looks for hand-placed
programs. An unowned binary there escapes every package-based check (CVE
scanners, `dpkg --verify`) and is the static sign of what Falco's "Drop
and execute new binary in container" catches at run time.

## Example
```dockerfile
COPY tool /usr/bin/tool   # NOT OK: no package owns it
```

## Use instead
Install unpackaged software under `/usr/local/bin` or `/opt`, or package
it.

## References
- Falco rule "Drop and execute new binary in container"
"#;

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    if !image.packages.any() {
        return;
    }
    for (path, node) in image.tree.files() {
        if !node.entry.is_executable_file() {
            continue;
        }
        let path = path.to_string();
        let path = path.as_str();
        if !in_system_dir(path) {
            continue;
        }
        if image.packages.owned.contains_key(path)
            || image.packages.alternatives.iter().any(|a| a == path)
        {
            continue;
        }
        // Python byte-code caches and the like are data, not programs.
        if path.contains("/__pycache__/") {
            continue;
        }
        out.push(
            file_finding(
                image,
                &META,
                Severity::Medium,
                path,
                node,
                format!("`/{path}` is executable and no package owns it"),
            )
            .fix("install unpackaged programs under /usr/local or /opt"),
        );
    }
}
