//! Reading an image, start to end: the source locates the blobs, each
//! layer is scanned (in parallel for a seekable input, as it goes by for
//! a stream) and checked against the digests and sizes the manifest and
//! config give, and the scans are assembled into an [`Image`]. This file
//! drives the stages; what each stage does is in its own module.
//!
//! A layer's typed error ([`LayerError`]) is turned into the message the
//! report shows here, where the manifest's digest is at hand: a blob that
//! did not decode and whose digest is wrong is reported as a mismatch.

use std::collections::HashMap;
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

/// Reads the images of a docker-save tarball, an OCI layout directory or
/// an OCI archive. `display` is how errors and findings name the input.
/// A layer several of its images have is read once.
pub fn read(input: &Path, display: &str, options: &Options) -> Images {
    if !input.is_dir() && is_compressed_file(input) {
        // `docker save | gzip`: one stream, read as it decompresses.
        let reader = std::fs::File::open(input)
            .map_err(|e| format!("cannot open: {e}"))
            .and_then(|file| decompressing(std::io::BufReader::new(file)));
        return match reader {
            Ok(reader) => read_stream(reader, display, options),
            Err(message) => Images::failed(display, message),
        };
    }
    let images = match source::locate(input, options.platform.as_ref()) {
        Ok(images) => images,
        Err(message) => return Images::failed(display, message),
    };
    let mut scans = LayerScans::default();
    for located in images.iter().flatten() {
        scans.expect(located);
    }
    if let Some(progress) = &options.progress {
        let bytes = scans.blobs.iter().filter_map(|l| l.blob.size().ok()).sum();
        progress(ProgressEvent::Start { bytes });
    }
    let made: Vec<(String, LayerResult)> = scans
        .blobs
        .par_iter()
        .map(|blob| {
            let scan = blob
                .blob
                .open()
                .map_err(|e| LayerError::Read(format!("cannot read: {e}")))
                .and_then(|inner| {
                    let reader = Reporting {
                        inner,
                        progress: options.progress.clone(),
                    };
                    scan_layer(reader, &options.limits)
                });
            (blob.name.clone(), scan)
        })
        .collect();
    if let Some(progress) = &options.progress {
        progress(ProgressEvent::Done);
    }
    scans.made.extend(made);
    Images::new(images, scans, display, Some(display.to_string()), true)
}

/// Reads the images of one tar stream (`docker save` output from an
/// engine, a compressed archive), in one pass: large blobs are scanned as
/// layers when they go by, once however many of the images have them,
/// and matched to the manifests at the end (which come last in Docker's
/// and Podman's exports).
pub fn read_stream(reader: impl Read, display: &str, options: &Options) -> Images {
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
    });
    let stream = match stream {
        Ok(stream) => stream,
        Err(message) => return Images::failed(display, message),
    };
    let images = match source::locate_stream(&stream, options.platform.as_ref()) {
        Ok(images) => images,
        Err(message) => return Images::failed(display, message),
    };
    let mut scans = LayerScans::default();
    for located in images.iter().flatten() {
        scans.expect(located);
    }
    // A small layer was kept in memory rather than read as it went by.
    let small: Vec<(String, LayerResult)> = scans
        .blobs
        .iter()
        .filter(|blob| !matches!(blob.blob, Blob::Scanned { .. }))
        .map(|blob| {
            let scan = blob
                .blob
                .open()
                .map_err(|e| LayerError::Read(e.to_string()))
                .and_then(|reader| scan_layer(reader, &limits));
            (blob.name.clone(), scan)
        })
        .collect();
    scans.made.extend(small);
    scans.made.extend(stream.into_results());
    Images::new(images, scans, display, None, false)
}

type LayerResult = Result<LayerScan, LayerError>;

/// The layers of an input's images, each scanned once: the distinct
/// blobs to scan, how many of the images have each, and the scans made.
#[derive(Default)]
struct LayerScans {
    /// Each blob once, in the order the images first name it.
    blobs: Vec<LayerBlob>,
    uses: HashMap<String, usize>,
    made: HashMap<String, LayerResult>,
}

impl LayerScans {
    /// Counts the layers of one more image.
    fn expect(&mut self, located: &source::Located) {
        for layer in &located.layers {
            let uses = self.uses.entry(layer.name.clone()).or_insert(0);
            if *uses == 0 {
                self.blobs.push(layer.clone());
            }
            *uses += 1;
        }
    }

    /// The scan of blob `name` for one of the images that have it: the
    /// last of them takes it, the others get a copy.
    fn take(&mut self, name: &str) -> LayerResult {
        let last = match self.uses.get_mut(name) {
            Some(uses) => {
                *uses = uses.saturating_sub(1);
                *uses == 0
            }
            None => true,
        };
        let missing = || Err(LayerError::Read(format!("{name} was not read")));
        if last {
            self.made.remove(name).unwrap_or_else(missing)
        } else {
            self.made.get(name).cloned().unwrap_or_else(missing)
        }
    }
}

/// The images of an input, assembled one at a time as they are asked
/// for (from the layer scans, each layer's size and digests checked
/// against what that image's manifest says), so that a caller that checks
/// and drops each image holds one merged tree at a time.
pub struct Images {
    located: std::vec::IntoIter<Result<source::Located, String>>,
    scans: LayerScans,
    display: String,
    /// The input file, for a seekable input.
    artifact: Option<String>,
    second_pass: bool,
    several: bool,
    /// The whole input failed: this error is the only item.
    failed: Option<InputError>,
}

impl Images {
    fn new(
        located: source::Images,
        scans: LayerScans,
        display: &str,
        artifact: Option<String>,
        second_pass: bool,
    ) -> Images {
        Images {
            several: located.len() > 1,
            located: located.into_iter(),
            scans,
            display: display.to_string(),
            artifact,
            second_pass,
            failed: None,
        }
    }

    fn failed(display: &str, message: String) -> Images {
        let mut images = Images::new(Vec::new(), LayerScans::default(), display, None, false);
        images.failed = Some(InputError::in_file(display, message));
        images
    }
}

impl Iterator for Images {
    type Item = Result<Image, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(failed) = self.failed.take() {
            return Some(Err(failed));
        }
        let located = match self.located.next()? {
            Ok(located) => located,
            Err(message) => return Some(Err(InputError::in_file(&self.display, message))),
        };
        let layers: Vec<Result<LayerScan, String>> = located
            .layers
            .iter()
            .enumerate()
            .map(|(i, blob)| {
                let scan = self.scans.take(&blob.name);
                check_size(i, blob)?;
                verify(i, blob, scan)
            })
            .collect();
        let name = located.reference.clone();
        let image = assemble(
            located,
            layers,
            &self.display,
            self.artifact.clone(),
            self.second_pass,
        );
        Some(image.map_err(|mut e| {
            if let (true, Some(name)) = (self.several, name) {
                e.message = format!("image {name}: {}", e.message);
            }
            e
        }))
    }
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
