//! `hostPathVolumes` (baseline; at restricted, `restrictedVolumes` replaces
//! it): a hostPath volume. Reported as `runtime-socket-mount` or
//! `host-path-mount`, ranked by what the path exposes
//! ([`HostPathHazard`], shared with `restrictedVolumes`).

use crate::catalog::{host_path_mount, runtime_socket_mount};
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations, is_true};
use crate::k8s::pod::{PodCtx, lookup};
use crate::rule::RuleMeta;
use crate::yaml::Node;

pub(super) static CONTROL: Control = Control::baseline(
    "hostPathVolumes",
    &[&runtime_socket_mount::META, &host_path_mount::META],
    check,
);

fn check(pod: &PodCtx, out: &mut Violations) {
    for (volume, route) in pod.items("volumes") {
        if let Some((host_path, route)) = lookup(volume, &route, "hostPath") {
            let hazard = HostPathHazard::of(pod, volume, host_path);
            out.add(
                hazard.rule,
                hazard.severity,
                (host_path, route),
                hazard.message,
            );
        }
    }
}

/// A volume's `name` (`?` when it has none).
pub(super) fn volume_name(volume: &Node) -> &str {
    volume.get("name").and_then(Node::as_str).unwrap_or("?")
}

/// What a hostPath volume exposes, ranked as `host-path-mount` and
/// `runtime-socket-mount` rank a Compose bind: the rule, the severity
/// (read-only when every container mounting it says `readOnly: true`),
/// and the message. Any hostPath is a Pod Security baseline violation, so
/// even a harmless one is reported (low).
pub(super) struct HostPathHazard {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
}

impl HostPathHazard {
    /// The hazard of `volume`, whose `hostPath` is `host_path`.
    pub(super) fn of(pod: &PodCtx, volume: &Node, host_path: &Node) -> HostPathHazard {
        let path = host_path.get("path").and_then(Node::as_str).unwrap_or("");
        let name = volume_name(volume);
        let (rule, severity, why) = rank(path, mounted_read_only(pod, name));
        HostPathHazard {
            rule,
            severity,
            message: format!("volume `{name}` mounts the host path `{path}`{why}"),
        }
    }
}

/// The rule, severity and the words that say why, for a host path.
fn rank(path: &str, read_only: bool) -> (&'static RuleMeta, Severity, String) {
    use crate::hazards::host_paths::{harmless_read_only, sensitivity, socket_reason};
    let mode = if read_only { " read-only" } else { "" };
    let host_path = &host_path_mount::META;
    if let Some(reason) = socket_reason(path) {
        // A socket is used by connecting to it, which a read-only mount
        // does not prevent.
        return (
            &runtime_socket_mount::META,
            Severity::Critical,
            format!("{mode}: {reason}, and control of the runtime is root on the host"),
        );
    }
    if read_only && harmless_read_only(path) {
        return (
            host_path,
            Severity::Low,
            " read-only: a host file with nothing secret in it".to_string(),
        );
    }
    match sensitivity(path, &[]) {
        Some((writable, ro, what)) => (
            host_path,
            if read_only { ro } else { writable },
            format!("{mode}: {what}"),
        ),
        None => (
            host_path,
            if read_only {
                Severity::Low
            } else {
                Severity::Medium
            },
            mode.to_string(),
        ),
    }
}

/// Whether every container that mounts the volume `name` mounts it
/// `readOnly: true` (and at least one does).
fn mounted_read_only(pod: &PodCtx, name: &str) -> bool {
    let mut mounts = pod
        .containers
        .iter()
        .filter_map(|c| c.node.get("volumeMounts").and_then(Node::as_seq))
        .flatten()
        .filter(|m| m.get("name").and_then(Node::as_str) == Some(name))
        .peekable();
    mounts.peek().is_some() && mounts.all(|m| m.get("readOnly").is_some_and(is_true))
}
