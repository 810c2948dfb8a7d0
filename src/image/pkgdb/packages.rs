//! What the package databases say, whichever manager wrote them: the
//! owned paths (canonical against the merged tree) and the digest each
//! package recorded. The readers (`dpkg`, `apk`) fill it in.

use std::collections::HashMap;

use crate::image::tree::Tree;

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

    pub(super) fn own(&mut self, tree: &Tree, path: &str, owned: Owned) {
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

/// The bytes of a kept database file.
pub(super) fn data<'t>(tree: &'t Tree, path: &str) -> Option<&'t [u8]> {
    tree.get(path)?.entry.content.as_ref()?.data()
}
