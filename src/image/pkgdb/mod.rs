//! Package databases read from the merged tree: which package owns a path
//! and the digest it recorded for it. dpkg (`status`, `info/*.md5sums` and
//! `*.list`, alternatives, diversions, distroless `status.d`) and apk
//! (`lib/apk/db/installed`). An rpm database is detected and reported as
//! not verified: reading it needs a Berkeley DB / SQLite header decoder
//! drydock does not have yet.
//!
//! This file lists the readers and runs them; the types they fill in are
//! in `packages`.

mod apk;
mod dpkg;
mod packages;

pub use packages::{Kind, Owned, Packages, Recorded};

use super::tree::Tree;

/// Reads every package database present in the tree.
pub fn read(tree: &Tree) -> Packages {
    let mut packages = Packages::default();
    dpkg::read(tree, &mut packages);
    apk::read(tree, &mut packages);
    packages.rpm = ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"]
        .iter()
        .any(|dir| tree.under(&format!("{dir}/")).next().is_some());
    if packages.rpm {
        packages.warnings.push(
            "an rpm database is present; drydock does not verify rpm packages yet, so their files are neither checked nor counted as owned".into(),
        );
    }
    packages
}
