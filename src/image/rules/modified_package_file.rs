//! `modified-package-file`: a file no longer matches the digest its
//! package recorded.

use crate::params::Params;
use md5::Digest;

use super::ctx::{Rule, file_finding};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::image::layer::Kind;
use crate::image::pkgdb::Recorded;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("modified-package-file", Severity::High, DOCS)
    .title("Package file does not match its recorded checksum")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Every file a package database records a digest for: dpkg's
`info/<pkg>.md5sums` (MD5; paths resolved through usr-merge directory
links and dpkg diversions) and apk's `Z:` lines (`Q1` SHA-1 or `Q2`
SHA-256; for a symlink, of its target). A file whose contents differ is
reported with the layer that last wrote it: high for executables and
libraries, medium for other files. dpkg conffiles are expected to change
and are not checked.

## Why it matters
A package binary that no longer matches its package was replaced after
installation: by a later layer, a build step, or an attacker who had
write access to the image. Scanners that trust the package list (CVE
scanners) describe the package, not the file that is really there.

## Example
```dockerfile
COPY patched-ls /bin/ls   # NOT OK: coreutils' /bin/ls no longer matches
```

## Use instead
Install changed programs under a new name outside package-managed paths
(`/usr/local/bin`), or build a package for them.

## References
- deb-md5sums(5), `dpkg --verify`; `apk audit`
"#;

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let mut paths: Vec<&String> = image.packages.owned.keys().collect();
    paths.sort();
    for path in paths {
        let owned = &image.packages.owned[path];
        if owned.conffile {
            continue;
        }
        let Some(node) = image.tree.get(path) else {
            continue;
        };
        let matches = match (&owned.digest, &node.entry.kind, &node.entry.content) {
            (Recorded::None, _, _) => continue,
            (Recorded::Md5(want), Kind::File, Some(c)) => c.md5 == *want,
            // No SHA digests were taken (a big layer read from a stream):
            // the image reader names these files in a warning.
            (Recorded::Sha1(_) | Recorded::Sha256(_), Kind::File, Some(c)) if c.apk().is_none() => {
                continue;
            }
            (Recorded::Sha1(want), Kind::File, Some(c)) => c.apk().is_some_and(|d| d.0 == *want),
            (Recorded::Sha256(want), Kind::File, Some(c)) => c.apk().is_some_and(|d| d.1 == *want),
            (Recorded::Sha1(want), Kind::Symlink(target), _) => {
                sha1::Sha1::digest(target.as_bytes()).as_slice() == want.as_slice()
            }
            (Recorded::Sha256(want), Kind::Symlink(target), _) => {
                sha2::Sha256::digest(target.as_bytes()).as_slice() == want.as_slice()
            }
            // A recorded file that is now a directory, symlink or device.
            _ => false,
        };
        if matches {
            continue;
        }
        let executable = node.entry.mode & 0o111 != 0
            || path.contains("/lib/")
            || path.starts_with("lib/")
            || path.contains(".so");
        let severity = if executable {
            Severity::High
        } else {
            Severity::Medium
        };
        let algorithm = match owned.digest {
            Recorded::Md5(_) => "MD5 in the dpkg database",
            Recorded::Sha256(_) => "SHA-256 in the apk database",
            _ => "SHA-1 in the apk database",
        };
        let mut message = format!(
            "`/{path}` (package {}) does not match its {algorithm}",
            owned.package
        );
        if !node.earlier().is_empty() {
            let layers: Vec<String> = crate::image::tree::Tree::writers(node)
                .iter()
                .map(ToString::to_string)
                .collect();
            message.push_str(&format!("; written by layers {}", layers.join(", ")));
        }
        out.push(
            file_finding(image, &META, severity, path, node, message).fix(
                "restore the packaged file, or install the changed program outside package paths",
            ),
        );
    }
}
