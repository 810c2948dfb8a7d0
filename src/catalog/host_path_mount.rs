//! `host-path-mount`: a sensitive host directory is bind-mounted.
//!
//! Reported by more than one scanner: this file holds the rule's
//! metadata and docs; each scanner's check names it from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("host-path-mount", Severity::Critical, DOCS)
    .title("Sensitive host path mounted")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

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
