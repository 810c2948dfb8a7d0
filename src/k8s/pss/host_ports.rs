//! `hostPorts` (baseline): a container binds a host port. Reported as
//! `host-port`, a Kubernetes-only rule documented here.

use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{PodCtx, lookup};
use crate::rule::{RuleMeta, Scope};

pub(super) static CONTROL: Control = Control::baseline("hostPorts", &[&META], check);

pub(super) static META: RuleMeta = RuleMeta::new("host-port", Severity::Medium, DOCS)
    .title("Container binds a host port")
    .scopes(&[Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`hostPort` on a container port (other than 0): the Pod Security
Standards control `hostPorts` (baseline).

## Why it matters
A host port opens the node's own network interface to the pod, bypasses
Services and NetworkPolicies that select on pod addresses, and limits
scheduling to nodes where the port is free.

## Example
```yaml
ports:
  - containerPort: 8080
    hostPort: 8080   # NOT OK
```

## Use instead
Expose the pod through a Service (ClusterIP, NodePort or LoadBalancer)
and leave `hostPort` unset.

## References
- Pod Security Standards, baseline: Host Ports
"#;

fn check(pod: &PodCtx, out: &mut Violations) {
    for c in &pod.containers {
        for (port, route) in c.items("ports") {
            let Some((host_port, route)) = lookup(port, &route, "hostPort") else {
                continue;
            };
            let value = host_port.as_str().unwrap_or("");
            if value != "0" && !host_port.is_null() {
                out.add(
                    &META,
                    Severity::Medium,
                    (host_port, route),
                    format!("container `{}` binds host port {value}", c.name),
                );
            }
        }
    }
}
