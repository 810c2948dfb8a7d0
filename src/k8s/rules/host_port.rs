//! `host-port`: container binds a host port (Kubernetes). The check itself is
//! part of the Pod Security Standards evaluation in `k8s/pss.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("host-port", Severity::Medium, DOCS)
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
