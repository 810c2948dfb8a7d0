//! `no-new-privileges`: a service does not set `no-new-privileges`, or sets
//! it to false.

use super::ctx::{Rule, ServiceCtx};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("no-new-privileges", Severity::Medium, DOCS)
    .title("Processes may gain privileges (no-new-privileges not set)")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A service whose `security_opt` has no `no-new-privileges` entry, or has it
set to false (Docker reads the value as Go's `ParseBool`: `false`, `0`,
`f`…). Every spelling Docker accepts counts as set: `no-new-privileges`,
`no-new-privileges:true`, `no-new-privileges=true`, `no-new-privileges=1`.
The finding points at `security_opt:` when the list exists without the
entry, and at the service otherwise.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control allowPrivilegeEscalation, evaluated as the admission controller does.

## Why it matters
Without it, a process in the container can gain privileges through setuid
and setcap binaries (`su`, `ping`, a setuid shell a later layer added).
This is the flag that stops a compromised non-root process from becoming
root, and the missing half of the remote-shell chain drydock looks for.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    security_opt:
      - no-new-privileges:false   # NOT OK
```

## Use instead
```yaml
    security_opt:
      - no-new-privileges:true
```

## References
- CIS Docker Benchmark v1.6.0, 5.26
- OWASP Docker Security Cheat Sheet, rule #4
"#;

/// Go's `strconv.ParseBool`, which Docker uses for this option.
fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let opts = ctx.security_opts();
    let setting = opts.iter().rev().find(|o| o.option == "no-new-privileges");
    match setting {
        Some(opt) => {
            // Docker reads the value with Go's strconv.ParseBool.
            let enabled = opt.value.as_deref().map_or(Some(true), go_parse_bool);
            if enabled != Some(true) {
                out.push(
                    ctx.finding(
                        &RULE.meta,
                        Severity::Medium,
                        &opt.at,
                        format!("service `{}` turns no-new-privileges off", ctx.name.text),
                    )
                    .fix("use `no-new-privileges:true`"),
                );
            }
        }
        None => {
            // A `security_opt` without the entry is where it belongs; with
            // no `security_opt` at all, the service itself.
            out.push(
                ctx.lacking(
                    &RULE.meta,
                    Severity::Medium,
                    Some("security_opt"),
                    format!("service `{}` does not set no-new-privileges", ctx.name.text),
                )
                .fix("add `no-new-privileges:true` to `security_opt`"),
            )
        }
    }
}
