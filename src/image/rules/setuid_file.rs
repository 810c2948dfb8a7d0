//! `setuid-file`: setuid or setgid files in the image.

use super::ctx::{Rule, file_finding};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;

pub(super) static RULE: Rule = Rule {
    meta: &catalog::setuid_file::META,
    check,
};

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
        let name = path.name();
        let path = path.to_string();
        let path = path.as_str();
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
        if let Some(target) = node.hardlink_of() {
            message.push_str(&format!("; a hard link to /{target}"));
        }
        out.push(
            file_finding(image, RULE.meta, severity, path, node, message)
                .fix("remove the setuid/setgid bit (chmod a-s) and set no-new-privileges"),
        );
    }
}
