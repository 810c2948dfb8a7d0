//! `writable-executable`: an executable the runtime user can rewrite.

use super::ctx::{Rule, file_finding};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;

pub static RULE: Rule = Rule {
    meta: &catalog::writable_executable::META,
    check,
};

/// This rule's findings alone (the policy join checks an image again as
/// the user a service runs it as).
pub fn check_all(image: &Image) -> Vec<Finding> {
    let mut out = Vec::new();
    check(image, &Params::default(), &mut out);
    out
}

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let (user, uid) = image.runtime_user();
    for (path, node) in image.tree.files() {
        let entry = &node.entry;
        if entry.mode & 0o111 == 0 {
            continue;
        }
        let (severity, why) = if entry.mode & 0o002 != 0 {
            (Severity::High, "world-writable".to_string())
        } else if uid.is_some_and(|u| u != 0 && u == u64::from(entry.uid)) {
            (
                Severity::High,
                format!("owned by the runtime user `{user}`"),
            )
        } else if entry.mode & 0o020 != 0 {
            (Severity::Medium, format!("writable by group {}", entry.gid))
        } else {
            continue;
        };
        let path = path.to_string();
        let path = path.as_str();
        out.push(
            file_finding(
                image,
                RULE.meta,
                severity,
                path,
                node,
                format!(
                    "executable `/{path}` is {why} (mode {:04o})",
                    entry.mode & 0o7777
                ),
            )
            .fix("make binaries root-owned, mode 0755, and run as another user"),
        );
    }
}
