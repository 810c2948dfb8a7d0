//! Rules that exist only for Kubernetes manifests (their documentation;
//! the checks are the Pod Security Standards controls in `k8s/pss.rs`).
//! Rules shared with Compose (`privileged`, `host-namespace`…) keep their
//! metadata in `compose/rules/`.

use crate::rule::RuleMeta;

pub mod host_port;
pub mod host_probe;
pub mod restricted_volume_type;
pub mod unsafe_sysctl;
pub mod windows_host_process;
pub mod workload_checks;

/// The Kubernetes-only rules.
pub static ALL: &[&RuleMeta] = &[
    &host_port::META,
    &unsafe_sysctl::META,
    &windows_host_process::META,
    &host_probe::META,
    &restricted_volume_type::META,
];
