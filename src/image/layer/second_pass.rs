//! The second pass, for apk databases only: SHA-1 and SHA-256 of the few
//! files an apk database owns, read again from the layers of a seekable
//! input (or, fetched again, of a registry's) that hold their visible
//! version. (A stream cannot be read again; its layers take every digest
//! in the first pass instead.)

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};

use sha2::{Digest, Sha256};

use super::error::LayerError;
use super::limits::CHUNK;
use crate::image::codec::{Decoder, describe_read_error, normalise};

/// SHA-1 and SHA-256 of files, by path.
pub type ApkDigests = HashMap<String, ([u8; 20], [u8; 32])>;

/// SHA-1 and SHA-256 of the files of a layer whose paths are in `wanted`.
pub fn hash_files(reader: impl Read, wanted: &HashSet<String>) -> Result<ApkDigests, LayerError> {
    let decoder = Decoder::sniffed(BufReader::with_capacity(CHUNK, reader))?;
    let mut archive = tar::Archive::new(decoder);
    let mut out = HashMap::new();
    let mut chunk = vec![0u8; CHUNK];
    let undecodable = |reason: String| LayerError::Decode {
        reason,
        blob_digest: None,
    };
    for item in archive.entries().map_err(|e| undecodable(e.to_string()))? {
        let mut entry = item.map_err(|e| undecodable(describe_read_error(&e)))?;
        let Some(path) = normalise(&String::from_utf8_lossy(&entry.path_bytes())) else {
            continue;
        };
        if !wanted.contains(&path) || entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let mut sha1 = sha1::Sha1::new();
        let mut sha256 = Sha256::new();
        loop {
            let n = entry
                .read(&mut chunk)
                .map_err(|e| undecodable(describe_read_error(&e)))?;
            if n == 0 {
                break;
            }
            sha1.update(&chunk[..n]);
            sha256.update(&chunk[..n]);
        }
        out.insert(path, (sha1.finalize().into(), sha256.finalize().into()));
    }
    // To the end of the blob, so a reader that checks the blob's digest
    // at its end (a blob fetched again) gets to say.
    std::io::copy(&mut archive.into_inner(), &mut std::io::sink())
        .map_err(|e| undecodable(describe_read_error(&e)))?;
    Ok(out)
}
