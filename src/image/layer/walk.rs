//! The tar walk of one uncompressed layer: every entry's header decoded
//! (`super::entry`), every regular file's bytes streamed once for its
//! MD5 (and, when asked, SHA-1 and SHA-256), its content facts and the
//! credentials in it (`crate::hazards::secrets`), and the
//! package-database files kept whole, within the layer's limits. The
//! bytes arrive from the decompressing thread (`super::pipeline`).

use std::io::{self, Read};

use md5::Md5;
use sha2::{Digest, Sha256};

use super::entry::{Decoded, decode};
use super::error::LayerError;
use super::index::{Content, Entries, Kind, Node, is_database_path};
use super::limits::{CHUNK, Limits};
use super::whiteout::Whiteout;
use crate::hazards::secrets::SecretScanner;
use crate::image::codec::describe_read_error;
use crate::image::content::{self, Seen};
use crate::image::paths::PathStore;

/// What a walk found.
pub(super) struct Walked {
    pub entries: Entries,
    pub paths: PathStore,
    pub whiteouts: Vec<Whiteout>,
    pub warnings: Vec<String>,
}

/// Buffers reused from one file to the next.
struct Scratch {
    chunk: Vec<u8>,
    whole: Vec<u8>,
    /// How much of a large ELF's previous piece is carried into the next
    /// search (the longest signature).
    keep: usize,
    secrets: SecretScanner,
}

pub(super) fn walk<R: Read>(plain: &mut R, limits: &Limits) -> Result<Walked, LayerError> {
    let mut archive = tar::Archive::new(plain);
    let mut walked = Walked {
        entries: Entries::default(),
        paths: PathStore::default(),
        whiteouts: Vec::new(),
        warnings: Vec::new(),
    };
    let mut db_total = 0u64;
    let mut scratch = Scratch {
        chunk: vec![0u8; CHUNK],
        whole: Vec::new(),
        keep: content::max_needle_len(),
        secrets: SecretScanner::new(),
    };
    let iter = archive
        .entries()
        .map_err(|e| LayerError::NotTar(e.to_string()))?;
    for item in iter {
        let mut item = item.map_err(|e| LayerError::Entry(describe_read_error(&e)))?;
        if walked.entries.len() >= limits.max_entries {
            return Err(LayerError::TooManyEntries {
                max: limits.max_entries,
            });
        }
        let (mut entry, path) = match decode(&item, &mut walked.warnings, &mut walked.paths) {
            None => continue,
            Some(Decoded::Whiteout(whiteout)) => {
                walked.whiteouts.push(whiteout);
                continue;
            }
            Some(Decoded::Entry(entry, path)) => (entry, path),
        };
        if entry.kind == Kind::File {
            let (path, size) = (path.as_str(), entry.size);
            let is_db = is_database_path(path);
            let keep_db =
                is_db && size <= limits.max_db_file && db_total + size <= limits.max_db_total;
            if is_db && !keep_db {
                walked.warnings.push(format!(
                    "package database file `{path}` is too large to read ({size} bytes)"
                ));
            }
            let content = read_content(&mut item, path, size, keep_db, limits, &mut scratch)
                .map_err(|e| LayerError::File {
                    path: path.to_string(),
                    reason: describe_read_error(&e),
                })?;
            if keep_db {
                db_total += size;
            }
            entry.content = Some(content);
        }
        walked.entries.push(Node::new(entry));
    }
    walked.paths.finish();
    Ok(walked)
}

/// Streams one file's bytes: hashes them, finds signatures and
/// credentials. ELF files up to `max_whole_elf` are kept whole for the
/// length of this call.
fn read_content(
    entry: &mut impl Read,
    path: &str,
    size: u64,
    keep_db: bool,
    limits: &Limits,
    scratch: &mut Scratch,
) -> io::Result<Content> {
    let Scratch {
        chunk,
        whole,
        keep,
        secrets,
    } = scratch;
    secrets.begin(path, size);
    let mut md5 = Md5::new();
    let mut more = limits
        .all_digests
        .then(|| (sha1::Sha1::new(), Sha256::new()));
    let mut seen = Seen::default();
    let mut elf: Option<bool> = None;
    let mut tail: Vec<u8> = Vec::new();
    let hold_whole = |elf: bool| keep_db || (elf && size <= limits.max_whole_elf);
    whole.clear();
    loop {
        let n = entry.read(chunk)?;
        if n == 0 {
            break;
        }
        let bytes = &chunk[..n];
        md5.update(bytes);
        secrets.feed(bytes);
        if let Some((sha1, sha256)) = more.as_mut() {
            sha1.update(bytes);
            sha256.update(bytes);
        }
        let is_elf = *elf.get_or_insert_with(|| content::is_elf(bytes));
        if hold_whole(is_elf) {
            whole.extend_from_slice(bytes);
        } else if is_elf {
            // A large ELF: search piecewise, carrying the end of the
            // previous piece so a string split across reads is still found.
            tail.extend_from_slice(bytes);
            seen.scan(&tail);
            let cut = tail.len().saturating_sub(*keep);
            tail.drain(..cut);
        }
    }
    let is_elf = elf.unwrap_or(false);
    let facts = if is_elf && hold_whole(true) && !whole.is_empty() {
        seen.scan(whole);
        content::facts_from(seen, true, Some(whole))
    } else {
        content::facts_from(seen, is_elf, None)
    };
    let data = keep_db.then(|| whole.as_slice().into());
    let found = secrets.finish();
    let mut content = Content::new(md5.finalize().into(), facts);
    if !found.is_empty() {
        content.set_secrets(found.into_boxed_slice());
    }
    if let Some((sha1, sha256)) = more {
        content.set_apk((sha1.finalize().into(), sha256.finalize().into()));
    }
    if let Some(data) = data {
        content.set_data(data);
    }
    Ok(content)
}
