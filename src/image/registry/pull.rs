//! From a reference to the located image: the manifest (through image
//! indexes and manifest lists to the platform's manifest), the config, and
//! the layer blobs as [`Blob::Remote`]s that fetch themselves when read.
//! Every document is checked against the digest that names it; a layer's
//! digest is checked as it is scanned (`read`), and its size here, as it
//! streams.

use std::io::{self, Read};
use std::sync::Arc;

use super::client::Client;
use super::reference::Reference;
use crate::image::codec::{SourceError, sha256_of};
use crate::image::fetch::FetchError;
use crate::image::oci::{self, ImageConfig, Index, Manifest, Platform};
use crate::image::source::{
    Blob, LayerBlob, Located, RemoteBlob, checked_diff_ids, choose_platform, host_platform,
    platform_mismatch,
};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Image configs; a manifest with another config type is an artifact
/// (a Helm chart, a signature), not an image.
const CONFIGS: [&str; 2] = [
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
];
/// Most layers of an image fetched: Docker's overlay storage stops at
/// 127, so a manifest listing more is not an image anyone runs, and each
/// layer is a request.
const MAX_LAYERS: usize = 1000;
/// Largest manifest, index or config read.
const MAX_DOCUMENT: u64 = 16 << 20;

/// Finds the image `reference` names in its registry.
pub(super) fn locate(
    client: &Arc<Client>,
    reference: &Reference,
    platform: Option<&Platform>,
) -> Result<Located, FetchError> {
    let explicit = platform.is_some();
    let want = platform.cloned().unwrap_or_else(host_platform);
    let accept = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST].join(", ");
    let mut wanted = reference.manifest_reference().to_string();
    let mut pinned = reference.digest.clone();
    let mut manifest_digests = Vec::new();
    let mut warnings = Vec::new();
    for _depth in 0..4 {
        let what = if pinned.is_some() {
            format!("manifest {wanted}")
        } else {
            format!("tag {wanted}")
        };
        let response = match client.get(&format!("manifests/{wanted}"), &accept, &what) {
            // Distribution answers MANIFEST_UNKNOWN for a tag of a
            // repository it does not have either; its tag list tells.
            Err(FetchError::NotFound(message))
                if !message.contains("has no repository") && !client.has_repository() =>
            {
                return Err(FetchError::NotFound(format!(
                    "{} has no repository {}",
                    client.registry, client.repository
                )));
            }
            other => other?,
        };
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_string())
            .unwrap_or_default();
        let bytes = read_document(response, &what, client)?;
        let digest = sha256_of(&bytes);
        if let Some(pinned) = &pinned
            && *pinned != digest
        {
            return Err(FetchError::Failed(format!(
                "{}/{} served a manifest whose digest is {digest} for {pinned}",
                client.registry, client.repository
            )));
        }
        manifest_digests.push(digest.clone());
        let document: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            FetchError::Failed(format!(
                "the {what} of {} is not JSON: {e}",
                client.repository
            ))
        })?;
        let media_type = document
            .get("mediaType")
            .and_then(|m| m.as_str())
            .map(str::to_string)
            .filter(|m| !m.is_empty())
            .unwrap_or(content_type);
        let is_index = oci::is_index(&media_type)
            || (media_type.is_empty() && document.get("manifests").is_some());
        if is_index {
            let index: Index = serde_json::from_value(document).map_err(|e| {
                FetchError::Failed(format!("the image index {digest} is not valid: {e}"))
            })?;
            let chosen = choose_platform(&index.manifests, &want, explicit)
                .map_err(|e| FetchError::NotFound(format!("{reference}: {e}")))?;
            wanted = chosen.digest.clone();
            pinned = Some(chosen.digest.clone());
            continue;
        }
        if !(media_type == OCI_MANIFEST
            || media_type == DOCKER_MANIFEST
            || (media_type.is_empty() && document.get("config").is_some()))
        {
            return Err(FetchError::Failed(format!(
                "{reference}: the manifest is of media type `{media_type}`, which drydock does not read (it reads Docker v2 schema 2 and OCI image manifests and indexes)"
            )));
        }
        let manifest: Manifest = serde_json::from_value(document)
            .map_err(|e| FetchError::Failed(format!("the manifest {digest} is not valid: {e}")))?;
        if manifest.layers.len() > MAX_LAYERS {
            return Err(FetchError::Failed(format!(
                "{reference}: the manifest lists {} layers; drydock reads at most {MAX_LAYERS}",
                manifest.layers.len()
            )));
        }
        let config_type = manifest.config.media_type.as_str();
        if !config_type.is_empty() && !CONFIGS.contains(&config_type) {
            return Err(FetchError::Failed(format!(
                "{reference} is not a container image: its config is `{config_type}` (an artifact)"
            )));
        }
        let config_digest = manifest.config.digest.clone();
        let response = client.get(
            &format!("blobs/{config_digest}"),
            "*/*",
            &format!("config blob {config_digest}"),
        )?;
        let config_bytes = read_document(response, "config", client)?;
        if sha256_of(&config_bytes) != config_digest {
            return Err(FetchError::Failed(format!(
                "{reference}: the config blob's digest is {}, but the manifest says {config_digest}",
                sha256_of(&config_bytes)
            )));
        }
        let config: ImageConfig = serde_json::from_slice(&config_bytes).map_err(|e| {
            FetchError::Failed(format!("{reference}: the config is not valid: {e}"))
        })?;
        let diff_ids = checked_diff_ids(&config, manifest.layers.len(), "the manifest lists")
            .map_err(|e| FetchError::Failed(format!("{reference}: {e}")))?;
        warnings.extend(platform_mismatch(&config, &want, explicit));
        let layers = manifest
            .layers
            .iter()
            .zip(diff_ids)
            .map(|(descriptor, diff_id)| LayerBlob {
                blob: Blob::Remote(Arc::new(RemoteLayer {
                    client: client.clone(),
                    digest: descriptor.digest.clone(),
                    size: descriptor.size,
                })),
                name: descriptor.digest.clone(),
                expected_blob: Some(descriptor.digest.clone()),
                expected_diff_id: Some(diff_id),
                expected_size: Some(descriptor.size),
            })
            .collect();
        return Ok(Located {
            // Findings name the image as it was asked for.
            reference: None,
            config_digest,
            manifest_digests,
            config,
            layers,
            warnings,
        });
    }
    Err(FetchError::Failed(format!(
        "{reference}: image indexes nest deeper than 4 levels"
    )))
}

/// A manifest, index or config, at most [`MAX_DOCUMENT`] bytes.
fn read_document(
    response: ureq::http::Response<ureq::Body>,
    what: &str,
    client: &Client,
) -> Result<Vec<u8>, FetchError> {
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            FetchError::Failed(format!(
                "the {what} of {}/{} broke off: {e}",
                client.registry, client.repository
            ))
        })?;
    if bytes.len() as u64 > MAX_DOCUMENT {
        return Err(FetchError::Failed(format!(
            "the {what} of {}/{} is larger than 16 MiB",
            client.registry, client.repository
        )));
    }
    Ok(bytes)
}

/// A layer blob in a registry, fetched when opened.
#[derive(Debug)]
struct RemoteLayer {
    client: Arc<Client>,
    digest: String,
    size: u64,
}

impl RemoteBlob for RemoteLayer {
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let response = self
            .client
            .get(
                &format!("blobs/{}", self.digest),
                "*/*",
                &format!("blob {}", self.digest),
            )
            .map_err(|e| io::Error::other(e.into_message()))?;
        Ok(Box::new(ExactSize {
            inner: response.into_body().into_reader(),
            expected: self.size,
            read: 0,
        }))
    }

    fn size(&self) -> u64 {
        self.size
    }
}

/// A blob body that must be exactly the size its descriptor gives: more
/// bytes, fewer bytes or a connection that breaks are errors that say so.
struct ExactSize<R> {
    inner: R,
    expected: u64,
    read: u64,
}

impl<R: Read> Read for ExactSize<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // One byte past the expected end is enough to tell a longer blob.
        let room = (self.expected + 1 - self.read).min(buf.len() as u64) as usize;
        let failed = |message: String| io::Error::other(SourceError(message));
        let n = self.inner.read(&mut buf[..room]).map_err(|e| {
            failed(format!(
                "the download broke off after {} of {} bytes: {e}",
                self.read, self.expected
            ))
        })?;
        if n == 0 && self.read < self.expected {
            return Err(failed(format!(
                "the registry sent {} bytes, but the manifest gives the blob's size as {}",
                self.read, self.expected
            )));
        }
        self.read += n as u64;
        if self.read > self.expected {
            return Err(failed(format!(
                "the registry sent more than the {} bytes the manifest gives as the blob's size",
                self.expected
            )));
        }
        Ok(n)
    }
}
