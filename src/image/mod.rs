//! Container images: where their blobs are ([`source`]), one pass over
//! each layer ([`layer`], [`content`], [`busybox`]), the merged filesystem
//! ([`tree`]), the package databases ([`pkgdb`]), and the image rules.
//!
//! Layers of a seekable input are decoded in parallel, each by one thread
//! that decompresses, hashes and indexes it as the bytes stream; only the
//! index (paths, modes, digests, content facts) and the small package
//! database files are kept. Nothing from an image is written to disk or
//! executed.

pub mod busybox;
pub mod codec;
pub mod content;
pub mod engine;
pub mod layer;
pub mod oci;
pub mod pkgdb;
pub mod rules;
pub mod source;
pub mod tree;

use std::path::Path;

use rayon::prelude::*;

use crate::finding::{ImageLocation, LayerRef};
use crate::yaml::LocatedError;
use layer::{Limits, scan_layer};
use oci::{ImageConfig, Platform};
use pkgdb::Packages;
use tree::Tree;

/// Told how far reading an image has got: the total blob bytes once the
/// layers are known, then each amount read.
pub type Progress = std::sync::Arc<dyn Fn(ProgressEvent) + Send + Sync>;

#[derive(Clone, Copy, Debug)]
pub enum ProgressEvent {
    Start { bytes: u64 },
    Read(u64),
    Done,
}

/// How to read an image.
#[derive(Clone, Default)]
pub struct Options {
    /// The platform to pick from a multi-platform index (default: the
    /// host's).
    pub platform: Option<Platform>,
    pub limits: Limits,
    /// Where to report progress (the binary draws a bar on a terminal).
    pub progress: Option<Progress>,
}

/// A reader that reports the bytes it reads.
struct Reporting<R> {
    inner: R,
    progress: Option<Progress>,
}

impl<R: std::io::Read> std::io::Read for Reporting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = &self.progress {
            progress(ProgressEvent::Read(n as u64));
        }
        Ok(n)
    }
}

/// A layer, as reports name it.
#[derive(Clone, Debug)]
pub struct LayerInfo {
    pub diff_id: String,
    pub blob_digest: String,
    pub created_by: String,
    pub compressed_bytes: u64,
    pub uncompressed_bytes: u64,
}

/// A user of the image's `/etc/passwd`.
#[derive(Clone, Debug)]
pub struct Account {
    pub name: String,
    pub uid: u64,
    pub gid: u64,
}

/// An image, read.
#[derive(Debug)]
pub struct Image {
    /// How findings name it: its reference, or the input it came from.
    pub name: String,
    /// The input file or directory, relative to the scan root.
    pub artifact: Option<String>,
    /// The image id (`sha256:` of the config).
    pub digest: String,
    /// Other digests that name it: its manifest's and index's (from an OCI
    /// layout or a Docker 25+ archive), and an engine's repo digests.
    pub manifest_digests: Vec<String>,
    pub config: ImageConfig,
    pub layers: Vec<LayerInfo>,
    /// Layers `0..base_layers` came from the base image (a guess from the
    /// history, as Trivy makes it: everything up to the base image's
    /// `CMD`/`ENTRYPOINT`).
    pub base_layers: usize,
    pub tree: Tree,
    pub packages: Packages,
    pub accounts: Vec<Account>,
    pub warnings: Vec<String>,
}

impl Image {
    /// A location in this image: a layer and a path inside it.
    pub fn location(&self, layer: Option<usize>, path: Option<&str>) -> ImageLocation {
        ImageLocation {
            image: self.name.clone(),
            digest: self.digest.clone(),
            artifact: self.artifact.clone(),
            layer: layer.and_then(|i| {
                let info = self.layers.get(i)?;
                Some(LayerRef {
                    index: i,
                    diff_id: info.diff_id.clone(),
                    created_by: info.created_by.clone(),
                })
            }),
            path: path.map(|p| format!("/{p}")),
            note: None,
        }
    }

    /// The user a container runs as by default, and its uid when known.
    /// `Config.User` as written (empty: root).
    pub fn config_user(&self) -> String {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.user.clone())
            .unwrap_or_default()
    }

    pub fn runtime_user(&self) -> (String, Option<u64>) {
        let user = self.config_user();
        let name = user.split(':').next().unwrap_or("").trim().to_string();
        if name.is_empty() {
            return (String::new(), Some(0));
        }
        if let Ok(uid) = name.parse::<u64>() {
            return (user, Some(uid));
        }
        let uid = self.accounts.iter().find(|a| a.name == name).map(|a| a.uid);
        (user, uid)
    }

    pub fn is_base_layer(&self, index: usize) -> bool {
        index < self.base_layers
    }
}

/// Reads an image from a docker-save tarball, an OCI layout directory or
/// an OCI archive. `display` is how errors and findings name the input.
pub fn read(input: &Path, display: &str, options: &Options) -> Result<Image, LocatedError> {
    let error = |message: String| LocatedError::in_file(display, message);
    if !input.is_dir() && is_compressed(input) {
        // `docker save | gzip`: one stream, read as it decompresses.
        let file = std::fs::File::open(input).map_err(|e| error(format!("cannot open: {e}")))?;
        let reader = codec::decompressing(std::io::BufReader::new(file)).map_err(error)?;
        return read_stream(reader, display, options);
    }
    let located = source::locate(input, options.platform.as_ref()).map_err(error)?;
    if let Some(progress) = &options.progress {
        let bytes = located
            .layers
            .iter()
            .filter_map(|l| l.blob.size().ok())
            .sum();
        progress(ProgressEvent::Start { bytes });
    }
    let scans: Vec<Result<layer::LayerScan, String>> = located
        .layers
        .par_iter()
        .enumerate()
        .map(|(i, blob)| {
            check_size(i, blob)?;
            let reader = Reporting {
                inner: blob
                    .blob
                    .open()
                    .map_err(|e| format!("layer {i} ({}): cannot read: {e}", blob.name))?,
                progress: options.progress.clone(),
            };
            verify(i, blob, scan_layer(reader, &options.limits))
        })
        .collect();
    if let Some(progress) = &options.progress {
        progress(ProgressEvent::Done);
    }
    assemble(located, scans, display, Some(display.to_string()), true)
}

fn is_compressed(input: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    let n = std::fs::File::open(input)
        .and_then(|mut f| f.read(&mut magic))
        .unwrap_or(0);
    codec::Compression::sniff(&magic[..n]) != codec::Compression::None
}

/// Largest layer of a stream whose files all get SHA-1 and SHA-256 (for
/// apk databases) in its one pass.
const STREAM_APK_LAYER: u64 = 64 << 20;

/// Largest blob of a stream kept in memory (configs, manifests, tiny
/// layers); larger ones are scanned as layers as they go by.
const SMALL_BLOB: u64 = 1 << 20;

/// Reads an image that arrives as one tar stream (`docker save` output
/// from an engine, or a compressed archive), in one pass: blobs are scanned
/// as layers when they go by, and matched to the manifest at the end
/// (which comes last in Docker's and Podman's exports). A blob of another
/// platform is scanned needlessly; nothing is written to disk.
pub fn read_stream(
    reader: impl std::io::Read,
    display: &str,
    options: &Options,
) -> Result<Image, LocatedError> {
    let error = |message: String| LocatedError::in_file(display, message);
    // Without a second look at the layers, every file gets every digest.
    let limits = Limits {
        all_digests: true,
        ..options.limits
    };
    let mut store = source::StreamStore::default();
    let mut scanned: std::collections::HashMap<
        String,
        Result<layer::LayerScan, layer::LayerError>,
    > = std::collections::HashMap::new();
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| error(format!("not a tar archive: {e}")))?;
    let mut small_total = 0u64;
    for (n, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|e| {
            error(if n == 0 {
                format!("cannot read the image: {}", codec::describe_read_error(&e))
            } else {
                format!(
                    "the image stream breaks off at entry {}: {}",
                    n + 1,
                    codec::describe_read_error(&e)
                )
            })
        })?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(name) = codec::normalise(&raw) else {
            continue;
        };
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Symlink | tar::EntryType::Link => {
                if let Ok(Some(target)) = entry.link_name() {
                    let target = target.to_string_lossy().into_owned();
                    let resolved = if kind == tar::EntryType::Link || target.starts_with('/') {
                        target
                    } else {
                        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
                        format!("{dir}/{target}")
                    };
                    if let Some(resolved) = codec::normalise(&resolved) {
                        store.links.insert(name, resolved);
                    }
                }
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let size = entry.size();
                if size <= SMALL_BLOB && small_total + size <= 64 * SMALL_BLOB {
                    let mut bytes = Vec::with_capacity(size as usize);
                    std::io::Read::read_to_end(&mut entry, &mut bytes).map_err(|e| {
                        error(format!(
                            "cannot read {name}: {}",
                            codec::describe_read_error(&e)
                        ))
                    })?;
                    small_total += size;
                    store.small.insert(name, std::sync::Arc::new(bytes));
                } else {
                    if let Some(progress) = &options.progress {
                        progress(ProgressEvent::Start { bytes: size });
                    }
                    let reader = Reporting {
                        inner: &mut entry,
                        progress: options.progress.clone(),
                    };
                    // apk's SHA-1/SHA-256 matter for small layers (apk
                    // images are small); a big layer of a stream gets MD5
                    // only, and apk files in it are reported unverified.
                    let limits = Limits {
                        all_digests: size <= STREAM_APK_LAYER,
                        ..limits
                    };
                    let result = scan_layer(reader, &limits);
                    if let Some(progress) = &options.progress {
                        progress(ProgressEvent::Done);
                    }
                    store.scanned.insert(name.clone(), size);
                    scanned.insert(name, result);
                }
            }
            _ => {}
        }
    }
    let located = source::locate_stream(&store, options.platform.as_ref()).map_err(error)?;
    let scans: Vec<Result<layer::LayerScan, String>> = located
        .layers
        .iter()
        .enumerate()
        .map(|(i, blob)| {
            check_size(i, blob)?;
            let result = match &blob.blob {
                source::Blob::Scanned { name, .. } => match scanned.get(name) {
                    Some(Ok(scan)) => Ok(scan.clone()),
                    Some(Err(e)) => Err(e.clone()),
                    None => return Err(format!("layer {i} ({}): {name} was not read", blob.name)),
                },
                other => match other.open() {
                    Ok(reader) => scan_layer(reader, &limits),
                    Err(e) => Err(layer::LayerError::Read(e.to_string())),
                },
            };
            verify(i, blob, result)
        })
        .collect();
    assemble(located, scans, display, None, false)
}

fn check_size(i: usize, blob: &source::LayerBlob) -> Result<(), String> {
    if let Some(expected) = blob.expected_size {
        let size = blob
            .blob
            .size()
            .map_err(|e| format!("layer {i} ({}): cannot read: {e}", blob.name))?;
        if size != expected {
            return Err(format!(
                "layer {i} ({}): the blob is {size} bytes, but the manifest gives its size as {expected}",
                blob.name
            ));
        }
    }
    Ok(())
}

/// Checks a scanned layer's digests against what the manifest and config
/// say. A blob that did not decode but whose digest is wrong is reported as
/// a digest mismatch.
fn verify(
    i: usize,
    blob: &source::LayerBlob,
    scan: Result<layer::LayerScan, layer::LayerError>,
) -> Result<layer::LayerScan, String> {
    let scan = scan.map_err(|e| match (e.blob_digest(), &blob.expected_blob) {
        (Some(actual), Some(expected)) if actual != expected => format!(
            "layer {i} ({}): blob digest is {actual}, but the manifest says {expected} (and it does not decode: {e})",
            blob.name
        ),
        _ => format!("layer {i} ({}): {e}", blob.name),
    })?;
    if let Some(expected) = &blob.expected_blob
        && *expected != scan.blob_digest
    {
        return Err(format!(
            "layer {i} ({}): blob digest is {}, but the manifest says {expected}",
            blob.name, scan.blob_digest
        ));
    }
    if let Some(expected) = &blob.expected_diff_id
        && *expected != scan.diff_id
    {
        return Err(format!(
            "layer {i} ({}): diff id is {}, but the config says {expected}",
            blob.name, scan.diff_id
        ));
    }
    Ok(scan)
}

/// Merges the scanned layers and reads the package databases.
fn assemble(
    located: source::Located,
    scans: Vec<Result<layer::LayerScan, String>>,
    display: &str,
    artifact: Option<String>,
    second_pass: bool,
) -> Result<Image, LocatedError> {
    let error = |message: String| LocatedError::in_file(display, message);
    let created_by = layer_history(&located.config, located.layers.len());
    let base_layers = base_layer_count(&located.config, located.layers.len());
    let mut tree = Tree::default();
    let mut layers = Vec::new();
    let mut warnings = located.warnings;
    for (i, scan) in scans.into_iter().enumerate() {
        let mut scan = scan.map_err(error)?;
        warnings.extend(scan.warnings.drain(..).map(|w| format!("layer {i}: {w}")));
        layers.push(LayerInfo {
            diff_id: scan.diff_id.clone(),
            blob_digest: scan.blob_digest.clone(),
            created_by: created_by.get(i).cloned().unwrap_or_default(),
            compressed_bytes: scan.compressed_bytes,
            uncompressed_bytes: scan.uncompressed_bytes,
        });
        tree.apply(i, scan);
    }
    tree.report_loops();
    warnings.append(&mut tree.warnings);
    let mut packages = pkgdb::read(&tree);
    warnings.append(&mut packages.warnings);
    if second_pass {
        hash_apk_files(&mut tree, &packages, &located.layers).map_err(error)?;
    }
    let unverified = packages
        .apk_owned()
        .filter(|p| {
            tree.get(p).is_some_and(|n| {
                n.entry.kind == layer::Kind::File
                    && n.entry.content.as_ref().is_some_and(|c| c.apk.is_none())
            })
        })
        .count();
    if unverified > 0 {
        warnings.push(format!(
            "{unverified} apk-owned file(s) in layers over 64 MiB read from a stream were not verified (no SHA digests in a single pass)"
        ));
    }
    let accounts = accounts(&tree);
    Ok(Image {
        name: located.reference.unwrap_or_else(|| display.to_string()),
        artifact,
        digest: located.config_digest,
        manifest_digests: located.manifest_digests,
        config: located.config,
        layers,
        base_layers,
        tree,
        packages,
        accounts,
        warnings,
    })
}

/// The second pass: SHA-1 and SHA-256 for the files an apk database owns,
/// read again from the layers whose version of them is visible.
fn hash_apk_files(
    tree: &mut Tree,
    packages: &Packages,
    layers: &[source::LayerBlob],
) -> Result<(), String> {
    let mut wanted: Vec<std::collections::HashSet<String>> = vec![Default::default(); layers.len()];
    for path in packages.apk_owned() {
        if let Some(node) = tree.get(path) {
            // A hard link's contents are its target's.
            let source = node.hardlink_of.clone().unwrap_or_else(|| path.to_string());
            if let Some(set) = wanted.get_mut(node.layer) {
                set.insert(source);
            }
        }
    }
    let hashed: Vec<Result<layer::ApkDigests, String>> = wanted
        .par_iter()
        .enumerate()
        .map(|(i, set)| {
            if set.is_empty() {
                return Ok(Default::default());
            }
            let reader = layers[i]
                .blob
                .open()
                .map_err(|e| format!("layer {i}: cannot read: {e}"))?;
            layer::hash_files(reader, set).map_err(|e| format!("layer {i}: {e}"))
        })
        .collect();
    let mut digests = std::collections::HashMap::new();
    for result in hashed {
        digests.extend(result?);
    }
    for (path, node) in tree.nodes.iter_mut() {
        let key = node.hardlink_of.as_deref().unwrap_or(path);
        if let (Some(hashes), Some(content)) = (digests.get(key), node.entry.content.as_mut()) {
            content.apk = Some(Box::new(*hashes));
        }
    }
    Ok(())
}

/// The `created_by` of each layer: history entries that made a layer, in
/// order.
fn layer_history(config: &ImageConfig, layers: usize) -> Vec<String> {
    let steps: Vec<String> = config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .map(|h| clean_created_by(h.created_by.as_deref().unwrap_or("")))
        .collect();
    if steps.len() == layers {
        steps
    } else {
        vec![String::new(); layers]
    }
}

/// `/bin/sh -c #(nop) ADD file:… in /` → `ADD file:… in /`, with
/// credential values leaked into the step replaced by `***`.
fn clean_created_by(text: &str) -> String {
    let text = text.trim();
    let text = text.strip_prefix("/bin/sh -c #(nop) ").unwrap_or(text);
    rules::secret_in_image_config::redact(text.trim())
}

fn base_layer_count(config: &ImageConfig, layers: usize) -> usize {
    let mut made = 0;
    for step in &config.history {
        let text = step.created_by.as_deref().unwrap_or("");
        let ends_base = step.empty_layer
            && (text.contains("CMD [")
                || text.contains("CMD [\"")
                || text.contains("ENTRYPOINT ["));
        if ends_base {
            return made.max(1).min(layers);
        }
        if !step.empty_layer {
            made += 1;
        }
    }
    layers.min(1)
}

fn accounts(tree: &Tree) -> Vec<Account> {
    let Some(bytes) = tree
        .get("etc/passwd")
        .and_then(|n| n.entry.content.as_ref())
        .and_then(|c| c.data.as_deref())
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            Some(Account {
                name: fields.first()?.to_string(),
                uid: fields.get(2)?.parse().ok()?,
                gid: fields.get(3)?.parse().ok()?,
            })
        })
        .collect()
}
