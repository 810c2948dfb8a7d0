//! `runtime-socket-mount`: a container runtime's API socket (or a directory
//! holding one) is mounted into a service, or `use_api_socket` is set.

use super::{Rule, ServiceCtx};
use crate::compose::model::MountKind;
use crate::finding::{Finding, Severity};
use crate::rules::{RuleMeta, Scope};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "runtime-socket-mount",
        title: "Container runtime socket mounted",
        severity: Severity::Critical,
        scopes: &[Scope::Compose],
        docs: DOCS,
    },
    check_service: Some(check),
    check_project: None,
};

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

/// Runtime API sockets.
const SOCKETS: [&str; 8] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
];

/// Why a host path gives runtime API access, if it does.
pub fn socket_reason(host_path: &str) -> Option<String> {
    let path = shown_path(host_path);
    let file = path.rsplit('/').next().unwrap_or("");
    if SOCKETS.contains(&path.as_str())
        || matches!(
            file,
            "docker.sock" | "containerd.sock" | "podman.sock" | "crio.sock"
        )
    {
        return Some(format!("the container runtime API socket `{path}`"));
    }
    let holds = SOCKETS
        .iter()
        .find(|s| path == "/" || s.starts_with(&format!("{path}/")))?;
    Some(format!(
        "`{path}`, which holds the runtime socket `{holds}`"
    ))
}

/// A host path as reports show it: normalised, or as written when it is
/// below a home directory (`~/.docker/run/docker.sock`).
pub fn shown_path(host_path: &str) -> String {
    if host_path.starts_with('~') {
        host_path.trim_end_matches('/').to_string()
    } else {
        normalise_path(host_path)
    }
}

/// `/var/run/` and `/var//run` become `/var/run`.
pub fn normalise_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for (index, mount) in ctx.mounts() {
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
                    mount.source_node,
                    ctx.route(&format!("volumes[{index}]")),
                    format!(
                        "service `{}` mounts {reason}: control of the runtime is root on the host{ro}",
                        ctx.name.text
                    ),
                )
                .fix("remove the mount; use a filtering API proxy if the tool needs the API"),
            );
        }
    }
    if let Some(node) = ctx.node.get("use_api_socket")
        && node.as_bool() == Some(true)
    {
        out.push(
                ctx.finding(
                    &RULE.meta,
                    Severity::Critical,
                    node,
                    ctx.route("use_api_socket"),
                    format!(
                        "service `{}` gets the engine API socket and the user's registry credentials (use_api_socket)",
                        ctx.name.text
                    ),
                )
                .fix("remove `use_api_socket: true`"),
            );
    }
}
