//! The index of one layer: the types every later stage reads (the merged
//! tree, the package databases, the rules). Building it is the walk's
//! business; this file only says what it holds.

use super::whiteout::Whiteout;
use crate::hazards::secrets::SecretHit;
use crate::image::chunked::Chunked;
use crate::image::codec::Compression;
use crate::image::content::Facts;
use crate::image::paths::{PathId, PathStore};

/// What a tar entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink(Box<str>),
    /// A hard link to another path of the image (normalised).
    Hardlink(Box<str>),
    /// Devices, FIFOs and other special files.
    Special,
}

/// The contents of a regular file, summarised. MD5 (what dpkg records) is
/// taken for every file in the one pass; SHA-1 and SHA-256 (what apk
/// records) only for the files an apk database owns, in a second pass over
/// the few layers that hold them (apk images are small). What few files
/// have is behind one box ([`Rare`]), so a plain file's summary is 40
/// bytes, held in its entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    pub md5: [u8; 16],
    pub facts: Facts,
    rare: Option<Box<Rare>>,
}

/// What only some files have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Rare {
    /// SHA-1 and SHA-256, for apk-owned files.
    apk: Option<([u8; 20], [u8; 32])>,
    /// The bytes of a package-database file (dpkg, apk, passwd…).
    data: Option<Box<[u8]>>,
    /// Credentials found in the bytes.
    secrets: Option<Box<[SecretHit]>>,
}

impl Content {
    pub fn new(md5: [u8; 16], facts: Facts) -> Content {
        Content {
            md5,
            facts,
            rare: None,
        }
    }

    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// SHA-1 and SHA-256, for apk-owned files only.
    pub fn apk(&self) -> Option<&([u8; 20], [u8; 32])> {
        self.rare.as_ref()?.apk.as_ref()
    }

    pub fn set_apk(&mut self, digests: ([u8; 20], [u8; 32])) {
        self.rare().apk = Some(digests);
    }

    /// The bytes of a package-database file (dpkg, apk, passwd…).
    pub fn data(&self) -> Option<&[u8]> {
        self.rare.as_ref()?.data.as_deref()
    }

    pub fn set_data(&mut self, data: Box<[u8]>) {
        self.rare().data = Some(data);
    }

    /// Credentials found in the bytes.
    pub fn secrets(&self) -> Option<&[SecretHit]> {
        self.rare.as_ref()?.secrets.as_deref()
    }

    pub fn set_secrets(&mut self, secrets: Box<[SecretHit]>) {
        self.rare().secrets = Some(secrets);
    }
}

/// One entry of a layer.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Relative to the image root, `/`-separated, no trailing `/`; kept
    /// in the layer's [`PathStore`] (`LayerScan::paths`).
    pub path: PathId,
    pub kind: Kind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub content: Option<Content>,
}

impl Entry {
    pub fn is_executable_file(&self) -> bool {
        self.kind == Kind::File && self.mode & 0o111 != 0
    }
}

/// A path as the merged tree keeps it: the entry, and once merged, the
/// layer whose version is visible and what few paths have. A layer's
/// index holds its entries in this form already, so that joining the
/// tree moves each record but never copies it into a new one.
#[derive(Clone, Debug)]
pub struct Node {
    /// The visible version; its path is the node's (the tree is sorted
    /// by it), kept with the other paths of its layer.
    pub entry: Entry,
    /// The layer whose version is visible (set when the layer is merged).
    pub layer: usize,
    /// What few nodes have, behind one pointer (most have none).
    rare: Option<Box<RareNode>>,
}

/// What few nodes have.
#[derive(Clone, Debug, Default)]
struct RareNode {
    /// Earlier layers that wrote this path, bottom first.
    earlier: Box<[u16]>,
    /// For a hard link: the path it links to.
    hardlink_of: Option<Box<str>>,
}

impl Node {
    /// A layer's entry, not merged yet.
    pub fn new(entry: Entry) -> Node {
        Node {
            entry,
            layer: 0,
            rare: None,
        }
    }

    /// Earlier layers that wrote this path, bottom first.
    pub fn earlier(&self) -> &[u16] {
        self.rare.as_ref().map_or(&[], |r| &r.earlier)
    }

    /// For a hard link: the path it links to.
    pub fn hardlink_of(&self) -> Option<&str> {
        self.rare.as_ref()?.hardlink_of.as_deref()
    }

    pub fn set_earlier(&mut self, earlier: Vec<u16>) {
        if earlier.is_empty() && self.rare.is_none() {
            return;
        }
        self.rare.get_or_insert_with(Box::default).earlier = earlier.into_boxed_slice();
    }

    /// The hard link's target and the contents, to change what is known
    /// of the contents.
    pub fn contents_mut(&mut self) -> (Option<&str>, Option<&mut Content>) {
        let Node { entry, rare, .. } = self;
        let hardlink_of = rare.as_ref().and_then(|r| r.hardlink_of.as_deref());
        (hardlink_of, entry.content.as_mut())
    }

    pub fn set_hardlink_of(&mut self, target: Box<str>) {
        self.rare.get_or_insert_with(Box::default).hardlink_of = Some(target);
    }
}

/// A layer's entries, in chunks: joining the tree reuses each chunk once
/// it is read, so the layer's index and the tree it grows are not both
/// in memory whole, and no chunk is ever copied to grow.
pub type Entries = Chunked<Node>;

/// The index of one layer.
#[derive(Clone, Debug)]
pub struct LayerScan {
    /// `sha256:` of the blob as stored.
    pub blob_digest: String,
    /// `sha256:` of the uncompressed tar.
    pub diff_id: String,
    pub compression: Compression,
    pub compressed_bytes: u64,
    pub uncompressed_bytes: u64,
    pub entries: Entries,
    /// The entries' paths.
    pub paths: PathStore,
    pub whiteouts: Vec<Whiteout>,
    /// Entries that were skipped or adjusted, for the report.
    pub warnings: Vec<String>,
}

/// Paths whose contents are kept: package databases and account files.
pub fn is_database_path(path: &str) -> bool {
    if let Some(rest) = path.strip_prefix("var/lib/dpkg/") {
        return rest == "status"
            || rest == "diversions"
            || rest.starts_with("status.d/")
            || rest.starts_with("alternatives/")
            || (rest.starts_with("info/")
                && (rest.ends_with(".md5sums") || rest.ends_with(".list")));
    }
    matches!(
        path,
        "lib/apk/db/installed" | "usr/lib/apk/db/installed" | "etc/passwd" | "etc/group"
    )
}
