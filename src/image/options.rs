//! How to read an image: the platform to pick, the limits on each layer,
//! and where to report progress.

use super::layer::Limits;
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
}
