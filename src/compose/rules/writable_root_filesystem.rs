//! `writable-root-filesystem`: the container's root filesystem is writable.

use super::ctx::{Rule, ServiceCtx};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("writable-root-filesystem", Severity::Low, DOCS)
    .title("Root filesystem is writable")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
A service without `read_only: true`.

## Why it matters
With a writable root filesystem an intruder can replace binaries the
container runs (`/usr/bin/nc`, the app itself), drop tools, and persist
until the container is recreated. Falco's `EXE_WRITABLE` flag is this
condition observed at run time.

## Example
```yaml
services:
  api:
    image: example/api:3.1   # NOT OK: no read_only
```

## Use instead
```yaml
    read_only: true
    tmpfs: ["/tmp:noexec,nosuid"]
```

## References
- CIS Docker Benchmark v1.6.0, 5.13
- OWASP Docker Security Cheat Sheet, rule #8
"#;

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let read_only = ctx.at("read_only");
    if read_only.as_ref().and_then(|at| at.node.as_bool()) == Some(true) {
        return;
    }
    let message = format!("service `{}` has a writable root filesystem", ctx.name.text);
    let finding = match read_only {
        Some(at) => ctx.finding(&RULE.meta, Severity::Low, &at, message),
        None => ctx.lacking(&RULE.meta, Severity::Low, None, message),
    };
    out.push(finding.fix("set `read_only: true` and mount a tmpfs where the app writes"));
}
