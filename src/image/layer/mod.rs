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
//! - [`error`]: why a layer could not be read;
//! - `index` ([`Entry`], [`Kind`], [`Content`], [`LayerScan`]): what a
//!   layer's index holds, the types every later stage reads; `limits`
//!   ([`Limits`]): what one layer may cost.
//!
//! This file only lists the parts; each part imports from its siblings,
//! never from here. The layer does not know where a blob comes from
//! (`source`), nor how layers merge (`tree`); it imports only `codec` and
//! `content` from `image`.
//!
//! Tar headers are data, not instructions: names with `..` are skipped
//! with a warning, absolute names are made relative, and sizes are only
//! believed as far as the stream backs them. No file content is kept but
//! the small package-database files, and nothing is written to disk.

mod entry;
pub mod error;
mod index;
mod limits;
mod pipeline;
mod second_pass;
mod walk;
pub mod whiteout;

pub use error::LayerError;
pub use index::{Content, Entries, Entry, Kind, LayerScan, Node, is_database_path};
pub use limits::Limits;
pub use pipeline::scan_layer;
pub use second_pass::{ApkDigests, hash_files};
pub use whiteout::Whiteout;
