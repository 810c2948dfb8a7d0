//! What every image rule file imports: [`Rule`], the [`finding`] helper
//! and the directory tests rules share. The list of the rules is in
//! `mod.rs`, which imports the rule files; a rule file imports only this
//! file, so no import runs in a circle.

use crate::finding::{Finding, Severity};
use crate::image::Image;
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
pub(super) const SYSTEM_DIRS: [&str; 10] = [
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
pub(super) fn in_system_dir(path: &str) -> bool {
    SYSTEM_DIRS
        .iter()
        .any(|d| path.starts_with(d) && path.as_bytes().get(d.len()) == Some(&b'/'))
}

/// The directories on the default `PATH`.
pub(super) fn on_path(path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    matches!(
        dir,
        "bin" | "sbin" | "usr/bin" | "usr/sbin" | "usr/local/bin" | "usr/local/sbin"
    )
}

/// A finding about a file of an image, in the layer that last wrote it.
pub(super) fn file_finding(
    image: &Image,
    meta: &RuleMeta,
    severity: Severity,
    path: &str,
    node: &crate::image::tree::Node,
    message: impl Into<String>,
) -> Finding {
    finding(image, meta, severity, Some(node.layer), Some(path), message)
}

/// A finding about a path (or the config, with `path: None`) of an image.
pub(super) fn finding(
    image: &Image,
    meta: &RuleMeta,
    severity: Severity,
    layer: Option<usize>,
    path: Option<&str>,
    message: impl Into<String>,
) -> Finding {
    Finding::in_image(meta.id, severity, image.location(layer, path), message)
}
