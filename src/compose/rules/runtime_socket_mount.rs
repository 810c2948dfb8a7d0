//! `runtime-socket-mount`: a container runtime's API socket (or a directory
//! holding one) is mounted into a service, or `use_api_socket` is set.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::compose::model::MountKind;
use crate::finding::{Finding, Severity};
use crate::hazards::host_paths::socket_reason;

pub static RULE: Rule = Rule::service(&catalog::runtime_socket_mount::META, check);

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
                    RULE.meta,
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
                    RULE.meta,
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
