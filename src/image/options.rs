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

/// A layer some images of the run share: its scan, once made, and how
/// many of them have still to take it.
struct Shared {
    scan: Arc<OnceLock<LayerResult>>,
    uses_left: usize,
}

/// The layers a run's images share, by blob digest: each is downloaded
/// and scanned once, kept only until the last image that has it takes
/// it, and a second image that asks while the first is still reading it
/// waits for that reading. Layers no other image has are not kept at all.
#[derive(Default)]
pub struct SharedLayers {
    layers: Mutex<HashMap<String, Shared>>,
}

impl SharedLayers {
    /// Says that one more image of the run has the layer `digest`.
    pub fn expect(&self, digest: &str) {
        let mut layers = self.lock();
        let shared = layers.entry(digest.to_string()).or_insert_with(|| Shared {
            scan: Arc::default(),
            uses_left: 0,
        });
        shared.uses_left += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Shared>> {
        self.layers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The scan of the layer `digest`, made by `scan` unless the run has
    /// one already (or is making it). The last image to ask takes the
    /// scan itself, so it is never copied for a layer no image shares.
    pub fn get_or_scan(&self, digest: &str, scan: impl FnOnce() -> LayerResult) -> LayerResult {
        let (cell, last) = {
            let mut layers = self.lock();
            let Some(shared) = layers.get_mut(digest) else {
                return scan();
            };
            shared.uses_left = shared.uses_left.saturating_sub(1);
            let cell = shared.scan.clone();
            let last = shared.uses_left == 0;
            if last {
                layers.remove(digest);
            }
            (cell, last)
        };
        if !last {
            return cell.get_or_init(scan).clone();
        }
        cell.get_or_init(scan);
        match Arc::try_unwrap(cell) {
            Ok(cell) => cell
                .into_inner()
                .unwrap_or_else(|| Err(LayerError::Read("the shared layer was not read".into()))),
            Err(cell) => cell
                .get()
                .cloned()
                .unwrap_or_else(|| Err(LayerError::Read("the shared layer was not read".into()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{LayerError, SharedLayers};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A "scan" that counts its calls (an error is the cheapest result).
    fn counted(calls: &AtomicUsize) -> impl FnOnce() -> super::LayerResult + '_ {
        move || {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(LayerError::Read("scanned".into()))
        }
    }

    #[test]
    fn a_shared_layer_is_scanned_once_and_released_after_its_last_use() {
        let shared = SharedLayers::default();
        let calls = AtomicUsize::new(0);
        shared.expect("sha256:base");
        shared.expect("sha256:base");
        shared.expect("sha256:app");
        for digest in ["sha256:base", "sha256:app", "sha256:base"] {
            assert!(shared.get_or_scan(digest, counted(&calls)).is_err());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(
            shared.lock().is_empty(),
            "nothing is kept after its last use"
        );
        // A layer no image was expected to share is scanned, not kept.
        let _ = shared.get_or_scan("sha256:other", counted(&calls));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(shared.lock().is_empty());
    }
}
