//! `added-capabilities`: `cap_add` grants Linux capabilities beyond
//! Docker's default set, tiered by what they give.

use super::ctx::{Rule, ServiceCtx};
use crate::compose::model::strings;
use crate::finding::{Finding, Severity};
use crate::hazards::capabilities::{NAMESPACED, normalise, tier_on_network};
use crate::rule::{RuleMeta, Scope};
use crate::yaml::Node;

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("added-capabilities", Severity::Critical, DOCS)
    .title("Dangerous Linux capabilities added")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
Each capability in `cap_add`, compared by name without case and without
the `CAP_` prefix, and ranked by what it grants:
- critical: `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO` (host code
  execution or the whole kernel);
- high: `SYS_PTRACE`, `DAC_READ_SEARCH`, `NET_ADMIN`, `BPF`, `PERFMON`,
  `SYS_BOOT`, `SYS_TIME`, `SYSLOG`, `MAC_ADMIN`, `MAC_OVERRIDE` (escape
  primitives, host-wide effects, or reading what other containers do);
- medium: any other capability Docker does not grant by default, and
  `NET_ADMIN` when the service has its own network namespace (a VPN or
  firewall sidecar reconfigures only its own network; with
  `network_mode: host` it reconfigures the host's, and is high);
- info: capabilities Docker grants anyway (`CHOWN`, `NET_RAW`, …).

In Kubernetes manifests, the same hazard is the Pod Security Standards
control capabilities_baseline and capabilities_restricted (`add`), evaluated as the admission controller does.

## Why it matters
Capabilities are slices of root. `SYS_ADMIN` alone allows mounts and most
known container escapes; `SYS_MODULE` loads kernel code;
`DAC_READ_SEARCH` enabled the "shocker" escape; `SYS_PTRACE` lets a process
read and steer others.

## Example
```yaml
services:
  vpn:
    image: example/vpn:1.0
    cap_add: [SYS_MODULE, NET_ADMIN]   # NOT OK
```

## Use instead
Drop everything and add back the one capability the process needs:
```yaml
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
```

## References
- CIS Docker Benchmark v1.6.0, 5.4
- capabilities(7)
"#;

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(list) = ctx.at("cap_add") else {
        return;
    };
    for (index, (name, node)) in strings(list.node).into_iter().enumerate() {
        let capability = normalise(name);
        if ctx.params.allowed_capabilities.contains(&capability) {
            continue;
        }
        let host_network = ctx.node.get("network_mode").and_then(Node::as_str) == Some("host");
        let severity = tier_on_network(&capability, host_network);
        let what = if capability == "ALL" {
            "every capability".to_string()
        } else {
            format!("CAP_{capability}")
        };
        let note = if severity == Severity::Info {
            " (already in Docker's default set)"
        } else if NAMESPACED.contains(&capability.as_str()) && !host_network {
            // A VPN or firewall sidecar on its own network: it reconfigures
            // only its own namespace.
            " (confined to the service's own network namespace; high with `network_mode: host`)"
        } else {
            ""
        };
        out.push(
            ctx.finding(
                &RULE.meta,
                severity,
                &list.item(index, node),
                format!("service `{}` adds {what}{note}", ctx.name.text),
            )
            .fix("drop ALL and add back only what the process needs"),
        );
    }
}
