//! The keys the Compose Specification defines, for `unknown-key`. These are
//! facts from the specification's JSON schema (compose-spec, schema
//! `compose-spec.json`), kept as lists here so drydock needs no schema file
//! at run time. Any key starting with `x-` is an extension and always valid.

/// Top-level keys.
pub const TOP_LEVEL: &[&str] = &[
    "version", "name", "include", "services", "models", "networks", "volumes", "secrets",
    "configs",
];

/// Keys of a service.
pub const SERVICE: &[&str] = &[
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup",
    "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
    "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset",
    "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns",
    "dns_opt", "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose",
    "extends", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck", "hostname",
    "image", "init", "ipc", "isolation", "label_file", "labels", "links", "logging", "mac_address",
    "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "models", "network_mode",
    "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports",
    "post_start", "pre_stop", "privileged", "profiles", "provider", "pull_policy",
    "pull_refresh_after", "read_only", "restart", "runtime", "scale", "secrets", "security_opt",
    "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs",
    "tty", "ulimits", "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from",
    "working_dir",
];

/// Keys of nested service mappings whose keys are fixed, by attribute.
pub const NESTED: &[(&str, &[&str])] = &[
    (
        "build",
        &[
            "additional_contexts", "args", "cache_from", "cache_to", "context", "dockerfile",
            "dockerfile_inline", "entitlements", "extra_hosts", "isolation", "labels", "network",
            "no_cache", "platforms", "privileged", "provenance", "pull", "sbom", "secrets",
            "shm_size", "ssh", "tags", "target", "ulimits",
        ],
    ),
    (
        "deploy",
        &[
            "endpoint_mode", "labels", "mode", "placement", "replicas", "resources",
            "restart_policy", "rollback_config", "update_config",
        ],
    ),
    (
        "healthcheck",
        &["disable", "interval", "retries", "start_interval", "start_period", "test", "timeout"],
    ),
    ("logging", &["driver", "options"]),
    ("extends", &["file", "service"]),
];

/// Keys of a long-syntax volume entry.
pub const VOLUME_ENTRY: &[&str] = &[
    "bind", "consistency", "image", "read_only", "source", "target", "tmpfs", "type", "volume",
];

/// Keys of a long-syntax port entry.
pub const PORT_ENTRY: &[&str] = &[
    "app_protocol", "host_ip", "mode", "name", "protocol", "published", "target",
];

/// The fixed keys of a service attribute, if it has fixed keys.
pub fn nested(attribute: &str) -> Option<&'static [&'static str]> {
    NESTED
        .iter()
        .find(|(name, _)| *name == attribute)
        .map(|(_, keys)| *keys)
}
