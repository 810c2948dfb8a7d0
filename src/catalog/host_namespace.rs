//! `host-namespace`: a service shares a namespace with the host.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("host-namespace", Severity::High, DOCS)
    .title("Container shares a host namespace")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`network_mode: host`, `pid: host` and `ipc: host` (high), and
`uts: host`, `userns_mode: host` and `cgroup: host` (medium).

In Kubernetes manifests, the same hazard is the Pod Security Standards
control hostNamespaces, evaluated as the admission controller does.

Compose: `build.network: host` and the `network.host` build entitlement are reported too, at medium: build steps on the host's network.

## Why it matters
- host network: the container sees every host interface, binds host ports
  directly and reaches services listening on localhost (the engine API on
  tcp, cloud metadata, databases bound to 127.0.0.1);
- host PID: it sees and can signal or `ptrace` host processes and read
  their environment through `/proc`;
- host IPC: shared memory of host processes;
- host UTS, user or cgroup namespace: weaker isolation of hostname, user
  ids (defeats userns-remap) and cgroup view.

## Example
```yaml
services:
  media:
    image: example/media:1.0
    network_mode: host   # NOT OK
```

## Use instead
Publish the ports the service needs (`ports: ["127.0.0.1:32400:32400"]`)
and leave the namespaces private.

## References
- CIS Docker Benchmark v1.6.0, 5.10, 5.16, 5.17, 5.21, 5.31
"#;
