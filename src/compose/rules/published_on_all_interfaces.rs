//! `published-on-all-interfaces`: a port is published on every host
//! interface.

use super::ctx::{Rule, ServiceCtx};
use crate::compose::model::parse_port;
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::service(&META, check);
static META: RuleMeta = RuleMeta::new("published-on-all-interfaces", Severity::Medium, DOCS)
    .title("Port published on all host interfaces")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
Entries of `ports:` with no host address, or with `0.0.0.0` or `::`:
short syntax (`"8080:80"`, `"0.0.0.0:8080:80"`, `"80"`) and long syntax
without `host_ip`. `127.0.0.1`, `::1` and any other specific address are
fine. `expose:` is internal and not reported.

## Why it matters
Docker publishes ports with its own firewall rules, ahead of ufw and
firewalld: a port bound to all interfaces is reachable from every network
the host is on, whatever the host firewall says. Databases and admin
interfaces published for local use end up on the internet this way.

## Example
```yaml
services:
  db:
    image: postgres:17
    ports: ["5432:5432"]   # NOT OK
```

## Use instead
```yaml
    ports: ["127.0.0.1:5432:5432"]
```

## References
- CIS Docker Benchmark v1.6.0, 5.14
- OWASP Docker Security Cheat Sheet, rule #5a
"#;

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(ports) = ctx.at("ports") else {
        return;
    };
    for item in ports.items() {
        let Some(port) = parse_port(item.node) else {
            continue;
        };
        let all = match port.host_ip.as_deref() {
            None => true,
            Some(ip) => matches!(ip, "0.0.0.0" | "::" | "[::]"),
        };
        if !all {
            continue;
        }
        let host = port.published.as_deref().unwrap_or("an ephemeral port");
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::Medium,
                &item,
                format!(
                    "service `{}` publishes container port {} on {host} of every host interface",
                    ctx.name.text, port.target
                ),
            )
            .fix("bind to one address, e.g. \"127.0.0.1:8080:80\""),
        );
    }
}
