//! Images in a registry, over the OCI Distribution API (the Docker
//! Registry HTTP API v2), with no daemon and no temporary file: the
//! reference ([`reference`]), the credentials users already keep
//! ([`credentials`]), the CAs to trust (`tls`), the HTTP client with its
//! authentication and retries ([`client`]), and the walk from a tag to the
//! located image (`pull`). The layer blobs stream into the same one-pass
//! scan as every other source (`read::read_remote`), their digests checked
//! as they pass.
//!
//! Nothing is pulled into an engine or written to disk; no credential is
//! ever printed.

pub mod client;
pub mod credentials;
mod pull;
pub mod reference;
mod tls;

use std::sync::Arc;

pub use client::{Client, RegistrySettings};
pub use reference::Reference;

use super::assemble::Image;
use super::fetch::FetchError;
use super::options::Options;

/// An image found in its registry, its layers not yet read.
pub struct Found {
    located: super::source::Located,
    /// `registry R, repository P, tag T, manifest D`, for the report.
    source: String,
}

impl Found {
    /// The blob digests of its layers, for counting the layers a run
    /// shares ([`super::SharedLayers::expect`]).
    pub fn layer_digests(&self) -> impl Iterator<Item = &str> {
        self.located
            .layers
            .iter()
            .filter_map(|l| l.expected_blob.as_deref())
    }
}

/// Finds the image `text` names in its registry: the manifest (through
/// indexes, for the platform of `options`) and the config. The error says
/// whether the registry lacks the image, refused it, or failed.
pub fn find(
    text: &str,
    settings: &RegistrySettings,
    looked: &credentials::Looked,
    options: &Options,
) -> Result<Found, FetchError> {
    let reference = Reference::parse(text)?;
    let credential = looked.get(&reference)?;
    let client = Arc::new(Client::new(&reference, settings, credential)?);
    let located = pull::locate(&client, &reference, options.platform.as_ref())?;
    let manifest = located.manifest_digests.last().cloned().unwrap_or_default();
    let tag = reference
        .tag
        .as_deref()
        .map_or(String::new(), |t| format!(", tag {t}"));
    let source = format!(
        "registry {}, repository {}{tag}, manifest {manifest}",
        reference.registry, reference.repository
    );
    Ok(Found { located, source })
}

/// Reads a found image's layers (streamed, scanned as they arrive) and
/// assembles it. `text` is how findings name it.
pub fn read(found: Found, text: &str, options: &Options) -> Result<Image, FetchError> {
    let mut image = super::read::read_remote(found.located, text, options)
        .map_err(|e| FetchError::Failed(e.message))?;
    image.source = Some(found.source);
    Ok(image)
}
