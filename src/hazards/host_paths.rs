//! Host paths every format ranks the same way: how sensitive a host
//! directory or file is to mount into a container (Compose binds,
//! Kubernetes `hostPath`), and which paths are or hold a container
//! runtime's API socket.

use crate::finding::Severity;

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

/// Host paths whose write is code execution as root on the host (and
/// whose read leaks the host's secrets). `/etc` itself is one through the
/// files below it; another directory of `/etc` is one application's
/// configuration.
const ROOT_EQUIVALENT: &[&str] = &[
    "/root",
    "/boot",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/proc",
    "/sys",
    "/dev",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/var/spool/cron",
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/crontab",
    "/etc/anacrontab",
    "/etc/cron.d",
    "/etc/cron.hourly",
    "/etc/cron.daily",
    "/etc/cron.weekly",
    "/etc/cron.monthly",
    "/etc/systemd",
    "/etc/init.d",
    "/etc/rc.local",
    "/etc/ssh",
    "/etc/ld.so.preload",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/profile",
    "/etc/profile.d",
    "/etc/bash.bashrc",
    "/etc/environment",
    "/etc/pam.d",
    "/etc/security",
    "/etc/docker",
    "/etc/containerd",
    "/etc/kubernetes",
    "/etc/modprobe.d",
    "/etc/modules-load.d",
    "/etc/udev",
    "/etc/polkit-1",
    "/etc/logrotate.d",
    "/etc/update-motd.d",
    "/etc/apt",
    "/etc/yum.repos.d",
    "/etc/sysctl.conf",
    "/etc/sysctl.d",
    "/etc/fstab",
    "/etc/ssl/private",
    "/etc/letsencrypt",
    "/etc/pki",
];

/// Host system paths: sensitive, and so is anything below them.
const SENSITIVE: [&str; 7] = ["/etc", "/var", "/run", "/usr", "/tmp", "/cdrom", "/selinux"];

/// Roots under which hosts keep applications' data (`/srv/www`,
/// `/opt/gitea`, `/mnt/docker-volumes/app`): the root itself holds every
/// application's data, a directory below it is one application's.
const DATA_ROOTS: [&str; 4] = ["/srv", "/opt", "/mnt", "/media"];

/// Directories of a home directory that hold credentials.
const CREDENTIAL_DIRS: [&str; 9] = [
    ".ssh",
    ".aws",
    ".gnupg",
    ".kube",
    ".docker",
    ".azure",
    ".config/gcloud",
    ".netrc",
    ".git-credentials",
];

/// Single host files that hold nothing secret and that containers commonly
/// read (the time zone, name resolution): harmless read-only.
const HARMLESS_READ_ONLY: [&str; 6] = [
    "/etc/localtime",
    "/etc/timezone",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/machine-id",
    "/usr/share/zoneinfo",
];

/// Device nodes a bind mount exposes without granting anything: using
/// one needs the device cgroup's permission (`devices:`), which
/// `host-device` reports.
const INERT: [&str; 9] = [
    "/dev/null",
    "/dev/zero",
    "/dev/random",
    "/dev/urandom",
    "/dev/shm",
    "/dev/fuse",
    "/dev/net/tun",
    "/dev/dri",
    "/dev/snd",
];

fn within(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// How sensitive a host path is: (severity when writable, when read-only,
/// what it is). `extra` are the policy's `sensitive-paths`, ranked like
/// `/etc`. A path starting with `~` is a user's home directory, whoever
/// runs the audit: the verdict never depends on the auditor's `$HOME`.
pub fn sensitivity(
    host_path: &str,
    extra: &[String],
) -> Option<(Severity, Severity, &'static str)> {
    if let Some(rest) = host_path.strip_prefix('~') {
        // `~/x`, or `~user/x`: the part below the home directory.
        let below = rest.split_once('/').map_or("", |(_, below)| below);
        return home_sensitivity(&normalise_path(below));
    }
    let path = normalise_path(host_path);
    if path == "/" {
        return Some((
            Severity::Critical,
            Severity::High,
            "the host's root filesystem",
        ));
    }
    if INERT.iter().any(|d| within(&path, d)) {
        return None;
    }
    if ROOT_EQUIVALENT
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .any(|d| within(&path, d) || within(d, &path))
    {
        return Some((
            Severity::High,
            Severity::Medium,
            "a root-equivalent host path",
        ));
    }
    if path == "/home" {
        return Some((
            Severity::Medium,
            Severity::Low,
            "every user's home directory",
        ));
    }
    if let Some(rest) = path.strip_prefix("/home/") {
        let below = rest.split_once('/').map_or("", |(_, below)| below);
        return home_sensitivity(&normalise_path(below));
    }
    if DATA_ROOTS.contains(&path.as_str()) {
        return Some((
            Severity::Medium,
            Severity::Low,
            "a host data root (every application's data below it)",
        ));
    }
    if DATA_ROOTS.iter().any(|d| within(&path, d)) {
        // One application's data directory.
        return None;
    }
    if SENSITIVE.iter().any(|d| within(&path, d)) {
        return Some((Severity::Medium, Severity::Low, "a sensitive host path"));
    }
    None
}

/// A path inside a user's home directory (`/` is the home itself).
fn home_sensitivity(below: &str) -> Option<(Severity, Severity, &'static str)> {
    if below == "/" {
        return Some((Severity::Medium, Severity::Low, "a user's home directory"));
    }
    let below = below.strip_prefix('/').unwrap_or(below);
    if CREDENTIAL_DIRS
        .iter()
        .any(|d| within(below, d) || within(d, below))
    {
        return Some((
            Severity::High,
            Severity::Medium,
            "a user's credentials directory",
        ));
    }
    // An application's directory in a home directory.
    None
}

/// Whether a read-only bind of this host path is harmless: a single file
/// with nothing secret in it that containers commonly read.
pub fn harmless_read_only(host_path: &str) -> bool {
    let path = normalise_path(host_path);
    HARMLESS_READ_ONLY.iter().any(|f| within(&path, f))
}
