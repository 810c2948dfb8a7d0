//! Finding the image in its input: from the archive's entry points —
//! `index.json` (an OCI layout, or Docker 25+'s `docker save`) through
//! nested indexes to the manifest of the chosen platform, or Docker's
//! `manifest.json` — to the config and each layer blob with the digests
//! and size it must have. Every document is checked against the digest
//! that names it.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::blob::{LayerBlob, Located};
use super::platform::{choose_platform as choose, host_platform, matches as platform_matches};
use super::store::{Store, blob_name};
use super::stream::Stream;
use super::tar_index::TarIndex;
use crate::image::codec::{Compression, sha256_of};
use crate::image::oci::{
    self, Descriptor, DockerManifestEntry, ImageConfig, Index, Manifest, Platform,
};

/// The images of an input, each located or not. Most inputs hold one; a
/// multi-image archive (`docker save a b`, an OCI layout with several
/// tags) holds one per image, and an image that cannot be located is an
/// error of its own (naming it) while the others are read.
pub type Images = Vec<Result<Located, String>>;

/// Finds the images in a file or directory; `Err` when the input is not
/// an image archive at all.
pub fn locate(input: &Path, platform: Option<&Platform>) -> Result<Images, String> {
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

/// Finds the images among the blobs of a stream. A layer that was read as
/// it went by is a `Blob::Scanned`, whose result [`Stream::result`] gives.
pub fn locate_stream<T>(stream: &Stream<T>, platform: Option<&Platform>) -> Result<Images, String> {
    locate_in(&Store::Stream(stream.blobs()), platform)
}

fn locate_in(store: &Store, platform: Option<&Platform>) -> Result<Images, String> {
    let docker_entries = store.json::<Vec<DockerManifestEntry>>("manifest.json");
    if let Some((index, _)) = store.json::<Index>("index.json")? {
        // Docker 25+ writes both: its `manifest.json` gives the tags as
        // `docker load` shows them, by config digest.
        let tags: HashMap<String, String> = docker_entries
            .ok()
            .flatten()
            .map(|(entries, _)| entries)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                let digest = config_digest_of_name(&e.config)?;
                Some((digest, e.repo_tags?.into_iter().next()?))
            })
            .collect();
        let explicit = platform.is_some();
        let want = platform.cloned().unwrap_or_else(host_platform);
        let images = images_of_index(index.manifests, &want, explicit);
        let several = images.len() > 1;
        return Ok(images
            .into_iter()
            .map(|(name, descriptors)| {
                from_index(store, descriptors, &want, explicit, &tags).map_err(|e| match &name {
                    Some(name) if several => format!("image {name}: {e}"),
                    _ => e,
                })
            })
            .collect());
    }
    if let Some((entries, _)) = docker_entries? {
        if entries.is_empty() {
            return Err("manifest.json lists no image".into());
        }
        let several = entries.len() > 1;
        return Ok(entries
            .into_iter()
            .enumerate()
            .map(|(n, entry)| {
                let name = entry
                    .repo_tags
                    .as_ref()
                    .and_then(|t| t.first().cloned())
                    .unwrap_or_else(|| format!("#{} ({})", n + 1, entry.config));
                from_docker_entry(store, entry).map_err(|e| {
                    if several {
                        format!("image {name}: {e}")
                    } else {
                        e
                    }
                })
            })
            .collect());
    }
    Err("neither index.json (OCI layout) nor manifest.json (docker save) found: not an image archive".into())
}

/// `sha256:HEX` from the name `manifest.json` gives a config: `HEX.json`
/// (Docker before 25, Podman) or `blobs/sha256/HEX` (Docker 25+).
fn config_digest_of_name(name: &str) -> Option<String> {
    let hex = name
        .strip_prefix("blobs/sha256/")
        .or_else(|| name.strip_suffix(".json"))?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| format!("sha256:{hex}"))
}

/// The images an index lists: its entries for the platform wanted (and
/// those that give none), grouped by the name they are annotated with —
/// one image per name. An index whose entries are all of other platforms
/// is one group, so that choosing among them says which platforms it has.
fn images_of_index(
    descriptors: Vec<Descriptor>,
    want: &Platform,
    explicit: bool,
) -> Vec<(Option<String>, Vec<Descriptor>)> {
    let name_of = |d: &Descriptor| {
        d.annotations
            .get("io.containerd.image.name")
            .or_else(|| d.annotations.get("org.opencontainers.image.ref.name"))
            .cloned()
    };
    let for_platform = |d: &Descriptor| {
        d.annotations
            .get("vnd.docker.reference.type")
            .map(String::as_str)
            != Some("attestation-manifest")
            && d.platform
                .as_ref()
                .is_none_or(|p| platform_matches(want, p, explicit))
    };
    if !descriptors.iter().any(for_platform) {
        return vec![(None, descriptors)];
    }
    let mut groups: Vec<(Option<String>, Vec<Descriptor>)> = Vec::new();
    for descriptor in descriptors.into_iter().filter(for_platform) {
        let name = name_of(&descriptor);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, group)) => group.push(descriptor),
            None => groups.push((name, vec![descriptor])),
        }
    }
    groups
}

/// One image of Docker's `manifest.json`.
fn from_docker_entry(store: &Store, entry: DockerManifestEntry) -> Result<Located, String> {
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
        warnings: Vec::new(),
    })
}

/// The image an index's entries (for one name) lead to, on the platform
/// wanted. `tags` are `manifest.json`'s tags by config digest.
fn from_index(
    store: &Store,
    mut descriptors: Vec<Descriptor>,
    want: &Platform,
    explicit: bool,
    tags: &HashMap<String, String>,
) -> Result<Located, String> {
    let mut reference = None;
    let mut manifest_digests = Vec::new();
    for _depth in 0..4 {
        let chosen = choose(&descriptors, want, explicit)?;
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
        let warnings: Vec<String> = platform_mismatch(&config, want, explicit)
            .into_iter()
            .collect();
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
        if let Some(tag) = tags.get(&manifest.config.digest) {
            reference = Some(tag.clone());
        }
        return Ok(Located {
            reference,
            config_digest: sha256_of(&config_bytes),
            manifest_digests,
            config,
            layers,
            warnings,
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
