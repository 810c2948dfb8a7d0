//! The Pod Security Standards controls, as the admission controller
//! evaluates them at the latest policy version (v1.37): which fields each
//! control reads, which values it allows, the restricted controls that
//! override baseline ones, the Windows exemptions and the `hostUsers:
//! false` relaxations. Field names and values are compared exactly, as the
//! admission controller compares them (`CAP_CHOWN` is not `CHOWN`).
//!
//! Each violation is reported under a drydock rule id (shared with Compose
//! where the hazard is the same) and names its control.

use crate::finding::Severity;
use crate::hazards::capabilities;
use crate::k8s::pod::{ContainerCtx, PodCtx};
use crate::yaml::Node;

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Baseline,
    Restricted,
}

/// One control a pod fails.
#[derive(Clone, Debug)]
pub struct Violation {
    /// The upstream check id (`runAsNonRoot`).
    pub control: &'static str,
    /// The drydock rule it is reported under.
    pub rule: &'static str,
    /// Severity outside a Pod Security policy.
    pub severity: Severity,
    /// The node the finding points at.
    pub node: Node,
    /// Its route from the object.
    pub route: String,
    pub message: String,
}

/// The capabilities baseline allows to add: Docker's default set less
/// `NET_RAW` (not `capabilities::DOCKER_DEFAULT`, which has it).
const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

const SAFE_SYSCTLS: [&str; 14] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

const SELINUX_TYPES: [&str; 5] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

const RESTRICTED_VOLUME_SOURCES: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Whether an AppArmor or seccomp profile type confines the container:
/// both use the same names, and both allow only these two.
fn confines(profile_type: &str) -> bool {
    profile_type == "RuntimeDefault" || profile_type == "Localhost"
}

fn get<'a>(node: &'a Node, path: &str) -> Option<&'a Node> {
    let mut node = node;
    for key in path.split('.') {
        node = node.get(key)?;
    }
    Some(node)
}

fn is_true(node: Option<&Node>) -> bool {
    node.and_then(Node::as_bool) == Some(true)
}

fn text(node: Option<&Node>) -> Option<&str> {
    node.and_then(Node::as_str)
}

/// Evaluates every control of `level` on a workload's pod, naming the
/// controls as the admission controller at that level does (at
/// restricted, its overrides of baseline controls).
pub fn evaluate(pod: &PodCtx, level: Level) -> Vec<Violation> {
    evaluate_named(pod, level, false)
}

/// Evaluates every control, for a run without a Pod Security level: each
/// violation names the lowest level's control it breaks, so a hostPath
/// volume is `hostPathVolumes` (baseline denies it) rather than
/// `restrictedVolumes`, which would suggest baseline admits the pod.
pub fn evaluate_all(pod: &PodCtx) -> Vec<Violation> {
    evaluate_named(pod, Level::Restricted, true)
}

fn evaluate_named(pod: &PodCtx, level: Level, lowest: bool) -> Vec<Violation> {
    let workload = pod.workload;
    let spec = pod.spec;
    let sr = pod.route();
    let cs = &pod.containers;
    let windows = text(get(spec, "os.name")) == Some("windows");
    let host_users_off = spec.get("hostUsers").and_then(Node::as_bool) == Some(false);
    let restricted = level == Level::Restricted;
    let mut out = Vec::new();
    let mut add = |control: &'static str,
                   rule: &'static str,
                   severity: Severity,
                   node: &Node,
                   route: String,
                   what: String| {
        out.push(Violation {
            control,
            rule,
            severity,
            node: node.clone(),
            route,
            message: format!(
                "{}: {what} (Pod Security control {control})",
                workload.label()
            ),
        });
    };

    // hostNamespaces
    for (field, name) in [
        ("hostNetwork", "network"),
        ("hostPID", "PID"),
        ("hostIPC", "IPC"),
    ] {
        if let Some(node) = spec.get(field).filter(|n| is_true(Some(n))) {
            add(
                "hostNamespaces",
                "host-namespace",
                Severity::High,
                node,
                format!("{sr}.{field}"),
                format!("the pod shares the host's {name} namespace"),
            );
        }
    }
    // privileged
    for c in cs {
        if let Some(node) = get(c.node, "securityContext.privileged").filter(|n| is_true(Some(n))) {
            add(
                "privileged",
                "privileged",
                Severity::Critical,
                node,
                format!("{}.securityContext.privileged", c.route),
                format!("container `{}` runs privileged", c.name),
            );
        }
    }
    // capabilities_baseline (overridden by capabilities_restricted)
    if !restricted {
        for c in cs {
            for (i, cap) in capability_list(c.node, "add") {
                let name = cap.as_str().unwrap_or("");
                if !BASELINE_CAPABILITIES.contains(&name) {
                    let tier = capabilities::tier_on_network(
                        &capabilities::normalise(name),
                        spec.get("hostNetwork").and_then(Node::as_bool) == Some(true),
                    );
                    add(
                        "capabilities_baseline",
                        "added-capabilities",
                        tier.max(Severity::Medium),
                        cap,
                        format!("{}.securityContext.capabilities.add[{i}]", c.route),
                        format!("container `{}` adds capability `{name}`", c.name),
                    );
                }
            }
        }
    }
    // hostPathVolumes (overridden by restrictedVolumes)
    let volumes: Vec<(usize, &Node)> = spec
        .get("volumes")
        .and_then(Node::as_seq)
        .map(|v| v.iter().enumerate().collect())
        .unwrap_or_default();
    if !restricted {
        for (i, volume) in &volumes {
            if let Some(host_path) = volume.get("hostPath") {
                let path = text(host_path.get("path")).unwrap_or("");
                let hazard = HostPathHazard::of(path, mounted_read_only(cs, volume_name(volume)));
                add(
                    "hostPathVolumes",
                    hazard.rule,
                    hazard.severity,
                    host_path,
                    format!("{sr}.volumes[{i}].hostPath"),
                    format!(
                        "volume `{}` mounts the host path `{path}`{}",
                        volume_name(volume),
                        hazard.why
                    ),
                );
            }
        }
    }
    // hostPorts
    for c in cs {
        if let Some(ports) = c.node.get("ports").and_then(Node::as_seq) {
            for (i, port) in ports.iter().enumerate() {
                if let Some(host_port) = port.get("hostPort") {
                    let value = host_port.as_str().unwrap_or("");
                    if value != "0" && !host_port.is_null() {
                        add(
                            "hostPorts",
                            "host-port",
                            Severity::Medium,
                            host_port,
                            format!("{}.ports[{i}].hostPort", c.route),
                            format!("container `{}` binds host port {value}", c.name),
                        );
                    }
                }
            }
        }
    }
    // appArmorProfile: fields and the legacy annotations
    if let Some(node) = get(spec, "securityContext.appArmorProfile.type") {
        let t = node.as_str().unwrap_or("");
        if !confines(t) {
            add(
                "appArmorProfile",
                "apparmor-disabled",
                Severity::High,
                node,
                format!("{sr}.securityContext.appArmorProfile.type"),
                format!("the pod's AppArmor profile is `{t}`"),
            );
        }
    }
    for c in cs {
        if let Some(node) = get(c.node, "securityContext.appArmorProfile.type") {
            let t = node.as_str().unwrap_or("");
            if !confines(t) {
                add(
                    "appArmorProfile",
                    "apparmor-disabled",
                    Severity::High,
                    node,
                    format!("{}.securityContext.appArmorProfile.type", c.route),
                    format!("container `{}` has AppArmor profile `{t}`", c.name),
                );
            }
        }
    }
    for (key, node) in workload.annotations() {
        if let Some(container) = key.strip_prefix("container.apparmor.security.beta.kubernetes.io/")
        {
            let value = node.as_str().unwrap_or("");
            let ok =
                value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
            if !ok {
                add(
                    "appArmorProfile",
                    "apparmor-disabled",
                    Severity::High,
                    node,
                    format!("{}.annotations.{key}", workload.meta_route),
                    format!("container `{container}` has AppArmor profile `{value}` (annotation)"),
                );
            }
        }
    }
    // seLinuxOptions
    let mut selinux = |node: Option<&Node>, route: String, who: String| {
        let Some(options) = node else { return };
        if let Some(t) = options.get("type") {
            let value = t.as_str().unwrap_or("");
            if !SELINUX_TYPES.contains(&value) {
                add(
                    "seLinuxOptions",
                    "selinux-disabled",
                    Severity::Medium,
                    t,
                    format!("{route}.type"),
                    format!("{who} sets SELinux type `{value}`"),
                );
            }
        }
        for field in ["user", "role"] {
            if let Some(v) = options
                .get(field)
                .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            {
                add(
                    "seLinuxOptions",
                    "selinux-disabled",
                    Severity::Medium,
                    v,
                    format!("{route}.{field}"),
                    format!("{who} sets SELinux {field} `{}`", v.as_str().unwrap_or("")),
                );
            }
        }
    };
    selinux(
        get(spec, "securityContext.seLinuxOptions"),
        format!("{sr}.securityContext.seLinuxOptions"),
        "the pod".into(),
    );
    for c in cs {
        selinux(
            get(c.node, "securityContext.seLinuxOptions"),
            format!("{}.securityContext.seLinuxOptions", c.route),
            format!("container `{}`", c.name),
        );
    }
    // procMount / procMount_restricted
    for c in cs {
        if let Some(node) = get(c.node, "securityContext.procMount") {
            let value = node.as_str().unwrap_or("");
            if value != "Default" && !node.is_null() {
                // Without a level, baseline's control names it unless
                // `hostUsers: false` relaxes baseline.
                let restricted_only = !lowest || host_users_off;
                let (control, relaxed) = if restricted && restricted_only {
                    ("procMount_restricted", false)
                } else {
                    ("procMount", host_users_off)
                };
                if !relaxed {
                    add(
                        control,
                        "proc-mount",
                        Severity::High,
                        node,
                        format!("{}.securityContext.procMount", c.route),
                        format!("container `{}` mounts /proc `{value}`", c.name),
                    );
                }
            }
        }
    }
    // seccompProfile_baseline / seccompProfile_restricted
    let pod_seccomp = get(spec, "securityContext.seccompProfile.type");
    if !restricted {
        if let Some(node) = pod_seccomp.filter(|n| !confines(n.as_str().unwrap_or(""))) {
            add(
                "seccompProfile_baseline",
                "seccomp-disabled",
                Severity::High,
                node,
                format!("{sr}.securityContext.seccompProfile.type"),
                format!(
                    "the pod's seccomp profile is `{}`",
                    node.as_str().unwrap_or("")
                ),
            );
        }
        for c in cs {
            if let Some(node) = get(c.node, "securityContext.seccompProfile.type")
                .filter(|n| !confines(n.as_str().unwrap_or("")))
            {
                add(
                    "seccompProfile_baseline",
                    "seccomp-disabled",
                    Severity::High,
                    node,
                    format!("{}.securityContext.seccompProfile.type", c.route),
                    format!(
                        "container `{}` has seccomp profile `{}`",
                        c.name,
                        node.as_str().unwrap_or("")
                    ),
                );
            }
        }
    } else if !windows {
        let pod_ok = pod_seccomp.is_some_and(|n| confines(n.as_str().unwrap_or("")));
        // Baseline denies a profile that is set and does not confine too.
        let explicit = if lowest {
            "seccompProfile_baseline"
        } else {
            "seccompProfile_restricted"
        };
        if let Some(node) = pod_seccomp.filter(|n| !confines(n.as_str().unwrap_or(""))) {
            add(
                explicit,
                "seccomp-disabled",
                Severity::High,
                node,
                format!("{sr}.securityContext.seccompProfile.type"),
                format!(
                    "the pod's seccomp profile is `{}`",
                    node.as_str().unwrap_or("")
                ),
            );
        }
        for c in cs {
            match get(c.node, "securityContext.seccompProfile.type") {
                Some(node) if !confines(node.as_str().unwrap_or("")) => add(
                    explicit,
                    "seccomp-disabled",
                    Severity::High,
                    node,
                    format!("{}.securityContext.seccompProfile.type", c.route),
                    format!(
                        "container `{}` has seccomp profile `{}`",
                        c.name,
                        node.as_str().unwrap_or("")
                    ),
                ),
                None if !pod_ok => add(
                    "seccompProfile_restricted",
                    "seccomp-disabled",
                    Severity::Medium,
                    c.node,
                    c.route.clone(),
                    format!(
                        "container `{}` has no seccomp profile (set RuntimeDefault or Localhost on the pod or the container)",
                        c.name
                    ),
                ),
                _ => {}
            }
        }
    }
    // sysctls
    if let Some(sysctls) = get(spec, "securityContext.sysctls").and_then(Node::as_seq) {
        for (i, sysctl) in sysctls.iter().enumerate() {
            let name = text(sysctl.get("name")).unwrap_or("");
            if !SAFE_SYSCTLS.contains(&name) {
                let node = sysctl.get("name").unwrap_or(sysctl);
                add(
                    "sysctls",
                    "unsafe-sysctl",
                    Severity::Medium,
                    node,
                    format!("{sr}.securityContext.sysctls[{i}].name"),
                    format!("the pod sets the unsafe sysctl `{name}`"),
                );
            }
        }
    }
    // windowsHostProcess
    if let Some(node) =
        get(spec, "securityContext.windowsOptions.hostProcess").filter(|n| is_true(Some(n)))
    {
        add(
            "windowsHostProcess",
            "windows-host-process",
            Severity::Critical,
            node,
            format!("{sr}.securityContext.windowsOptions.hostProcess"),
            "the pod runs as a Windows HostProcess".into(),
        );
    }
    for c in cs {
        if let Some(node) =
            get(c.node, "securityContext.windowsOptions.hostProcess").filter(|n| is_true(Some(n)))
        {
            add(
                "windowsHostProcess",
                "windows-host-process",
                Severity::Critical,
                node,
                format!("{}.securityContext.windowsOptions.hostProcess", c.route),
                format!("container `{}` runs as a Windows HostProcess", c.name),
            );
        }
    }
    // hostProbesAndHostLifecycle
    for c in cs {
        let handlers = [
            "livenessProbe",
            "readinessProbe",
            "startupProbe",
            "lifecycle.postStart",
            "lifecycle.preStop",
        ];
        for handler in handlers {
            for action in ["httpGet", "tcpSocket"] {
                let path = format!("{handler}.{action}.host");
                if let Some(node) =
                    get(c.node, &path).filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
                {
                    add(
                        "hostProbesAndHostLifecycle",
                        "host-probe",
                        Severity::Medium,
                        node,
                        format!("{}.{path}", c.route),
                        format!(
                            "container `{}` sends its {handler} to host `{}`",
                            c.name,
                            node.as_str().unwrap_or("")
                        ),
                    );
                }
            }
        }
    }
    if !restricted {
        return out;
    }
    // allowPrivilegeEscalation
    if !windows {
        for c in cs {
            match get(c.node, "securityContext.allowPrivilegeEscalation") {
                Some(node) if node.as_bool() == Some(false) => {}
                Some(node) => add(
                    "allowPrivilegeEscalation",
                    "no-new-privileges",
                    Severity::Medium,
                    node,
                    format!("{}.securityContext.allowPrivilegeEscalation", c.route),
                    format!("container `{}` allows privilege escalation", c.name),
                ),
                None => add(
                    "allowPrivilegeEscalation",
                    "no-new-privileges",
                    Severity::Medium,
                    c.node,
                    c.route.clone(),
                    format!(
                        "container `{}` does not set allowPrivilegeEscalation: false",
                        c.name
                    ),
                ),
            }
        }
    }
    // runAsNonRoot and runAsUser (relaxed by hostUsers: false)
    if !host_users_off {
        let pod_non_root = get(spec, "securityContext.runAsNonRoot");
        if let Some(node) = pod_non_root.filter(|n| n.as_bool() == Some(false)) {
            add(
                "runAsNonRoot",
                "root-user",
                Severity::Medium,
                node,
                format!("{sr}.securityContext.runAsNonRoot"),
                "the pod sets runAsNonRoot: false".into(),
            );
        }
        let pod_true = pod_non_root.and_then(Node::as_bool) == Some(true);
        for c in cs {
            match get(c.node, "securityContext.runAsNonRoot") {
                Some(node) if node.as_bool() == Some(false) => add(
                    "runAsNonRoot",
                    "root-user",
                    Severity::Medium,
                    node,
                    format!("{}.securityContext.runAsNonRoot", c.route),
                    format!("container `{}` sets runAsNonRoot: false", c.name),
                ),
                Some(node) if node.as_bool() == Some(true) => {}
                _ if pod_true => {}
                // A non-zero runAsUser (the container's, else the pod's)
                // does not run as root, but restricted still requires
                // runAsNonRoot: true.
                _ => match run_as_user(c.node).or(run_as_user(spec)) {
                    Some(uid) if uid != "0" => add(
                        "runAsNonRoot",
                        "root-user",
                        Severity::Low,
                        c.node,
                        c.route.clone(),
                        format!(
                            "container `{}` runs as uid {uid}, not root, but does not set runAsNonRoot: true, which the restricted level requires",
                            c.name
                        ),
                    ),
                    _ => add(
                        "runAsNonRoot",
                        "root-user",
                        Severity::Medium,
                        c.node,
                        c.route.clone(),
                        format!(
                            "container `{}` may run as root (runAsNonRoot is not true on the pod or the container, and no non-zero runAsUser is set)",
                            c.name
                        ),
                    ),
                },
            }
        }
        let zero = |n: &&Node| n.as_str() == Some("0");
        if let Some(node) = get(spec, "securityContext.runAsUser").filter(zero) {
            add(
                "runAsUser",
                "root-user",
                Severity::Medium,
                node,
                format!("{sr}.securityContext.runAsUser"),
                "the pod runs as uid 0".into(),
            );
        }
        for c in cs {
            if let Some(node) = get(c.node, "securityContext.runAsUser").filter(zero) {
                add(
                    "runAsUser",
                    "root-user",
                    Severity::Medium,
                    node,
                    format!("{}.securityContext.runAsUser", c.route),
                    format!("container `{}` runs as uid 0", c.name),
                );
            }
        }
    }
    // capabilities_restricted
    if !windows {
        for c in cs {
            let drops = capability_list(c.node, "drop");
            let drops_all = drops.iter().any(|(_, n)| n.as_str() == Some("ALL"));
            if !drops_all {
                let node = get(c.node, "securityContext.capabilities.drop").unwrap_or(c.node);
                // Admission compares names exactly: `all` is not `ALL`.
                let misspelled = drops
                    .iter()
                    .find_map(|(_, n)| n.as_str().filter(|s| s.eq_ignore_ascii_case("ALL")));
                let what = match misspelled {
                    Some(written) => format!(
                        "container `{}` drops `{written}`, which is not `ALL`: capability names are case-sensitive to Pod Security admission, so this does not count as dropping ALL capabilities (write `ALL`)",
                        c.name
                    ),
                    None => format!("container `{}` does not drop ALL capabilities", c.name),
                };
                add(
                    "capabilities_restricted",
                    "capabilities-not-dropped",
                    Severity::Low,
                    node,
                    format!("{}.securityContext.capabilities.drop", c.route),
                    what,
                );
            }
            for (i, cap) in capability_list(c.node, "add") {
                let name = cap.as_str().unwrap_or("");
                if name != "NET_BIND_SERVICE" {
                    let tier = capabilities::tier_on_network(
                        &capabilities::normalise(name),
                        spec.get("hostNetwork").and_then(Node::as_bool) == Some(true),
                    );
                    let control = if lowest && !BASELINE_CAPABILITIES.contains(&name) {
                        "capabilities_baseline"
                    } else {
                        "capabilities_restricted"
                    };
                    add(
                        control,
                        "added-capabilities",
                        tier.max(Severity::Medium),
                        cap,
                        format!("{}.securityContext.capabilities.add[{i}]", c.route),
                        format!("container `{}` adds capability `{name}`", c.name),
                    );
                }
            }
        }
    }
    // restrictedVolumes
    for (i, volume) in &volumes {
        let Some(entries) = volume.as_map() else {
            continue;
        };
        for (key, node) in entries {
            if key.text == "name" || RESTRICTED_VOLUME_SOURCES.contains(&key.text.as_str()) {
                continue;
            }
            let route = format!("{sr}.volumes[{i}].{}", key.text);
            if key.text == "hostPath" {
                let path = text(node.get("path")).unwrap_or("");
                let control = if lowest {
                    "hostPathVolumes"
                } else {
                    "restrictedVolumes"
                };
                let hazard = HostPathHazard::of(path, mounted_read_only(cs, volume_name(volume)));
                add(
                    control,
                    hazard.rule,
                    hazard.severity,
                    node,
                    route,
                    format!(
                        "volume `{}` mounts the host path `{path}`{}",
                        volume_name(volume),
                        hazard.why
                    ),
                );
            } else {
                add(
                    "restrictedVolumes",
                    "restricted-volume-type",
                    Severity::Low,
                    node,
                    route,
                    format!("volume `{}` is of type `{}`", volume_name(volume), key.text),
                );
            }
        }
    }
    out
}

/// A `securityContext.runAsUser` written as a number.
fn run_as_user(node: &Node) -> Option<&str> {
    text(get(node, "securityContext.runAsUser")).filter(|u| u.parse::<i64>().is_ok())
}

fn capability_list<'a>(container: &'a Node, which: &str) -> Vec<(usize, &'a Node)> {
    get(container, &format!("securityContext.capabilities.{which}"))
        .and_then(Node::as_seq)
        .map(|items| items.iter().enumerate().collect())
        .unwrap_or_default()
}

fn volume_name(volume: &Node) -> &str {
    text(volume.get("name")).unwrap_or("?")
}

/// A host path volume is `runtime-socket-mount` when it reaches a runtime
/// socket, `host-path-mount` otherwise.
/// What a hostPath volume exposes, ranked as `host-path-mount` and
/// `runtime-socket-mount` rank a Compose bind: the rule, the severity
/// (read-only when every container mounting it says `readOnly: true`),
/// and the words that say why. Any hostPath is a Pod Security baseline
/// violation, so even a harmless one is reported (low).
struct HostPathHazard {
    rule: &'static str,
    severity: Severity,
    why: String,
}

impl HostPathHazard {
    fn of(path: &str, read_only: bool) -> HostPathHazard {
        use crate::hazards::host_paths::{harmless_read_only, sensitivity, socket_reason};
        let mode = if read_only { " read-only" } else { "" };
        if let Some(reason) = socket_reason(path) {
            // A socket is used by connecting to it, which a read-only
            // mount does not prevent.
            return HostPathHazard {
                rule: "runtime-socket-mount",
                severity: Severity::Critical,
                why: format!("{mode}: {reason}, and control of the runtime is root on the host"),
            };
        }
        if read_only && harmless_read_only(path) {
            return HostPathHazard {
                rule: "host-path-mount",
                severity: Severity::Low,
                why: " read-only: a host file with nothing secret in it".to_string(),
            };
        }
        match sensitivity(path, &[]) {
            Some((writable, ro, what)) => HostPathHazard {
                rule: "host-path-mount",
                severity: if read_only { ro } else { writable },
                why: format!("{mode}: {what}"),
            },
            None => HostPathHazard {
                rule: "host-path-mount",
                severity: if read_only {
                    Severity::Low
                } else {
                    Severity::Medium
                },
                why: mode.to_string(),
            },
        }
    }
}

/// Whether every container that mounts the volume `name` mounts it
/// `readOnly: true` (and at least one does).
fn mounted_read_only(containers: &[ContainerCtx], name: &str) -> bool {
    let mut mounts = containers
        .iter()
        .filter_map(|c| c.node.get("volumeMounts").and_then(Node::as_seq))
        .flatten()
        .filter(|m| text(m.get("name")) == Some(name))
        .peekable();
    mounts.peek().is_some() && mounts.all(|m| is_true(m.get("readOnly")))
}
