//! Where an image's blobs are: a docker-save tarball (legacy layout, or
//! Docker ≥ 25's OCI layout with a compatibility `manifest.json`), an OCI
//! image layout directory, or an OCI layout in a tar. The archive is read
//! once for its table of contents (entry names, offsets, sizes; contents
//! skipped by seeking), so `manifest.json` and `index.json` may come last;
//! then the manifest, config and layers are read where they lie. Layer
//! blobs of a seekable input are regions of the file, so they can be
//! decoded in parallel. Nothing is extracted.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::codec::hex;
use super::oci::{self, DockerManifestEntry, ImageConfig, Index, Manifest, Platform};

/// Largest JSON document (index, manifest, config) read.
const MAX_JSON: u64 = 16 << 20;

/// Where a blob's bytes are.
#[derive(Clone, Debug)]
pub enum Blob {
    /// A whole file (OCI layout directory).
    File(PathBuf),
    /// A region of a tar file.
    Region {
        path: PathBuf,
        offset: u64,
        size: u64,
    },
    /// A small blob of a stream, kept in memory.
    Memory(std::sync::Arc<Vec<u8>>),
    /// A large blob of a stream, already scanned as a layer when it went
    /// by (it cannot be read again).
    Scanned { name: String, size: u64 },
}

impl Blob {
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Blob::File(path) => Ok(Box::new(File::open(path)?)),
            Blob::Region { path, offset, size } => {
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(*offset))?;
                Ok(Box::new(file.take(*size)))
            }
            Blob::Memory(bytes) => Ok(Box::new(io::Cursor::new(ArcBytes(bytes.clone())))),
            Blob::Scanned { name, .. } => Err(io::Error::other(format!(
                "{name} was read from a stream and cannot be read again"
            ))),
        }
    }

    /// The blob's size in bytes.
    pub fn size(&self) -> io::Result<u64> {
        match self {
            Blob::File(path) => Ok(std::fs::metadata(path)?.len()),
            Blob::Region { size, .. } | Blob::Scanned { size, .. } => Ok(*size),
            Blob::Memory(bytes) => Ok(bytes.len() as u64),
        }
    }

    fn read_small(&self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open()?.take(MAX_JSON + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_JSON {
            return Err(io::Error::other("document larger than 16 MiB"));
        }
        Ok(bytes)
    }
}

/// Shared bytes as a `Cursor` source.
struct ArcBytes(std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// One layer to read, with what its digests must be.
#[derive(Clone, Debug)]
pub struct LayerBlob {
    pub blob: Blob,
    /// Where the archive names it (for messages).
    pub name: String,
    /// The blob digest the manifest gives, if it gives one.
    pub expected_blob: Option<String>,
    /// The diff id the config gives.
    pub expected_diff_id: Option<String>,
    /// The size the manifest gives.
    pub expected_size: Option<u64>,
}

/// An image located in its input.
#[derive(Debug)]
pub struct Located {
    /// A reference from the archive (`repo:tag`), if it names one.
    pub reference: Option<String>,
    /// `sha256:` of the config: the image id.
    pub config_digest: String,
    /// The digests of the index(es) and the manifest that lead to it (an
    /// OCI layout, or `docker save` of Docker 25+), for references pinned
    /// `@sha256:`.
    pub manifest_digests: Vec<String>,
    pub config: ImageConfig,
    pub layers: Vec<LayerBlob>,
    pub warnings: Vec<String>,
}

/// The table of contents of a tar file.
struct TarIndex {
    path: PathBuf,
    files: HashMap<String, (u64, u64)>,
    symlinks: HashMap<String, String>,
}

impl TarIndex {
    fn read(path: &Path) -> Result<TarIndex, String> {
        let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
        let mut archive = tar::Archive::new(file);
        let mut files = HashMap::new();
        let mut symlinks = HashMap::new();
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
            let Some(name) = super::codec::normalise(&name) else {
                continue;
            };
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    files.insert(name, (entry.raw_file_position(), entry.size()));
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    if let Ok(Some(target)) = entry.link_name() {
                        let target = target.to_string_lossy().into_owned();
                        let is_hard = entry.header().entry_type() == tar::EntryType::Link;
                        let resolved = if is_hard || target.starts_with('/') {
                            target
                        } else {
                            let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
                            format!("{dir}/{target}")
                        };
                        if let Some(resolved) = super::codec::normalise(&resolved) {
                            symlinks.insert(name, resolved);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(TarIndex {
            path: path.to_path_buf(),
            files,
            symlinks,
        })
    }

    fn blob(&self, name: &str) -> Option<Blob> {
        let mut name = name.to_string();
        for _ in 0..8 {
            if let Some(&(offset, size)) = self.files.get(&name) {
                return Some(Blob::Region {
                    path: self.path.clone(),
                    offset,
                    size,
                });
            }
            name = self.symlinks.get(&name)?.clone();
        }
        None
    }
}

/// The blobs of an archive that arrived as a stream: the small ones in
/// memory, the large ones already scanned (by name).
#[derive(Default)]
pub struct StreamStore {
    pub small: HashMap<String, std::sync::Arc<Vec<u8>>>,
    pub scanned: HashMap<String, u64>,
    pub links: HashMap<String, String>,
}

impl StreamStore {
    fn blob(&self, name: &str) -> Option<Blob> {
        let mut name = name.to_string();
        for _ in 0..8 {
            if let Some(bytes) = self.small.get(&name) {
                return Some(Blob::Memory(bytes.clone()));
            }
            if let Some(size) = self.scanned.get(&name) {
                return Some(Blob::Scanned { name, size: *size });
            }
            name = self.links.get(&name)?.clone();
        }
        None
    }
}

/// Blobs by name, from a directory, a tar file or a stream.
enum Store<'a> {
    Dir(PathBuf),
    Tar(TarIndex),
    Stream(&'a StreamStore),
}

impl Store<'_> {
    fn blob(&self, name: &str) -> Option<Blob> {
        match self {
            Store::Dir(dir) => {
                let path = dir.join(name);
                path.is_file().then_some(Blob::File(path))
            }
            Store::Tar(index) => index.blob(name),
            Store::Stream(stream) => stream.blob(name),
        }
    }

    fn json<T: serde::de::DeserializeOwned>(
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

    fn by_digest<T: serde::de::DeserializeOwned>(
        &self,
        digest: &str,
    ) -> Result<(T, Vec<u8>), String> {
        let name = blob_name(digest)?;
        let (value, bytes) = self
            .json::<T>(&name)?
            .ok_or_else(|| format!("{name} is named by the image but missing from it"))?;
        verify(&name, digest, &bytes)?;
        Ok((value, bytes))
    }
}

/// `sha256:abc…` → `blobs/sha256/abc…`.
fn blob_name(digest: &str) -> Result<String, String> {
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

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn verify(name: &str, digest: &str, bytes: &[u8]) -> Result<(), String> {
    if digest.starts_with("sha256:") && sha256(bytes) != digest {
        return Err(format!("{name} does not match its digest {digest}"));
    }
    Ok(())
}

/// The platform drydock runs on, in OCI's words.
pub fn host_platform() -> Platform {
    let architecture = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    Platform {
        architecture: architecture.into(),
        os: "linux".into(),
        variant: (architecture == "arm64").then(|| "v8".into()),
    }
}

/// Parses `os/arch[/variant]`.
pub fn parse_platform(text: &str) -> Result<Platform, String> {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [os, arch] => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            variant: None,
        }),
        [os, arch, variant] => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            variant: Some(variant.to_string()),
        }),
        _ => Err(format!("`{text}` is not a platform (os/arch[/variant])")),
    }
}

fn matches(want: &Platform, have: &Platform, explicit: bool) -> bool {
    let variant_ok = match (&want.variant, &have.variant) {
        (Some(a), Some(b)) => a == b,
        // The host's default variant does not exclude images without one.
        (Some(_), None) => !explicit || want.architecture != "arm",
        _ => true,
    };
    want.os == have.os && want.architecture == have.architecture && variant_ok
}

/// Finds the image in a file or directory.
pub fn locate(input: &Path, platform: Option<&Platform>) -> Result<Located, String> {
    let store = if input.is_dir() {
        Store::Dir(input.to_path_buf())
    } else {
        let mut magic = [0u8; 4];
        let n = File::open(input)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| format!("cannot open: {e}"))?;
        if super::codec::Compression::sniff(&magic[..n]) != super::codec::Compression::None {
            return Err(
                "the archive itself is compressed; decompress it first (e.g. `gunzip`)".into(),
            );
        }
        Store::Tar(TarIndex::read(input)?)
    };
    locate_in(&store, platform)
}

/// Finds the image among the blobs of a stream.
pub fn locate_stream(stream: &StreamStore, platform: Option<&Platform>) -> Result<Located, String> {
    locate_in(&Store::Stream(stream), platform)
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
    let diff_ids = config
        .rootfs
        .as_ref()
        .map(|r| r.diff_ids.clone())
        .unwrap_or_default();
    if diff_ids.len() != entry.layers.len() {
        return Err(format!(
            "manifest.json lists {} layers but the config has {} diff ids",
            entry.layers.len(),
            diff_ids.len()
        ));
    }
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
        config_digest: sha256(&bytes),
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
        let diff_ids = config
            .rootfs
            .as_ref()
            .map(|r| r.diff_ids.clone())
            .unwrap_or_default();
        if diff_ids.len() != manifest.layers.len() {
            return Err(format!(
                "the manifest lists {} layers but the config has {} diff ids",
                manifest.layers.len(),
                diff_ids.len()
            ));
        }
        if !config.os.is_empty()
            && (config.os != want.os || config.architecture != want.architecture)
            && explicit
        {
            warnings.push(format!(
                "the image is {}/{}, not the requested {want}",
                config.os, config.architecture
            ));
        }
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
            config_digest: sha256(&config_bytes),
            manifest_digests,
            config,
            layers,
            warnings: Vec::new(),
        });
    }
    Err("image indexes nest deeper than 4 levels".into())
}

fn choose<'a>(
    descriptors: &'a [oci::Descriptor],
    want: &Platform,
    explicit: bool,
) -> Result<&'a oci::Descriptor, String> {
    // Attestations and other artifacts are not images.
    let images: Vec<&oci::Descriptor> = descriptors
        .iter()
        .filter(|d| {
            d.annotations
                .get("vnd.docker.reference.type")
                .map(String::as_str)
                != Some("attestation-manifest")
        })
        .collect();
    match images.as_slice() {
        [] => Err("the index lists no image".into()),
        [only] if only.platform.is_none() => Ok(only),
        _ => {
            if let Some(found) = images.iter().find(|d| {
                d.platform
                    .as_ref()
                    .is_some_and(|p| matches(want, p, explicit))
            }) {
                return Ok(found);
            }
            if let Some(untagged) = images.iter().find(|d| d.platform.is_none()) {
                return Ok(untagged);
            }
            let available: Vec<String> = images
                .iter()
                .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
                .collect();
            Err(format!(
                "no image for platform {want}; the index has {} (choose one with --platform)",
                available.join(", ")
            ))
        }
    }
}
