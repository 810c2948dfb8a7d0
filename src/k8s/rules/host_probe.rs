//! `host-probe`: probe or lifecycle hook aimed at another host (Kubernetes). The check itself is
//! part of the Pod Security Standards evaluation in `k8s/pss.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("host-probe", Severity::Medium, DOCS)
    .title("Probe or lifecycle hook aimed at another host")
    .scopes(&[Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
A `host` set on the `httpGet` or `tcpSocket` of a liveness, readiness or
startup probe, or of a `postStart`/`preStop` hook: the Pod Security
Standards control `hostProbesAndHostLifecycle` (baseline, since v1.34).

## Why it matters
The kubelet makes these requests from the node. A host field lets a pod
author point the kubelet at any address the node can reach: internal
services, cloud metadata endpoints.

## Example
```yaml
livenessProbe:
  httpGet:
    host: 169.254.169.254   # NOT OK
    port: 80
```

## Use instead
Leave `host` unset: the kubelet then probes the pod's own IP.

## References
- Pod Security Standards, baseline: Probes / Lifecycle Hooks
"#;
