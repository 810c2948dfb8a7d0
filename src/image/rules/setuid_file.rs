//! `setuid-file`: setuid or setgid files in the image.

use super::ctx::{Rule, file_finding};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("setuid-file", Severity::High, DOCS)
    .title("Setuid or setgid file")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
Regular files with the setuid or setgid bit in the merged image (after
whiteouts: a file under a deleted or opaque directory is gone). The usual
distribution programs (`su`, `passwd`, `mount`, `umount`, `chsh`, `chfn`,
`gpasswd`, `newgrp`, `chage`, `expiry`, `unix_chkpwd`, `ssh-agent`,
`ping`, `crontab`, `wall`, `write`, `sudo`…) owned by a package are low;
any other setuid or setgid file, or one no package owns, is high. Hard
links to a setuid file are reported under each name.

## Why it matters
A setuid root program is a way from any user to root; an extra one added
by a build, or a copy outside package control, is an escalation path that
nothing updates. `no-new-privileges` disarms them at run time.

## Example
```dockerfile
RUN chmod u+s /usr/bin/find   # NOT OK
```

## Use instead
Remove the bit (`chmod a-s`), or remove the program; set
`no-new-privileges` on the container.

## References
- CIS Docker Benchmark v1.6.0, 4.8
- Dockle CIS-DI-0008
"#;

/// Programs distributions ship setuid or setgid.
const DISTRO_DEFAULTS: [&str; 26] = [
    "su",
    "passwd",
    "mount",
    "umount",
    "chsh",
    "chfn",
    "gpasswd",
    "newgrp",
    "chage",
    "expiry",
    "unix_chkpwd",
    "ssh-agent",
    "ping",
    "ping6",
    "crontab",
    "wall",
    "write",
    "bsd-write",
    "sudo",
    "pkexec",
    "fusermount",
    "fusermount3",
    "dotlockfile",
    "ssh-keysign",
    "dbus-daemon-launch-helper",
    "sg",
];

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    for (path, node) in image.tree.files() {
        let mode = node.entry.mode;
        if mode & 0o6000 == 0 {
            continue;
        }
        let bits = match (mode & 0o4000 != 0, mode & 0o2000 != 0) {
            (true, true) => "setuid and setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let owner = image.packages.owned.get(path);
        let default = DISTRO_DEFAULTS.contains(&name) && owner.is_some();
        let severity = if default {
            Severity::Low
        } else {
            Severity::High
        };
        let mut message = format!(
            "`/{path}` is {bits} (mode {:04o}, owner {})",
            mode & 0o7777,
            node.entry.uid
        );
        match owner {
            Some(o) if default => message.push_str(&format!(", a usual {} program", o.package)),
            Some(o) => message.push_str(&format!(", from package {}", o.package)),
            None => message.push_str(", owned by no package"),
        }
        if let Some(target) = &node.hardlink_of {
            message.push_str(&format!("; a hard link to /{target}"));
        }
        out.push(
            file_finding(image, &META, severity, path, node, message)
                .fix("remove the setuid/setgid bit (chmod a-s) and set no-new-privileges"),
        );
    }
}
