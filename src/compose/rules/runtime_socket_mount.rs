//! `runtime-socket-mount`: a container runtime's API socket (or a directory
//! holding one) is mounted into a service, or `use_api_socket` is set.

use super::ctx::{Rule, ServiceCtx};
use crate::compose::model::MountKind;
use crate::finding::{Finding, Severity};
use crate::hazards::host_paths::socket_reason;
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("runtime-socket-mount", Severity::Critical, DOCS)
    .title("Container runtime socket mounted")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
Bind mounts (short or long syntax, or a named volume that binds a host
directory) of the Docker, containerd, Podman or CRI-O API sockets, or of a
directory that contains them (`/`, `/run`, `/var/run`, `/var`,
`/run/containerd`, `/run/podman`, `/run/crio`…), and `use_api_socket: true`.
Read-only mounts are reported too.

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

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for (entry, mount) in ctx.mounts() {
        if mount.kind != MountKind::Bind {
            continue;
        }
        let Some(source) = &mount.source else {
            continue;
        };
        if !(source.starts_with('/') || source.starts_with('~')) {
            continue;
        }
        if let Some(reason) = socket_reason(source) {
            let ro = if mount.read_only {
                " (read-only does not restrict the API)"
            } else {
                ""
            };
            out.push(
                ctx.finding(
                    &RULE.meta,
                    Severity::Critical,
                    &entry.pointing_at(mount.source_node),
                    format!(
                        "service `{}` mounts {reason}: control of the runtime is root on the host{ro}",
                        ctx.name.text
                    ),
                )
                .fix("remove the mount; use a filtering API proxy if the tool needs the API"),
            );
        }
    }
    if let Some(at) = ctx.at("use_api_socket")
        && at.node.as_bool() == Some(true)
    {
        out.push(
                ctx.finding(
                    &RULE.meta,
                    Severity::Critical,
                    &at,
                    format!(
                        "service `{}` gets the engine API socket and the user's registry credentials (use_api_socket)",
                        ctx.name.text
                    ),
                )
                .fix("remove `use_api_socket: true`"),
            );
    }
}
