//! The [`Image`] every image rule reads, and how it is put together from
//! the located blobs and the scanned layers: the layers merged into the
//! tree, the package databases read from it (and, for a seekable input,
//! the apk-owned files hashed again), the accounts of `/etc/passwd`, each
//! layer's history step and the base image's layers.
//!
//! Reading the blobs is `read`'s business; what the rules make of an
//! image is `rules`'.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::layer::{self, ApkDigests, Kind, LayerScan};
use super::oci::ImageConfig;
use super::pkgdb::{self, Packages};
use super::source::{LayerBlob, Located};
use super::tree::Tree;
use crate::error::InputError;
use crate::finding::{ImageLocation, LayerRef};

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
    /// Where it was read from, when that is not the input file: the
    /// engine, or the registry, repository, tag and manifest digest.
    pub source: Option<String>,
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
            line: None,
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

/// Merges the scanned layers and reads the package databases.
pub(super) fn assemble(
    located: Located,
    scans: Vec<Result<LayerScan, String>>,
    display: &str,
    artifact: Option<String>,
    second_pass: bool,
) -> Result<Image, InputError> {
    let error = |message: String| InputError::in_file(display, message);
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
    if let (count @ 1.., Some(example)) = tree.fixture_secrets() {
        warnings.push(format!(
            "{count} credential(s) in packages' own test fixtures and documentation (such as `{example}`) are not reported: they are public in the packages' sources"
        ));
    }
    let mut packages = pkgdb::read(&tree);
    warnings.append(&mut packages.warnings);
    if second_pass {
        hash_apk_files(&mut tree, &packages, &located.layers).map_err(error)?;
    }
    let unverified = packages
        .apk_owned()
        .filter(|p| {
            tree.get(p).is_some_and(|n| {
                n.entry.kind == Kind::File
                    && n.entry.content.as_ref().is_some_and(|c| c.apk().is_none())
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
        source: None,
    })
}

/// The second pass: SHA-1 and SHA-256 for the files an apk database owns,
/// read again from the layers whose version of them is visible.
fn hash_apk_files(
    tree: &mut Tree,
    packages: &Packages,
    layers: &[LayerBlob],
) -> Result<(), String> {
    let mut wanted: Vec<HashSet<String>> = vec![HashSet::new(); layers.len()];
    for path in packages.apk_owned() {
        if let Some(node) = tree.get(path) {
            // A hard link's contents are its target's.
            let source = node.hardlink_of().unwrap_or(path).to_string();
            if let Some(set) = wanted.get_mut(node.layer) {
                set.insert(source);
            }
        }
    }
    let hashed: Vec<Result<ApkDigests, String>> = wanted
        .par_iter()
        .enumerate()
        .map(|(i, set)| {
            if set.is_empty() {
                return Ok(Default::default());
            }
            let reader = layers[i]
                .blob
                .open_again(layers[i].expected_blob.as_deref())
                .map_err(|e| format!("layer {i}: cannot read: {e}"))?;
            layer::hash_files(reader, set).map_err(|e| format!("layer {i}: {e}"))
        })
        .collect();
    let mut digests = HashMap::new();
    for result in hashed {
        digests.extend(result?);
    }
    let mut written = String::new();
    for (path, hardlink_of, content) in tree.contents_mut() {
        let Some(content) = content else { continue };
        let key = match hardlink_of {
            Some(target) => target,
            None => {
                written.clear();
                path.write_to(&mut written);
                &written
            }
        };
        if let Some(hashes) = digests.get(key) {
            content.set_apk(*hashes);
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
    // The one import from a later stage: the rule that reports credentials
    // in history steps also knows how to blank them out.
    crate::hazards::credentials::redact(text.trim())
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
        .and_then(|c| c.data())
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
