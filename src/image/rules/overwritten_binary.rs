//! `overwritten-binary`: a later layer replaced an executable from an
//! earlier layer.

use super::ctx::{Rule, finding};
use crate::finding::{Finding, Place, Severity};
use crate::image::Image;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("overwritten-binary", Severity::Medium, DOCS)
    .title("Executable replaced by a later layer")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Executable files written by one layer and replaced by a later layer with
different contents (compared by digest), when the replacement is still in
the final image. The finding names both layers and their history steps.

## Why it matters
Replacing a binary of the base image in place hides the change from
anyone who trusts the base: the path looks familiar and package tools may
still claim it (see `modified-package-file`). Package upgrades do this
legitimately; a `COPY` over `/bin/ls` does not.

## Example
```dockerfile
FROM debian:bookworm
COPY ls /bin/ls   # NOT OK
```

## Use instead
Upgrade through the package manager, or install the new program under
another path.

## References
- wagoodman/dive "Modified" files
"#;

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    for overwrite in &image.tree.overwrites {
        let Some(node) = image.tree.get(&overwrite.path) else {
            continue;
        };
        if node.layer != overwrite.to_layer {
            continue;
        }
        let from = image
            .layers
            .get(overwrite.from_layer)
            .map(|l| l.created_by.as_str())
            .unwrap_or("");
        let message = format!(
            "`/{}` from layer {} ({from}) was replaced with different contents in layer {}",
            overwrite.path, overwrite.from_layer, overwrite.to_layer
        );
        out.push(
            finding(
                image,
                &META,
                Severity::Medium,
                Some(overwrite.to_layer),
                Some(&overwrite.path),
                message,
            )
            .related(Place::Image(
                image
                    .location(Some(overwrite.from_layer), Some(&overwrite.path))
                    .with_note("first written here"),
            ))
            .fix("upgrade through the package manager or install under another path"),
        );
    }
}
