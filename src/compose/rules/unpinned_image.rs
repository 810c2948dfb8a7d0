//! `unpinned-image`: a service's image is not pinned to a version.

use super::ctx::{Rule, ServiceCtx};
use crate::finding::{Finding, Severity};
use crate::hazards::image_ref::tag_and_digest;
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("unpinned-image", Severity::Medium, DOCS)
    .title("Image not pinned to a version")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
The `image:` of a service that is pulled (services with `build:` name their
own image and are skipped): no tag or the `latest` tag is medium; a tag
without an `@sha256:` digest is info, since tags can be moved.

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

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    if ctx.node.get("build").is_some() {
        return;
    }
    let Some(at) = ctx.at("image") else {
        return;
    };
    let Some(image) = at.node.as_str() else {
        return;
    };
    let (tag, digest) = tag_and_digest(image);
    let (severity, message) = match (tag, digest) {
        (_, Some(_)) => return,
        (None, None) => (
            Severity::Medium,
            format!("image `{image}` has no tag (pulls `latest`)"),
        ),
        (Some("latest"), None) => (
            Severity::Medium,
            format!("image `{image}` uses the `latest` tag"),
        ),
        (Some(_), None) => (
            Severity::Info,
            format!("image `{image}` is pinned by tag, not by digest"),
        ),
    };
    out.push(
        ctx.finding(&RULE.meta, severity, &at, message)
            .fix("pin a version tag and its digest: name:1.2.3@sha256:…"),
    );
}
