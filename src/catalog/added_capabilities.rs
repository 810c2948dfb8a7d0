//! `added-capabilities`: `cap_add` grants Linux capabilities beyond
//! Docker's default set, tiered by what they give.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("added-capabilities", Severity::Critical, DOCS)
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
