//! Blobs by name, whatever holds them (a directory, a tar file's table of
//! contents, a stream's blobs), and the JSON documents among them, each
//! checked against the digest that names it.

use std::path::PathBuf;

use super::blob::Blob;
use super::stream::StreamBlobs;
use super::tar_index::TarIndex;
use crate::image::codec::sha256_of;

/// Blobs by name, from a directory, a tar file or a stream.
pub(super) enum Store<'a> {
    Dir(PathBuf),
    Tar(TarIndex),
    Stream(&'a StreamBlobs),
}

impl Store<'_> {
    pub(super) fn blob(&self, name: &str) -> Option<Blob> {
        match self {
            Store::Dir(dir) => {
                let path = dir.join(name);
                path.is_file().then_some(Blob::File(path))
            }
            Store::Tar(index) => index.blob(name),
            Store::Stream(stream) => stream.blob(name),
        }
    }

    /// A JSON document by name; `None` when there is no such blob.
    pub(super) fn json<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<(T, Vec<u8>)>, String> {
        let Some(blob) = self.blob(name) else {
            return Ok(None);
        };
        let bytes = blob
            .read_small()
            .map_err(|e| format!("cannot read {name}: {e}"))?;
        let value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{name} is not valid: {e}"))?;
        Ok(Some((value, bytes)))
    }

    /// A JSON document by its digest, which its bytes must match.
    pub(super) fn by_digest<T: serde::de::DeserializeOwned>(
        &self,
        digest: &str,
    ) -> Result<(T, Vec<u8>), String> {
        let name = blob_name(digest)?;
        let (value, bytes) = self
            .json::<T>(&name)?
            .ok_or_else(|| format!("{name} is named by the image but missing from it"))?;
        if digest.starts_with("sha256:") && sha256_of(&bytes) != digest {
            return Err(format!("{name} does not match its digest {digest}"));
        }
        Ok((value, bytes))
    }
}

/// `sha256:abc…` → `blobs/sha256/abc…`.
pub(super) fn blob_name(digest: &str) -> Result<String, String> {
    let (algorithm, hex) = digest
        .split_once(':')
        .ok_or_else(|| format!("`{digest}` is not a digest"))?;
    let valid = !algorithm.is_empty()
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && algorithm.chars().all(|c| c.is_ascii_alphanumeric());
    if !valid {
        return Err(format!("`{digest}` is not a digest"));
    }
    Ok(format!("blobs/{algorithm}/{hex}"))
}
