//! Reading an image, start to end: the source locates the blobs, each
//! layer is scanned (in parallel for a seekable input, as it goes by for
//! a stream) and checked against the digests and sizes the manifest and
//! config give, and the scans are assembled into an [`Image`]. This file
//! drives the stages; what each stage does is in its own module.
//!
//! A layer's typed error ([`LayerError`]) is turned into the message the
//! report shows here, where the manifest's digest is at hand: a blob that
//! did not decode and whose digest is wrong is reported as a mismatch.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::assemble::{Image, assemble};
use super::codec::{decompressing, is_compressed_file};
use super::layer::{LayerError, LayerScan, Limits, scan_layer};
use super::options::{Options, Progress, ProgressEvent};
use super::source::{self, Blob, LayerBlob};
use crate::error::InputError;

/// Largest layer of a stream whose files all get SHA-1 and SHA-256 (for
/// apk databases) in its one pass.
const STREAM_APK_LAYER: u64 = 64 << 20;

/// A reader that reports the bytes it reads.
struct Reporting<R> {
    inner: R,
    progress: Option<Progress>,
}

impl<R: Read> Read for Reporting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = &self.progress {
            progress(ProgressEvent::Read(n as u64));
        }
        Ok(n)
    }
}

/// Reads an image from a docker-save tarball, an OCI layout directory or
/// an OCI archive. `display` is how errors and findings name the input.
pub fn read(input: &Path, display: &str, options: &Options) -> Result<Image, InputError> {
    let error = |message: String| InputError::in_file(display, message);
    if !input.is_dir() && is_compressed_file(input) {
        // `docker save | gzip`: one stream, read as it decompresses.
        let file = std::fs::File::open(input).map_err(|e| error(format!("cannot open: {e}")))?;
        let reader = decompressing(std::io::BufReader::new(file)).map_err(error)?;
        return read_stream(reader, display, options);
    }
    let located = source::locate(input, options.platform.as_ref()).map_err(error)?;
    announce(&located, options);
    let scans: Vec<Result<LayerScan, String>> = located
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

/// Reads an image that arrives as one tar stream (`docker save` output
/// from an engine, or a compressed archive), in one pass: large blobs are
/// scanned as layers when they go by, and matched to the manifest at the
/// end (which comes last in Docker's and Podman's exports).
pub fn read_stream(
    reader: impl Read,
    display: &str,
    options: &Options,
) -> Result<Image, InputError> {
    let error = |message: String| InputError::in_file(display, message);
    // Without a second look at the layers, every file gets every digest.
    let limits = Limits {
        all_digests: true,
        ..options.limits
    };
    let stream = source::read_stream(reader, |size, entry| {
        if let Some(progress) = &options.progress {
            progress(ProgressEvent::Start { bytes: size });
        }
        let reader = Reporting {
            inner: entry,
            progress: options.progress.clone(),
        };
        // apk's SHA-1/SHA-256 matter for small layers (apk images are
        // small); a big layer of a stream gets MD5 only, and apk files in
        // it are reported unverified.
        let limits = Limits {
            all_digests: size <= STREAM_APK_LAYER,
            ..limits
        };
        let result = scan_layer(reader, &limits);
        if let Some(progress) = &options.progress {
            progress(ProgressEvent::Done);
        }
        result
    })
    .map_err(error)?;
    let located = source::locate_stream(&stream, options.platform.as_ref()).map_err(error)?;
    let scans: Vec<Result<LayerScan, String>> = located
        .layers
        .iter()
        .enumerate()
        .map(|(i, blob)| {
            check_size(i, blob)?;
            let result = match &blob.blob {
                Blob::Scanned { name, .. } => stream
                    .result(name)
                    .cloned()
                    .ok_or_else(|| format!("layer {i} ({}): {name} was not read", blob.name))?,
                other => other
                    .open()
                    .map_err(|e| LayerError::Read(e.to_string()))
                    .and_then(|reader| scan_layer(reader, &limits)),
            };
            verify(i, blob, result)
        })
        .collect();
    assemble(located, scans, display, None, false)
}

/// Layers of one image fetched at a time from a registry.
const REMOTE_LAYERS_AT_ONCE: usize = 4;

/// Reads an image whose layers are fetched when opened (a registry's):
/// up to [`REMOTE_LAYERS_AT_ONCE`] layers stream at a time, each scanned
/// as its bytes arrive. As for a seekable input, files get MD5 only, and
/// the few apk-owned files get their SHA digests in a second pass, which
/// fetches again only the layers that hold them (an Alpine base, a few
/// MiB); a Debian image is fetched once. A layer the run has already read
/// for another image is not fetched again (`Options::shared_layers`).
pub fn read_remote(
    located: source::Located,
    display: &str,
    options: &Options,
) -> Result<Image, InputError> {
    announce(&located, options);
    let scan_one = |blob: &LayerBlob| -> Result<LayerScan, LayerError> {
        let limits = Limits {
            all_digests: false,
            ..options.limits
        };
        let reader = Reporting {
            inner: blob
                .blob
                .open()
                .map_err(|e| LayerError::Read(e.to_string()))?,
            progress: options.progress.clone(),
        };
        scan_layer(reader, &limits)
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<LayerScan, String>>>> =
        located.layers.iter().map(|_| Default::default()).collect();
    let workers = REMOTE_LAYERS_AT_ONCE.min(located.layers.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(blob) = located.layers.get(i) else {
                        break;
                    };
                    let scan = match (&options.shared_layers, &blob.expected_blob) {
                        (Some(shared), Some(digest)) => {
                            shared.get_or_scan(digest, || scan_one(blob))
                        }
                        _ => scan_one(blob),
                    };
                    let checked = verify(i, blob, scan);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(checked);
                    }
                }
            });
        }
    });
    if let Some(progress) = &options.progress {
        progress(ProgressEvent::Done);
    }
    let scans = results
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(format!("layer {i} was not read")))
        })
        .collect();
    assemble(located, scans, display, None, true)
}

/// Tells the progress bar how many blob bytes are to be read.
fn announce(located: &source::Located, options: &Options) {
    if let Some(progress) = &options.progress {
        let bytes = located
            .layers
            .iter()
            .filter_map(|l| l.blob.size().ok())
            .sum();
        progress(ProgressEvent::Start { bytes });
    }
}

/// Checks a blob's size against the manifest's.
fn check_size(i: usize, blob: &LayerBlob) -> Result<(), String> {
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
    blob: &LayerBlob,
    scan: Result<LayerScan, LayerError>,
) -> Result<LayerScan, String> {
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
