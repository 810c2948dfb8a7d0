//! The index of one layer: the types every later stage reads (the merged
//! tree, the package databases, the rules). Building it is the walk's
//! business; this file only says what it holds.

use super::whiteout::Whiteout;
use crate::hazards::secrets::SecretHit;
use crate::image::codec::Compression;
use crate::image::content::Facts;

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
/// have is behind one box ([`Rare`]), so a plain file costs 40 bytes.
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
    /// Relative to the image root, `/`-separated, no trailing `/`. (Moved
    /// out into the tree's key when the entry joins the merged tree.)
    pub path: Box<str>,
    pub kind: Kind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub content: Option<Box<Content>>,
}

impl Entry {
    pub fn is_executable_file(&self) -> bool {
        self.kind == Kind::File && self.mode & 0o111 != 0
    }
}

/// A layer's entries, kept in chunks of [`Entries::CHUNK`]: merging them
/// into the tree frees each chunk once it is read, so the layer's index
/// and the tree it grows are not both in memory whole (one `Vec` would
/// keep its whole buffer, up to twice the entries, until the last one),
/// and no chunk is ever copied to grow.
#[derive(Clone, Debug, Default)]
pub struct Entries {
    chunks: Vec<Vec<Entry>>,
    len: usize,
}

impl Entries {
    /// Entries per chunk.
    pub const CHUNK: usize = 4096;

    pub fn push(&mut self, entry: Entry) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::CHUNK => chunk.push(entry),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(entry);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.chunks.iter().flatten()
    }
}

impl IntoIterator for Entries {
    type Item = Entry;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Entry>>>;

    /// Each chunk is freed as soon as its last entry is taken.
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

impl FromIterator<Entry> for Entries {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> Entries {
        let mut out = Entries::default();
        for entry in entries {
            out.push(entry);
        }
        out
    }
}

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
