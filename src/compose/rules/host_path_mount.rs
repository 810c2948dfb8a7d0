//! `host-path-mount`: a sensitive host directory is bind-mounted.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::compose::model::MountKind;
use crate::finding::Finding;
use crate::hazards::host_paths::{harmless_read_only, sensitivity, shown_path, socket_reason};

pub static RULE: Rule = Rule::service(&catalog::host_path_mount::META, check);

/// Paths whose write access is code execution on the host (and their
/// ancestors, which hold them).
fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for (entry, mount) in ctx.mounts() {
        if mount.kind != MountKind::Bind {
            continue;
        }
        let Some(source) = &mount.source else {
            continue;
        };
        if !(source.starts_with('/') || source.starts_with('~')) || ctx.is_project_path(source) {
            continue;
        }
        if mount.read_only && harmless_read_only(source) {
            continue;
        }
        let is_socket_file =
            socket_reason(source).is_some_and(|r| r.starts_with("the container runtime"));
        if is_socket_file {
            continue;
        }
        let Some((writable, read_only, what)) = sensitivity(source, &ctx.params.sensitive_paths)
        else {
            continue;
        };
        let (severity, mode) = if mount.read_only {
            (read_only, "read-only")
        } else {
            (writable, "writable")
        };
        out.push(
            ctx.finding(
                RULE.meta,
                severity,
                &entry.pointing_at(mount.source_node),
                format!(
                    "service `{}` mounts {what} `{}` {mode} at `{}`",
                    ctx.name.text,
                    shown_path(source),
                    mount.target
                ),
            )
            .fix("mount only the directory the service needs, read-only"),
        );
    }
}
