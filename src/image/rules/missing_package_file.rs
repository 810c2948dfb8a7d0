//! `missing-package-file`: files a package installed are gone.

use crate::params::Params;
use std::collections::BTreeMap;

use super::ctx::{Rule, finding};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::image::pkgdb::Recorded;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("missing-package-file", Severity::Low, DOCS)
    .title("Package file missing from the image")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Files a package database records a digest for that are not in the merged
image, one finding per package listing them. Documentation, manual pages,
locales and similar paths that slim images strip on purpose
(`usr/share/{doc,man,info,locale,lintian,linda,doc-base,gtk-doc,help}`)
are expected to be missing and are not reported.

## Why it matters
A package with missing files is not what its version says: a later layer
deleted parts of it (sometimes to hide a replacement elsewhere), or the
image was trimmed by hand. Either way its contents can no longer be
trusted from the package list.

## Example
```dockerfile
RUN rm /usr/bin/passwd   # NOT OK: the package still claims it
```

## Use instead
Remove packages with the package manager (`apt-get purge`, `apk del`), or
use dpkg `path-exclude` filters for files you never want installed.

## References
- `dpkg --verify`, `apk audit`
"#;

const EXPECTED_MISSING: [&str; 9] = [
    "usr/share/doc/",
    "usr/share/man/",
    "usr/share/info/",
    "usr/share/locale/",
    "usr/share/lintian/",
    "usr/share/linda/",
    "usr/share/doc-base/",
    "usr/share/gtk-doc/",
    "usr/share/help/",
];

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, owned) in &image.packages.owned {
        if owned.digest == Recorded::None || owned.conffile {
            continue;
        }
        if EXPECTED_MISSING.iter().any(|p| path.starts_with(p)) {
            continue;
        }
        if image.tree.get(path).is_none() {
            missing.entry(&owned.package).or_default().push(path);
        }
    }
    for (package, mut paths) in missing {
        paths.sort();
        let shown: Vec<String> = paths.iter().take(5).map(|p| format!("/{p}")).collect();
        let more = if paths.len() > 5 {
            format!(" and {} more", paths.len() - 5)
        } else {
            String::new()
        };
        out.push(
            finding(
                image,
                &META,
                Severity::Low,
                None,
                Some(paths[0]),
                format!(
                    "package {package} is missing {} file(s): {}{more}",
                    paths.len(),
                    shown.join(", ")
                ),
            )
            .fix("remove packages with the package manager rather than deleting their files"),
        );
    }
}
