//! Where an image's blobs are, and which of them make the image: the
//! first stage of reading one.
//!
//! - a docker-save tarball (legacy layout, or Docker ≥ 25's OCI layout with
//!   a compatibility `manifest.json`) or an OCI layout in a tar: its table
//!   of contents (`tar_index`), layer blobs are regions of the file, so
//!   they can be decoded in parallel;
//! - an OCI image layout directory: blobs are files;
//! - a tar stream read once ([`stream`]): an engine's export, a compressed
//!   archive, standard input;
//! - then, in any of them, the image (`locate`, `platform`): the
//!   manifest, the config and the layer blobs ([`Located`]), each with the
//!   digests and size it must have. `blob` says where a blob's bytes are,
//!   `store` finds blobs and documents by name, `links` follows an
//!   archive's links.
//!
//! This file only lists the parts; each part imports from its siblings,
//! never from here.
//!
//! A source hands out blobs and their expected digests; it does not decode
//! layers (`layer`) and knows nothing of their contents. The engine's
//! export stream comes from `engine`. Nothing is extracted or written.
//!
//! A source's errors are messages for the report (`String`): every one
//! ends the image's reading, and no caller tells them apart.

mod blob;
mod links;
mod locate;
mod platform;
mod store;
pub mod stream;
mod tar_index;

pub use blob::{Blob, LayerBlob, Located, RemoteBlob};
pub use locate::{Images, checked_diff_ids, locate, locate_stream, platform_mismatch};
pub use platform::{choose_platform, host_platform, parse_platform};
pub use stream::{Stream, read_stream};
