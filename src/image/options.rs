//! How to read an image: the platform to pick, the limits on each layer,
//! where to report progress, and the layers already read in this run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::layer::{LayerError, LayerScan, Limits};
use super::oci::Platform;

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
    /// Layers fetched from a registry in this run, by blob digest, shared
    /// by every image that has them.
    pub shared_layers: Option<Arc<SharedLayers>>,
}

type LayerResult = Result<LayerScan, LayerError>;

/// The scans of the layers a run has fetched, by blob digest: a layer that
/// several images share is downloaded and scanned once, and a second image
/// that asks for it while the first is still reading it waits for that
/// reading.
#[derive(Default)]
pub struct SharedLayers {
    scans: Mutex<HashMap<String, Arc<OnceLock<LayerResult>>>>,
}

impl SharedLayers {
    /// The scan of the layer `digest`, made by `scan` unless this run has
    /// one already (or is making it).
    pub fn get_or_scan(&self, digest: &str, scan: impl FnOnce() -> LayerResult) -> LayerResult {
        let cell = self
            .scans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(digest.to_string())
            .or_default()
            .clone();
        cell.get_or_init(scan).clone()
    }
}
