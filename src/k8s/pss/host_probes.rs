//! `hostProbesAndHostLifecycle` (baseline): a container's probe or
//! lifecycle hook is sent to another host. Reported as `host-probe`, a
//! Kubernetes-only rule documented here.

use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::{PodCtx, lookup};
use crate::rule::{RuleMeta, Scope};

pub(super) static CONTROL: Control =
    Control::baseline("hostProbesAndHostLifecycle", &[&META], check);

pub(super) static META: RuleMeta = RuleMeta::new("host-probe", Severity::Medium, DOCS)
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

const HANDLERS: [&str; 5] = [
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle.postStart",
    "lifecycle.preStop",
];

fn check(pod: &PodCtx, out: &mut Violations) {
    for c in &pod.containers {
        for handler in HANDLERS {
            // Routes are built only for what is there: most containers
            // have no probe aimed anywhere.
            let Some((probe, probe_route)) = c.at(handler) else {
                continue;
            };
            for action in ["httpGet.host", "tcpSocket.host"] {
                let host = lookup(probe, &probe_route, action)
                    .filter(|(n, _)| n.as_str().is_some_and(|s| !s.is_empty()));
                if let Some((node, route)) = host {
                    let what = format!(
                        "container `{}` sends its {handler} to host `{}`",
                        c.name,
                        node.as_str().unwrap_or("")
                    );
                    out.add(&META, Severity::Medium, (node, route), what);
                }
            }
        }
    }
}
