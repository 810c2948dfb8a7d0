//! `unsafe-sysctl`: pod sets a sysctl outside the safe set (Kubernetes). The check itself is
//! part of the Pod Security Standards evaluation in `k8s/pss.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("unsafe-sysctl", Severity::Medium, DOCS)
    .title("Pod sets a sysctl outside the safe set")
    .scopes(&[Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`spec.securityContext.sysctls` names outside the safe set of the Pod
Security Standards (`kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
`net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
`net.ipv4.ip_unprivileged_port_start`, `net.ipv4.ip_local_reserved_ports`,
the `net.ipv4.tcp_keepalive_*` and `tcp_fin_timeout`, `tcp_rmem`,
`tcp_wmem`, `tcp_slow_start_after_idle`, `tcp_notsent_lowat`): the control
`sysctls` (baseline).

## Why it matters
Sysctls outside the namespaced, safe set change kernel behaviour for the
whole node or other pods.

## Example
```yaml
securityContext:
  sysctls:
  - name: kernel.msgmax   # NOT OK
    value: "65536"
```

## Use instead
Use only the safe sysctls, or tune the node itself.

## References
- Pod Security Standards, baseline: Sysctls
"#;
