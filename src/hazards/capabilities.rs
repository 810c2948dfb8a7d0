//! Linux capabilities as every format ranks them (Compose `cap_add`,
//! Kubernetes `capabilities.add`): names compared without case and
//! without `CAP_`, and tiers by what a capability grants.

use crate::finding::Severity;

/// Capabilities that open the host or the kernel.
const CRITICAL: [&str; 4] = ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO"];

/// Escape primitives and host-wide powers.
const HIGH: [&str; 10] = [
    "SYS_PTRACE",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "BPF",
    "PERFMON",
    "SYS_BOOT",
    "SYS_TIME",
    "SYSLOG",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
];

/// Docker's default capability set: adding these changes nothing.
pub const DOCKER_DEFAULT: [&str; 14] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// `cap_sys_admin` and `CAP_SYS_ADMIN` both become `SYS_ADMIN`.
pub fn normalise(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_string)
        .unwrap_or(upper)
}

/// Capabilities whose power stops at the container's network namespace:
/// high only when the service shares the host's.
pub const NAMESPACED: [&str; 1] = ["NET_ADMIN"];

/// [`tier`], for a container that shares the host's network namespace
/// or has its own: a namespaced capability is medium in its own.
pub fn tier_on_network(capability: &str, host_network: bool) -> Severity {
    let tier = tier(capability);
    if NAMESPACED.contains(&capability) && !host_network {
        tier.min(Severity::Medium)
    } else {
        tier
    }
}

pub fn tier(capability: &str) -> Severity {
    if CRITICAL.contains(&capability) {
        Severity::Critical
    } else if HIGH.contains(&capability) {
        Severity::High
    } else if DOCKER_DEFAULT.contains(&capability) {
        Severity::Info
    } else {
        Severity::Medium
    }
}

/// Whether the Pod Security Standards' baseline lets a container add a
/// capability (named as Kubernetes writes it: no `CAP_`, upper case):
/// Docker's default set less `NET_RAW`.
pub fn baseline_may_add(name: &str) -> bool {
    name != "NET_RAW" && DOCKER_DEFAULT.contains(&name)
}
