//! An image that arrives as one tar stream (`docker save` output from an
//! engine, a compressed archive, standard input), read in one pass: small
//! blobs (manifests, configs, tiny layers) are kept in memory, and each
//! large blob is handed, as it goes by, to the caller's reader (the layer
//! scan), whose result is kept by name. The manifest, which Docker and
//! Podman write last, is matched to the blobs afterwards (`locate`).
//! Nothing is written to disk.
//!
//! What is done with a large blob is the caller's: this module does not
//! know about layers.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use super::blob::Blob;
use super::links::{follow_links, link_target};
use crate::image::codec::{describe_read_error, normalise};

/// Largest blob of a stream kept in memory (configs, manifests, tiny
/// layers); larger ones are handed on as they go by.
const SMALL_BLOB: u64 = 1 << 20;

/// Most bytes of small blobs kept in memory in all.
const SMALL_TOTAL: u64 = 64 * SMALL_BLOB;

/// The blobs of an archive that arrived as a stream, by name: the small
/// ones in memory, the large ones already read.
#[derive(Default)]
pub(super) struct StreamBlobs {
    small: HashMap<String, Arc<Vec<u8>>>,
    /// Sizes of the blobs handed on.
    large: HashMap<String, u64>,
    links: HashMap<String, String>,
}

impl StreamBlobs {
    pub(super) fn blob(&self, name: &str) -> Option<Blob> {
        follow_links(&self.links, name, |name| {
            if let Some(bytes) = self.small.get(name) {
                return Some(Blob::Memory(bytes.clone()));
            }
            let size = *self.large.get(name)?;
            Some(Blob::Scanned {
                name: name.to_string(),
                size,
            })
        })
    }
}

/// A stream, read: its blobs, and what the caller's reader made of each
/// large one.
pub struct Stream<T> {
    blobs: StreamBlobs,
    read: HashMap<String, T>,
}

impl<T> Stream<T> {
    /// The blobs, for locating the image among them.
    pub(super) fn blobs(&self) -> &StreamBlobs {
        &self.blobs
    }

    /// What the caller's reader returned for the large blob `name`.
    pub fn result(&self, name: &str) -> Option<&T> {
        self.read.get(name)
    }

    /// What the caller's reader returned for each large blob, by name.
    pub fn into_results(self) -> HashMap<String, T> {
        self.read
    }
}

/// Reads a tar stream to its end. Each regular file larger than a small
/// blob is passed to `read_large` with its size, as it goes by (a blob of
/// another platform is read needlessly); the rest is kept.
pub fn read_stream<T>(
    reader: impl Read,
    mut read_large: impl FnMut(u64, &mut dyn Read) -> T,
) -> Result<Stream<T>, String> {
    let mut blobs = StreamBlobs::default();
    let mut read = HashMap::new();
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| format!("not a tar archive: {e}"))?;
    let mut small_total = 0u64;
    for (n, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|e| {
            if n == 0 {
                format!("cannot read the image: {}", describe_read_error(&e))
            } else {
                format!(
                    "the image stream breaks off at entry {}: {}",
                    n + 1,
                    describe_read_error(&e)
                )
            }
        })?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(name) = normalise(&raw) else {
            continue;
        };
        match entry.header().entry_type() {
            tar::EntryType::Symlink | tar::EntryType::Link => {
                if let Some(target) = link_target(&name, &entry) {
                    blobs.links.insert(name, target);
                }
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let size = entry.size();
                if size <= SMALL_BLOB && small_total + size <= SMALL_TOTAL {
                    let mut bytes = Vec::with_capacity(size as usize);
                    entry
                        .read_to_end(&mut bytes)
                        .map_err(|e| format!("cannot read {name}: {}", describe_read_error(&e)))?;
                    small_total += size;
                    blobs.small.insert(name, Arc::new(bytes));
                } else {
                    let result = read_large(size, &mut entry);
                    blobs.large.insert(name.clone(), size);
                    read.insert(name, result);
                }
            }
            _ => {}
        }
    }
    Ok(Stream { blobs, read })
}
