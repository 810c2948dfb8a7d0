//! `privileged`: a service runs with `privileged: true`.

use super::ctx::{Rule, ServiceCtx};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("privileged", Severity::Critical, DOCS)
    .title("Container runs privileged")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A service with `privileged: true` (also `yes`/`on`, and values that
interpolation turns into true, such as `${PRIVILEGED:-true}`).

In Kubernetes manifests, the same hazard is the Pod Security Standards
control privileged, evaluated as the admission controller does.

## Why it matters
A privileged container gets every capability, every host device, and no
seccomp, AppArmor or SELinux confinement. Root in it is root on the host:
mounting the host disk or loading a kernel module is one command away.

## Example
```yaml
services:
  agent:
    image: example/agent:1.2
    privileged: true   # NOT OK
```

## Use instead
Remove `privileged` and grant only what the workload needs: one device
with `devices:`, one capability with `cap_add:`.

## References
- CIS Docker Benchmark v1.6.0, 5.5
- OWASP Docker Security Cheat Sheet, rule #3
"#;

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(at) = ctx.at("privileged") else {
        return;
    };
    if at.node.as_bool() == Some(true) {
        out.push(
            ctx.finding(
                &RULE.meta,
                Severity::Critical,
                &at,
                format!("service `{}` runs privileged", ctx.name.text),
            )
            .fix("remove `privileged: true`; add only the devices or capabilities needed"),
        );
    }
}
