//! The image rules, one file each. A rule reads the merged tree, the
//! package databases and the image config, and pushes findings.

use super::Image;
use crate::finding::{Finding, Severity};
use crate::params::Params;
use crate::rule::RuleMeta;

/// An image rule. Its metadata is a reference, so a rule that also reads
/// Compose files (`root-user`) is one registry entry.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Image, &Params, &mut Vec<Finding>),
}

/// Directories whose programs are on the default `PATH` or are system
/// libraries.
pub const SYSTEM_DIRS: [&str; 10] = [
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "lib",
    "lib32",
    "lib64",
    "usr/lib",
    "usr/lib64",
    "usr/libexec",
];

/// Whether a path sits in one of [`SYSTEM_DIRS`] (at any depth).
pub fn in_system_dir(path: &str) -> bool {
    SYSTEM_DIRS
        .iter()
        .any(|d| path.starts_with(d) && path.as_bytes().get(d.len()) == Some(&b'/'))
}

/// The directories on the default `PATH`.
pub fn on_path(path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    matches!(
        dir,
        "bin" | "sbin" | "usr/bin" | "usr/sbin" | "usr/local/bin" | "usr/local/sbin"
    )
}

/// A finding about a path (or the config, with `path: None`) of an image.
pub fn finding(
    image: &Image,
    meta: &RuleMeta,
    severity: Severity,
    layer: Option<usize>,
    path: Option<&str>,
    message: impl Into<String>,
) -> Finding {
    Finding::in_image(meta.id, severity, image.location(layer, path), message)
}

mod exec_capable_netcat;
mod missing_healthcheck;
mod missing_package_file;
mod modified_package_file;
mod network_tool;
mod overwritten_binary;
mod root_user;
pub mod secret_in_image_config;
mod setuid_file;
mod unowned_executable;
pub mod writable_executable;

/// Every image rule.
pub static ALL: &[&Rule] = &[
    &exec_capable_netcat::RULE,
    &missing_healthcheck::RULE,
    &missing_package_file::RULE,
    &modified_package_file::RULE,
    &network_tool::RULE,
    &overwritten_binary::RULE,
    &root_user::RULE,
    &secret_in_image_config::RULE,
    &setuid_file::RULE,
    &unowned_executable::RULE,
    &writable_executable::RULE,
];

/// Runs every rule over an image.
pub fn check(image: &Image, params: &Params) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in ALL {
        (rule.check)(image, params, &mut findings);
    }
    findings
}
