//! The table of contents of a seekable tar file (a `docker save` archive
//! or an OCI layout in a tar): entry names, offsets and sizes, read once
//! with contents skipped by seeking, so `manifest.json` and `index.json`
//! may come last. Blobs are then regions of the file.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::blob::Blob;
use super::links::{follow_links, link_target};
use crate::image::codec::normalise;

/// The table of contents of a tar file.
pub(super) struct TarIndex {
    path: PathBuf,
    files: HashMap<String, (u64, u64)>,
    links: HashMap<String, String>,
}

impl TarIndex {
    pub(super) fn read(path: &Path) -> Result<TarIndex, String> {
        let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
        let mut archive = tar::Archive::new(file);
        let mut files = HashMap::new();
        let mut links = HashMap::new();
        let entries = archive
            .entries_with_seek()
            .map_err(|_| "not a tar archive (nor an OCI layout directory)".to_string())?;
        for (n, entry) in entries.enumerate() {
            // The tar crate's messages quote raw header bytes; say where.
            let entry = entry.map_err(|_| {
                if n == 0 {
                    "not a tar archive (nor an OCI layout directory)".to_string()
                } else {
                    format!("not a valid tar archive: entry {} cannot be read", n + 1)
                }
            })?;
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = normalise(&name) else {
                continue;
            };
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    files.insert(name, (entry.raw_file_position(), entry.size()));
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    if let Some(target) = link_target(&name, &entry) {
                        links.insert(name, target);
                    }
                }
                _ => {}
            }
        }
        Ok(TarIndex {
            path: path.to_path_buf(),
            files,
            links,
        })
    }

    pub(super) fn blob(&self, name: &str) -> Option<Blob> {
        follow_links(&self.links, name, |name| {
            let &(offset, size) = self.files.get(name)?;
            Some(Blob::Region {
                path: self.path.clone(),
                offset,
                size,
            })
        })
    }
}
