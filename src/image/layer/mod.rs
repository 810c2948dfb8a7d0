//! One layer: its blob read once, decompressed, hashed and indexed.
//!
//! What lives here, in the order the bytes flow:
//! - `pipeline`: the three threads of one pass over a blob (decompress
//!   and hash the blob, hash the uncompressed tar for the diff id, walk
//!   the tar), the size and decompression-bomb limits;
//! - `walk`: the tar walk — each file's MD5 (and, for a stream, SHA-1
//!   and SHA-256) and content facts, the package-database files kept;
//! - `entry`: one tar header turned into an [`Entry`] or a [`Whiteout`]
//!   (names normalised, links checked);
//! - [`whiteout`]: the `.wh.` names of deletions;
//! - `second_pass`: SHA-1 and SHA-256 of the few apk-owned files, read
//!   again from a seekable input;
//! - [`error`]: why a layer could not be read.
//!
//! This module holds the index types every later stage reads ([`Entry`],
//! [`Kind`], [`Content`], [`LayerScan`]). It does not know where a blob
//! comes from (`source`), nor how layers merge (`tree`); it imports only
//! `codec` and `content` from `image`.
//!
//! Tar headers are data, not instructions: names with `..` are skipped
//! with a warning, absolute names are made relative, and sizes are only
//! believed as far as the stream backs them. No file content is kept but
//! the small package-database files, and nothing is written to disk.

mod entry;
pub mod error;
mod pipeline;
mod second_pass;
mod walk;
pub mod whiteout;

pub use super::codec::Compression;
use super::content::Facts;
pub use error::LayerError;
pub use pipeline::scan_layer;
pub use second_pass::{ApkDigests, hash_files};
pub use whiteout::Whiteout;

/// Bounds on what one layer may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest uncompressed layer.
    pub max_layer_bytes: u64,
    /// Past `bomb_floor` uncompressed bytes, the largest ratio of
    /// uncompressed to compressed bytes (a decompression bomb).
    pub max_ratio: u64,
    pub bomb_floor: u64,
    /// Most entries in one layer.
    pub max_entries: usize,
    /// Largest package-database file kept in memory, and all of them.
    pub max_db_file: u64,
    pub max_db_total: u64,
    /// ELF files up to this size are held whole while they stream, so
    /// BusyBox's tables can be read.
    pub max_whole_elf: u64,
    /// Take SHA-1 and SHA-256 of every file too (for a stream, which cannot
    /// be read a second time for the apk-owned files).
    pub all_digests: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_bytes: 64 << 30,
            max_ratio: 256,
            bomb_floor: 512 << 20,
            max_entries: 4_000_000,
            max_db_file: 64 << 20,
            max_db_total: 512 << 20,
            max_whole_elf: 4 << 20,
            all_digests: false,
        }
    }
}

/// What a tar entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink(String),
    /// A hard link to another path of the image (normalised).
    Hardlink(String),
    /// Devices, FIFOs and other special files.
    Special,
}

/// The contents of a regular file, summarised. MD5 (what dpkg records) is
/// taken for every file in the one pass; SHA-1 and SHA-256 (what apk
/// records) only for the files an apk database owns, in a second pass over
/// the few layers that hold them (apk images are small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    pub md5: [u8; 16],
    /// SHA-1 and SHA-256, for apk-owned files only (boxed: most files have
    /// none, and the index stays small).
    pub apk: Option<Box<([u8; 20], [u8; 32])>>,
    pub facts: Facts,
    /// The bytes of a package-database file (dpkg, apk, passwd…).
    pub data: Option<Box<[u8]>>,
}

/// One entry of a layer.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Relative to the image root, `/`-separated, no trailing `/`. (Moved
    /// out into the tree's key when the entry joins the merged tree.)
    pub path: String,
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
    pub entries: Vec<Entry>,
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
