//! Finding the image in its input: from the archive's entry points —
//! `index.json` (an OCI layout, or Docker 25+'s `docker save`) through
//! nested indexes to the manifest of the chosen platform, or Docker's
//! `manifest.json` — to the config and each layer blob with the digests
//! and size it must have. Every document is checked against the digest
//! that names it.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::blob::{LayerBlob, Located};
use super::platform::{choose_platform as choose, host_platform};
use super::store::{Store, blob_name};
use super::stream::Stream;
use super::tar_index::TarIndex;
use crate::image::codec::{Compression, sha256_of};
use crate::image::oci::{self, DockerManifestEntry, ImageConfig, Index, Manifest, Platform};

/// Finds the image in a file or directory.
pub fn locate(input: &Path, platform: Option<&Platform>) -> Result<Located, String> {
    let store = if input.is_dir() {
        Store::Dir(input.to_path_buf())
    } else {
        let mut magic = [0u8; 4];
        let n = File::open(input)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| format!("cannot open: {e}"))?;
        if Compression::sniff(&magic[..n]) != Compression::None {
            return Err(
                "the archive itself is compressed; decompress it first (e.g. `gunzip`)".into(),
            );
        }
        Store::Tar(TarIndex::read(input)?)
    };
    locate_in(&store, platform)
}

/// Finds the image among the blobs of a stream. A layer that was read as
/// it went by is a `Blob::Scanned`, whose result [`Stream::result`] gives.
pub fn locate_stream<T>(
    stream: &Stream<T>,
    platform: Option<&Platform>,
) -> Result<Located, String> {
    locate_in(&Store::Stream(stream.blobs()), platform)
}

fn locate_in(store: &Store, platform: Option<&Platform>) -> Result<Located, String> {
    let mut warnings = Vec::new();
    if let Some((index, _)) = store.json::<Index>("index.json")? {
        let docker_tags = store
            .json::<Vec<DockerManifestEntry>>("manifest.json")
            .ok()
            .flatten()
            .and_then(|(m, _)| m.into_iter().next())
            .and_then(|e| e.repo_tags)
            .and_then(|t| t.into_iter().next());
        return from_index(store, index, platform, docker_tags, &mut warnings).map(|mut l| {
            l.warnings.extend(warnings);
            l
        });
    }
    if let Some((entries, _)) = store.json::<Vec<DockerManifestEntry>>("manifest.json")? {
        return from_docker_manifest(store, entries);
    }
    Err("neither index.json (OCI layout) nor manifest.json (docker save) found: not an image archive".into())
}

fn from_docker_manifest(
    store: &Store,
    entries: Vec<DockerManifestEntry>,
) -> Result<Located, String> {
    let mut warnings = Vec::new();
    let count = entries.len();
    let entry = entries
        .into_iter()
        .next()
        .ok_or("manifest.json lists no image")?;
    if count > 1 {
        warnings.push(format!(
            "the archive holds {count} images; only the first is scanned"
        ));
    }
    let config_blob = store.blob(&entry.config).ok_or_else(|| {
        format!(
            "manifest.json names config {}, which is missing",
            entry.config
        )
    })?;
    let bytes = config_blob
        .read_small()
        .map_err(|e| format!("cannot read {}: {e}", entry.config))?;
    let config: ImageConfig = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a valid image config: {e}", entry.config))?;
    let diff_ids = checked_diff_ids(&config, entry.layers.len(), "manifest.json lists")?;
    let mut layers = Vec::new();
    for (name, diff_id) in entry.layers.iter().zip(diff_ids) {
        let blob = store
            .blob(name)
            .ok_or_else(|| format!("manifest.json names layer {name}, which is missing"))?;
        // Docker ≥ 25 points into `blobs/sha256/<digest>`: that name is
        // the blob digest too.
        let expected_blob = name
            .strip_prefix("blobs/sha256/")
            .map(|h| format!("sha256:{h}"));
        layers.push(LayerBlob {
            blob,
            name: name.clone(),
            expected_blob,
            expected_diff_id: Some(diff_id),
            expected_size: None,
        });
    }
    Ok(Located {
        reference: entry.repo_tags.and_then(|t| t.into_iter().next()),
        config_digest: sha256_of(&bytes),
        manifest_digests: Vec::new(),
        config,
        layers,
        warnings,
    })
}

fn from_index(
    store: &Store,
    index: Index,
    platform: Option<&Platform>,
    docker_tag: Option<String>,
    warnings: &mut Vec<String>,
) -> Result<Located, String> {
    let explicit = platform.is_some();
    let want = platform.cloned().unwrap_or_else(host_platform);
    let mut descriptors = index.manifests;
    let mut reference = docker_tag;
    let mut manifest_digests = Vec::new();
    for _depth in 0..4 {
        let chosen = choose(&descriptors, &want, explicit)?;
        manifest_digests.push(chosen.digest.clone());
        if reference.is_none() {
            reference = chosen
                .annotations
                .get("io.containerd.image.name")
                .or_else(|| chosen.annotations.get("org.opencontainers.image.ref.name"))
                .cloned();
        }
        if oci::is_index(&chosen.media_type) {
            let (nested, _) = store.by_digest::<Index>(&chosen.digest)?;
            descriptors = nested.manifests;
            continue;
        }
        let (manifest, manifest_bytes) = store.by_digest::<serde_json::Value>(&chosen.digest)?;
        // A manifest whose media type was not in the descriptor may still
        // be an index.
        if manifest.get("manifests").is_some() {
            let nested: Index = serde_json::from_slice(&manifest_bytes)
                .map_err(|e| format!("invalid image index {}: {e}", chosen.digest))?;
            descriptors = nested.manifests;
            continue;
        }
        let manifest: Manifest = serde_json::from_value(manifest)
            .map_err(|e| format!("invalid manifest {}: {e}", chosen.digest))?;
        let (config, config_bytes) = store.by_digest::<ImageConfig>(&manifest.config.digest)?;
        let diff_ids = checked_diff_ids(&config, manifest.layers.len(), "the manifest lists")?;
        warnings.extend(platform_mismatch(&config, &want, explicit));
        let mut layers = Vec::new();
        for (descriptor, diff_id) in manifest.layers.iter().zip(diff_ids) {
            let name = blob_name(&descriptor.digest)?;
            let blob = store
                .blob(&name)
                .ok_or_else(|| format!("the manifest names layer {name}, which is missing"))?;
            layers.push(LayerBlob {
                blob,
                name,
                expected_blob: Some(descriptor.digest.clone()),
                expected_diff_id: Some(diff_id),
                expected_size: Some(descriptor.size),
            });
        }
        return Ok(Located {
            reference,
            config_digest: sha256_of(&config_bytes),
            manifest_digests,
            config,
            layers,
            warnings: Vec::new(),
        });
    }
    Err("image indexes nest deeper than 4 levels".into())
}

/// The config's diff ids, one per layer the manifest lists (`listed_by`
/// says which manifest, for the message).
pub fn checked_diff_ids(
    config: &ImageConfig,
    layers: usize,
    listed_by: &str,
) -> Result<Vec<String>, String> {
    let diff_ids = config
        .rootfs
        .as_ref()
        .map(|r| r.diff_ids.clone())
        .unwrap_or_default();
    if diff_ids.len() != layers {
        return Err(format!(
            "{listed_by} {layers} layers but the config has {} diff ids",
            diff_ids.len()
        ));
    }
    Ok(diff_ids)
}

/// A warning when the image read is not of the platform asked for with
/// `--platform` (an index entry that lied, or a single-platform image).
pub fn platform_mismatch(config: &ImageConfig, want: &Platform, explicit: bool) -> Option<String> {
    (explicit
        && !config.os.is_empty()
        && (config.os != want.os || config.architecture != want.architecture))
        .then(|| {
            format!(
                "the image is {}/{}, not the requested {want}",
                config.os, config.architecture
            )
        })
}
