//! `host-path-mount`: a sensitive host directory is bind-mounted.

use super::runtime_socket_mount::{normalise_path, shown_path, socket_reason};
use super::{Rule, ServiceCtx};
use crate::compose::model::MountKind;
use crate::finding::{Finding, Severity};
use crate::rules::{RuleMeta, Scope};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-path-mount",
        title: "Sensitive host path mounted",
        severity: Severity::Critical,
        scopes: &[Scope::Compose, Scope::Kubernetes],
        docs: DOCS,
    },
    check_service: Some(check),
    check_project: None,
};

const DOCS: &str = r#"## What it checks
Bind mounts of sensitive host paths, in short or long syntax or through a
named volume whose `driver_opts` bind a host directory:
- the host root `/`: critical when writable, high when read-only;
- root-equivalent paths (`/root`, `/boot`, `/bin`, `/sbin`, `/lib*`,
  `/usr/bin`, `/usr/sbin`, `/usr/lib*`, `/usr/local/bin`, `/proc`, `/sys`,
  `/dev`, `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`,
  `/var/spool/cron`, and what in `/etc` runs as root or holds the host's
  keys: `passwd`, `shadow`, `sudoers*`, `cron*`, `systemd`, `ssh`,
  `ld.so.*`, `profile*`, `pam.d`, `docker`, `kubernetes`, `ssl/private`,
  `letsencrypt`…), anything below them and any directory above them
  (`/etc`, `/usr`, `/var/lib`): high when writable, medium when read-only;
- a user's credentials (`~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker`,
  `~/.gnupg`… in any home, `~` or `/home/<user>`): high when writable,
  medium when read-only;
- other host system paths (another directory of `/etc`, which holds one
  application's configuration, `/var`, `/run`, `/usr`, `/tmp`, `/cdrom`,
  `/selinux`) and anything below them, a whole home directory (`~`,
  `/home/<user>`), `/home` itself, and a whole data root (`/srv`, `/opt`,
  `/mnt`, `/media`): medium when writable, low when read-only;
- the policy's `sensitive-paths` (a parameter), ranked like `/etc`.
Not reported: one application's directory below a data root or a home
directory (`/srv/www`, `/opt/gitea/data`, `~/app/config`: its data, not
the host's); a path inside the project directory however it is written
(`./data`, `${PWD}/data`); read-only binds of files that hold nothing
secret (`/etc/localtime`, `/etc/timezone`, `/usr/share/zoneinfo/…`,
`/etc/hosts`, `/etc/resolv.conf`, `/etc/machine-id`). `~` is a user's
home directory whoever runs the audit: the verdict never depends on the
auditor's `$HOME`. Anonymous volumes (`- /data`) and named volumes are
not host mounts. Runtime sockets are `runtime-socket-mount`'s.

In Kubernetes manifests, the same hazard is the Pod Security Standards
control hostPathVolumes and restrictedVolumes (`hostPath`), evaluated as the admission controller does.

## Why it matters
Writing to `/etc` (cron, passwd, sudoers), `/root/.ssh`, `/boot`,
`/lib/modules` or the engine's data directory is code execution on the
host. Even read-only, these paths leak secrets (`/etc/shadow`, kubelet
credentials, other containers' files).

## Example
```yaml
services:
  backup:
    image: example/backup:1.0
    volumes:
      - /etc:/host-etc   # NOT OK
```

## Use instead
Mount only the application directory the service needs, read-only where
possible: `./config:/app/config:ro`.

## References
- CIS Docker Benchmark v1.6.0, 5.6
- OWASP Docker Security Cheat Sheet, rule #8
"#;

/// Paths whose write access is code execution on the host (and their
/// ancestors, which hold them).
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

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    for (index, mount) in ctx.mounts() {
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
                &RULE.meta,
                severity,
                mount.source_node,
                ctx.route(&format!("volumes[{index}]")),
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
