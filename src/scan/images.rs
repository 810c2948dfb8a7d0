//! Images: read from archives, OCI layouts and an engine, each checked by
//! the image rules as soon as it is read and then dropped, leaving its
//! findings and what the join needs of it ([`super::runs::ImageRun`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::InputError;
use crate::params::Params;

use super::runs::image_run;
use super::scanned::Scanned;

/// The images directly inside a directory: files (tarballs) and
/// directories holding an OCI layout, in name order.
pub fn image_inputs(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        InputError::in_file(
            dir.to_string_lossy(),
            format!("cannot read the image directory: {e}"),
        )
    })?;
    let mut inputs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() || p.join("index.json").is_file())
        .collect();
    inputs.sort();
    Ok(inputs)
}

/// Reads and checks images, one after another (each image's layers are
/// decoded in parallel). Inputs are named relative to `root` when inside it.
pub fn run_images(
    inputs: &[PathBuf],
    root: &Path,
    options: &crate::image::Options,
    params: &Params,
    scanned: &mut Scanned,
) {
    for input in inputs {
        let shown = input.strip_prefix(root).unwrap_or(input);
        let display = shown.to_string_lossy().replace('\\', "/");
        let read = if input.as_os_str() == "-" {
            crate::image::codec::decompressing(std::io::BufReader::new(std::io::stdin()))
                .map_err(|e| InputError::in_file(crate::error::STDIN, e))
                .and_then(|stream| crate::image::read_stream(stream, crate::error::STDIN, options))
        } else {
            crate::image::read(input, &display, options)
        };
        add_image(scanned, read, None, params);
    }
}

/// How images are read from an engine and checked.
pub struct Reading<'a> {
    /// Images read at a time.
    concurrency: usize,
    options: &'a crate::image::Options,
    params: &'a Params,
    /// The repo digests of references the caller already inspected.
    inspected: HashMap<String, Vec<String>>,
}

impl<'a> Reading<'a> {
    pub fn new(concurrency: usize, options: &'a crate::image::Options, params: &'a Params) -> Self {
        Reading {
            concurrency,
            options,
            params,
            inspected: HashMap::new(),
        }
    }
}

/// Exports images from an engine and checks them, `concurrency` at a
/// time.
pub fn run_engine(
    engine: &crate::image::engine::Engine,
    references: &[String],
    reading: &Reading,
    scanned: &mut Scanned,
) {
    let Reading {
        concurrency,
        options,
        params,
        ref inspected,
    } = *reading;
    let read = |reference: &String| -> Result<crate::image::Image, InputError> {
        let error = |message: String| InputError::image(reference.as_str(), message);
        // Inspecting first gives an error that names what is missing, and
        // the digests the registry knows the image by.
        let repo_digests = match inspected.get(reference) {
            Some(digests) => digests.clone(),
            None => engine.inspect(reference).map_err(error)?,
        };
        let export = engine.export(reference).map_err(error)?;
        let mut image = crate::image::read_stream(export, reference, options)?;
        image.manifest_digests.extend(repo_digests);
        Ok(image)
    };
    let results: Vec<Result<crate::image::Image, InputError>> =
        match rayon::ThreadPoolBuilder::new()
            .num_threads(concurrency)
            .build()
        {
            Ok(pool) => pool.install(|| references.par_iter().map(read).collect()),
            Err(_) => references.iter().map(read).collect(),
        };
    for (reference, result) in references.iter().zip(results) {
        add_image(scanned, result, Some(reference), params);
    }
}

/// Reads, from the engine, the images the Compose services of the run
/// name. One a service names but the engine does not have is a warning,
/// not an error: `scan` audits what is local and does not pull.
pub fn run_service_images(
    engine: &crate::image::engine::Engine,
    params: &Params,
    scanned: &mut Scanned,
) {
    let mut references: Vec<String> = scanned.services.iter().map(|s| s.image.clone()).collect();
    references.sort();
    references.dedup();
    let mut inspected = HashMap::new();
    let mut absent = Vec::new();
    for reference in references {
        match engine.inspect(&reference) {
            Ok(digests) => {
                inspected.insert(reference, digests);
            }
            Err(_) => absent.push(reference),
        }
    }
    if !absent.is_empty() {
        scanned.coverage.warnings.push(format!(
            "engine: {} image(s) the services run are not in the engine and were not scanned: {}",
            absent.len(),
            absent.join(", ")
        ));
    }
    let options = crate::image::Options::default();
    let mut present: Vec<String> = inspected.keys().cloned().collect();
    present.sort();
    let reading = Reading {
        concurrency: 2,
        options: &options,
        params,
        inspected,
    };
    run_engine(engine, &present, &reading, scanned);
}

/// Checks an image that was read, or records why it could not be.
/// `requested` is the reference the image was asked for by, which the
/// join also matches (Podman names `app:1` `localhost/app:1`).
fn add_image(
    scanned: &mut Scanned,
    read: Result<crate::image::Image, InputError>,
    requested: Option<&str>,
    params: &Params,
) {
    match read {
        Ok(image) => {
            scanned.coverage.images += 1;
            scanned.coverage.warnings.extend(
                image
                    .warnings
                    .iter()
                    .map(|w| format!("{}: {w}", image.name)),
            );
            scanned
                .findings
                .extend(crate::image::rules::check(&image, params));
            scanned
                .image_digests
                .insert(image.digest.clone(), image.manifest_digests.clone());
            if !scanned.services.is_empty() {
                let run = image_run(image, requested, &scanned.services);
                scanned.image_runs.push(run);
            }
        }
        Err(error) => scanned.coverage.errors.push(error),
    }
}
