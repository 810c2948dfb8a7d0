//! `sysctls` (baseline): the pod sets a sysctl outside the safe set.
//! Reported as `unsafe-sysctl`, a Kubernetes-only rule documented here.

use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{PodCtx, lookup_or};
use crate::rule::{RuleMeta, Scope};
use crate::yaml::Node;

pub(super) static CONTROL: Control = Control::baseline("sysctls", &[&META], check);

pub(super) static META: RuleMeta = RuleMeta::new("unsafe-sysctl", Severity::Medium, DOCS)
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

const SAFE_SYSCTLS: [&str; 14] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

fn check(pod: &PodCtx, out: &mut Violations) {
    for (sysctl, route) in pod.items("securityContext.sysctls") {
        let name = sysctl.get("name").and_then(Node::as_str).unwrap_or("");
        if !SAFE_SYSCTLS.contains(&name) {
            out.add(
                &META,
                Severity::Medium,
                lookup_or(sysctl, &route, "name"),
                format!("the pod sets the unsafe sysctl `{name}`"),
            );
        }
    }
}
