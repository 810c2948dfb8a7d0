//! Container images, read in one direction: where the blobs are
//! ([`source`], fed by a file, a directory, a stream or the [`engine`]) →
//! one pass over each layer ([`layer`], with [`content`] and [`busybox`]
//! telling what a file is) → the merged filesystem ([`tree`]) and its
//! package databases ([`pkgdb`]) → the [`Image`] ([`assemble`]) → the
//! image rules ([`rules`]). [`read`](mod@read) drives the stages;
//! [`codec`] (the decompressors, digests and tar names), [`oci`] (the
//! JSON documents), [`chunked`], [`strings`] and [`paths`] (the per-file
//! arrays and paths) sit below them all; [`options`] says how to read.
//!
//! A file imports only from stages before its own, and this file only
//! lists them. One exception is left: `assemble` borrows the credential
//! redaction of history steps from `rules::secret_in_image_config`; it
//! belongs with the shared credential knowledge below the scanners.
//!
//! Layers of a seekable input are decoded in parallel, each by one thread
//! that decompresses, hashes and indexes it as the bytes stream; only the
//! index (paths, modes, digests, content facts) and the small package
//! database files are kept. Nothing from an image is written to disk or
//! executed.

pub mod assemble;
pub mod busybox;
pub mod chunked;
pub mod codec;
pub mod content;
pub mod engine;
pub mod fetch;
pub mod layer;
pub mod oci;
pub mod options;
pub mod paths;
pub mod pkgdb;
pub mod read;
pub mod registry;
pub mod rules;
pub mod source;
pub mod strings;
pub mod tree;

pub use assemble::{Account, Image, LayerInfo};
pub use options::{Options, Progress, ProgressEvent, SharedLayers};
pub use read::{Images, read, read_stream};
