//! `missing-healthcheck`: the image declares no health check.

use super::ctx::{Rule, finding};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("missing-healthcheck", Severity::Info, DOCS)
    .title("Image declares no health check")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
An image config without `Healthcheck`, or with `HEALTHCHECK NONE`.

## Why it matters
Without a health check the engine cannot tell a hung service from a
working one; restarts and rollouts rely on the process merely existing.
It is an availability signal, so it is reported as info. Orchestrators
with their own probes (Kubernetes) do not use it.

## Example
```dockerfile
FROM nginx:1.27   # no HEALTHCHECK
```

## Use instead
```dockerfile
HEALTHCHECK --interval=30s CMD ["/healthcheck"]
```

## References
- CIS Docker Benchmark v1.6.0, 4.6
- Dockle CIS-DI-0006
"#;

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let test = image
        .config
        .config
        .as_ref()
        .and_then(|c| c.healthcheck.as_ref())
        .and_then(|h| h.test.clone());
    let disabled = test
        .as_ref()
        .is_some_and(|t| t.first().map(String::as_str) == Some("NONE"));
    if test.is_some() && !disabled {
        return;
    }
    out.push(
        finding(
            image,
            &META,
            Severity::Info,
            None,
            None,
            if disabled {
                "the image disables its health check (HEALTHCHECK NONE)"
            } else {
                "the image declares no health check"
            },
        )
        .fix("add a HEALTHCHECK to the Dockerfile"),
    );
}
