//! `unused-ignore`: an inline `# drydock: ignore[...]` comment that
//! suppressed nothing. The check is in `policy/ignore.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("unused-ignore", Severity::Low, DOCS)
    .title("Ignore comment that suppresses nothing")
    .scopes(&[Scope::Policy]);

const DOCS: &str = r#"## What it checks
A `# drydock: ignore[rule-id,...] reason` comment in a Compose file or a
Kubernetes manifest, one of whose rule ids had no finding on the line the
comment covers (its own line, or the next line with content when the
comment stands alone), or names no rule at all.

## Why it matters
An ignore outlives the finding it was written for: once the service is
fixed or the key moves, a stale ignore silently suppresses the next
finding of that rule on that line. An ignore naming a misspelled rule
never suppressed anything, and the author believes it did.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    # drydock: ignore[privileged] needed for the NIC driver   # NOT OK: web is not privileged
    read_only: true
```

## Use instead
Delete the comment, or move it to the line of the finding it is meant
for. `drydock scan --no-ignores` shows every finding the comments hide.

## References
- Ruff, `unused-noqa` (RUF100), the same check for Python `# noqa`
"#;
