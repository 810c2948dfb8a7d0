//! Package databases read from the merged tree: which package owns a path
//! and the digest it recorded for it. dpkg (`status`, `info/*.md5sums` and
//! `*.list`, alternatives, diversions, distroless `status.d`) and apk
//! (`lib/apk/db/installed`). An rpm database is detected and reported as
//! not verified: reading it needs a Berkeley DB / SQLite header decoder
//! drydock does not have yet.

mod apk;
mod dpkg;

use std::collections::HashMap;

use super::tree::Tree;

/// The digest a package database recorded for a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    Md5([u8; 16]),
    Sha1([u8; 20]),
    /// apk's SHA-256 (`Q2`).
    Sha256([u8; 32]),
    /// Owned, but with no digest (a directory or symlink in a `.list`).
    None,
}

/// One file a package owns.
#[derive(Clone, Debug)]
pub struct Owned {
    pub package: String,
    pub digest: Recorded,
    /// A dpkg conffile: local changes are expected.
    pub conffile: bool,
    /// An apk symlink: the digest is over the link target.
    pub symlink: bool,
}

/// Which package manager a database belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dpkg,
    Apk,
}

/// Everything the package databases say, with paths canonicalised against
/// the merged tree (so dpkg's `bin/true` is the layer's `usr/bin/true`).
#[derive(Debug, Default)]
pub struct Packages {
    pub kinds: Vec<Kind>,
    /// Owned paths (canonical) and what was recorded for them.
    pub owned: HashMap<String, Owned>,
    /// Paths of dpkg alternatives links (canonical, not followed).
    pub alternatives: Vec<String>,
    /// An rpm database was found.
    pub rpm: bool,
    pub warnings: Vec<String>,
}

impl Packages {
    pub fn any(&self) -> bool {
        !self.kinds.is_empty()
    }

    /// Paths whose contents need SHA-1 or SHA-256 (apk-owned files).
    pub fn apk_owned(&self) -> impl Iterator<Item = &str> {
        self.owned
            .iter()
            .filter(|(_, o)| matches!(o.digest, Recorded::Sha1(_) | Recorded::Sha256(_)))
            .map(|(p, _)| p.as_str())
    }

    fn own(&mut self, tree: &Tree, path: &str, owned: Owned) {
        let path = path.trim_start_matches('/');
        let canonical = tree
            .canonical(path, false)
            .unwrap_or_else(|| path.to_string());
        // A file listed by two packages (dpkg diversions aside) keeps the
        // entry with a digest.
        match self.owned.get(&canonical) {
            Some(old) if old.digest != Recorded::None && owned.digest == Recorded::None => {}
            _ => {
                self.owned.insert(canonical, owned);
            }
        }
    }
}

/// Reads every package database present in the tree.
pub fn read(tree: &Tree) -> Packages {
    let mut packages = Packages::default();
    dpkg::read(tree, &mut packages);
    apk::read(tree, &mut packages);
    packages.rpm = ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"]
        .iter()
        .any(|dir| {
            tree.nodes
                .range(format!("{dir}/")..)
                .next()
                .is_some_and(|(p, _)| p.starts_with(&format!("{dir}/")))
        });
    if packages.rpm {
        packages.warnings.push(
            "an rpm database is present; drydock does not verify rpm packages yet, so their files are neither checked nor counted as owned".into(),
        );
    }
    packages
}

/// The bytes of a kept database file.
fn data<'t>(tree: &'t Tree, path: &str) -> Option<&'t [u8]> {
    tree.get(path)?.entry.content.as_ref()?.data.as_deref()
}
