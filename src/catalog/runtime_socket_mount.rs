//! `runtime-socket-mount`: a container runtime's API socket (or a directory
//! holding one) is mounted into a service, or `use_api_socket` is set.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("runtime-socket-mount", Severity::Critical, DOCS)
    .title("Container runtime socket mounted")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
Bind mounts (short or long syntax, or a named volume that binds a host
directory) of the Docker, containerd, Podman or CRI-O API sockets, or of a
directory that contains them (`/`, `/run`, `/var/run`, `/var`,
`/run/containerd`, `/run/podman`, `/run/crio`…), and `use_api_socket: true`.
Read-only mounts are reported too. In Kubernetes manifests, a `hostPath`
volume of such a socket or directory, at its path.

## Why it matters
Whoever can talk to the runtime's API can start a privileged container
with the host's root filesystem mounted: the socket is root on the host.
A read-only bind only stops the file from being replaced; API calls
through it still work.

## Example
```yaml
services:
  ui:
    image: portainer/portainer-ce:2.21
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro   # NOT OK
```

## Use instead
Do not give the socket to application containers. Tools that need the API
should go through a filtering proxy that allows only the calls they need,
or run outside the container platform.

## References
- CIS Docker Benchmark v1.6.0, 5.32
- OWASP Docker Security Cheat Sheet, rule #1
"#;
