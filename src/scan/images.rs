//! Images: read from archives, OCI layouts, an engine and registries, each
//! checked by the image rules as soon as it is read and then dropped,
//! leaving its findings and what the join needs of it
//! ([`super::runs::ImageRun`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::InputError;
use crate::image::Image;
use crate::image::engine::Engine;
use crate::image::fetch::FetchError;
use crate::image::registry::{self, RegistrySettings};
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
        let checked = read.map(|image| check(image, None, params, &scanned.services));
        record(scanned, checked);
    }
}

/// How images named by reference are read and checked.
pub struct Reading<'a> {
    /// Images read at a time.
    concurrency: usize,
    options: &'a crate::image::Options,
    params: &'a Params,
}

impl<'a> Reading<'a> {
    pub fn new(concurrency: usize, options: &'a crate::image::Options, params: &'a Params) -> Self {
        Reading {
            concurrency,
            options,
            params,
        }
    }
}

/// Where images named by reference are read from, tried in this order:
/// the engine (when one answered) holds the image or not; the registry
/// (when allowed) is asked for the rest.
#[derive(Clone, Copy, Default)]
pub struct Sources<'a> {
    pub engine: Option<&'a Engine>,
    pub registry: Option<&'a RegistrySettings>,
}

/// What becomes of a reference that no source has: an input error (the
/// user named it: `drydock image REF`), or a warning (a service names it,
/// and it may only be built locally: `drydock scan`). An image that a
/// service builds (`built`) may also be refused by its registry (Docker
/// Hub refuses a repository that does not exist): a warning too.
#[derive(Clone, Copy)]
pub enum Missing<'a> {
    Error,
    Warning { built: &'a HashSet<String> },
}

/// Registry images whose manifest and config are fetched at a time.
const FINDS_AT_ONCE: usize = 8;

/// An image found in its registry, or why not.
type FoundOrNot = Result<registry::Found, FetchError>;

/// Where one reference will be read from.
enum Plan {
    Engine(Vec<String>),
    /// From the registry; with why the engine could not serve it, if one
    /// was asked.
    Registry(Option<String>),
    Missing(String),
    Failed(String),
}

/// Reads images by reference from the sources, `concurrency` at a time,
/// and checks them. Layers shared by several images of a registry are
/// fetched and scanned once, and kept only until the last of them has
/// taken them.
pub fn run_references(
    references: &[String],
    sources: Sources,
    reading: &Reading,
    missing: Missing,
    scanned: &mut Scanned,
) {
    let plans: Vec<Plan> = references
        .iter()
        .map(|reference| match (sources.engine, sources.registry) {
            (Some(engine), registry) => match engine.inspect(reference) {
                Ok(digests) => Plan::Engine(digests),
                Err(FetchError::NotFound(message)) if registry.is_some() => {
                    Plan::Registry(Some(message))
                }
                Err(FetchError::NotFound(message)) => Plan::Missing(message),
                Err(other) => Plan::Failed(other.into_message()),
            },
            (None, Some(_)) => Plan::Registry(None),
            (None, None) => Plan::Failed("no image source".into()),
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(reading.concurrency.max(1))
        .build()
        .ok();
    // Registry images are found first (manifest and config), so the run
    // knows which layers its images share before it reads any.
    let settings = sources.registry.cloned().unwrap_or_default();
    let looked = registry::credentials::Looked::default();
    let found: Vec<Option<FoundOrNot>> = {
        let find = |(reference, plan): (&String, &Plan)| match plan {
            Plan::Registry(engine) => Some(
                registry::find(reference, &settings, &looked, reading.options)
                    .map_err(|e| both_answers(engine.as_deref(), e)),
            ),
            _ => None,
        };
        let pairs: Vec<(&String, &Plan)> = references.iter().zip(&plans).collect();
        // Round trips, not work: more at a time than images are read.
        let finders = rayon::ThreadPoolBuilder::new()
            .num_threads(FINDS_AT_ONCE)
            .build()
            .ok();
        in_pool(finders.as_ref(), || {
            pairs.par_iter().copied().map(find).collect()
        })
    };
    let shared = std::sync::Arc::new(crate::image::SharedLayers::default());
    for digest in found
        .iter()
        .flatten()
        .flatten()
        .flat_map(|f| f.layer_digests())
    {
        shared.expect(digest);
    }
    let options = crate::image::Options {
        shared_layers: Some(shared),
        ..reading.options.clone()
    };
    let work: Vec<(&String, &Plan, Mutex<Option<FoundOrNot>>)> = references
        .iter()
        .zip(&plans)
        .zip(found)
        .map(|((reference, plan), found)| (reference, plan, Mutex::new(found)))
        .collect();
    let read = |(reference, plan, found): &(&String, &Plan, Mutex<Option<FoundOrNot>>)| -> Result<Image, FetchError> {
        match plan {
            Plan::Engine(repo_digests) => {
                let engine = sources
                    .engine
                    .ok_or_else(|| FetchError::Failed("no engine".into()))?;
                let export = engine.export(reference)?;
                let mut image = crate::image::read_stream(export, reference, &options)
                    .map_err(|e| FetchError::Failed(e.message))?;
                image.manifest_digests.extend(repo_digests.iter().cloned());
                image.source = Some(format!("engine {}", engine.address));
                Ok(image)
            }
            Plan::Registry(_) => {
                let found = found
                    .lock()
                    .ok()
                    .and_then(|mut f| f.take())
                    .unwrap_or_else(|| Err(FetchError::Failed("not found in the registry".into())))?;
                registry::read(found, reference, &options)
            }
            Plan::Missing(message) => Err(FetchError::NotFound(message.clone())),
            Plan::Failed(message) => Err(FetchError::Failed(message.clone())),
        }
    };
    // Each image is checked as soon as it is read, and only what the
    // report and the join need of it is kept: memory holds the images
    // being read, not all of them.
    let services = &scanned.services;
    let results: Vec<Result<Checked, FetchError>> = in_pool(pool.as_ref(), || {
        work.par_iter()
            .map(|w| read(w).map(|image| check(image, Some(w.0), reading.params, services)))
            .collect()
    });
    let mut absent = Vec::new();
    let mut unbuilt = Vec::new();
    for (reference, result) in references.iter().zip(results) {
        let built = matches!(missing, Missing::Warning { built } if built.contains(reference));
        match result {
            Ok(checked) => record(scanned, Ok(checked)),
            Err(FetchError::NotFound(_) | FetchError::Denied(_)) if built => {
                unbuilt.push(reference.as_str())
            }
            Err(FetchError::NotFound(_)) if matches!(missing, Missing::Warning { .. }) => {
                absent.push(reference.as_str())
            }
            Err(error) => scanned
                .coverage
                .errors
                .push(InputError::image(reference.as_str(), error.into_message())),
        }
    }
    let (place, hint) = match (sources.engine.is_some(), sources.registry.is_some()) {
        (true, false) => (
            "the engine",
            " (`--images engine,registry` reads them from their registries)",
        ),
        (false, true) => ("their registries", ""),
        _ => ("the engine or their registries", ""),
    };
    if !absent.is_empty() {
        scanned.coverage.warnings.push(format!(
            "{} image(s) the services run are not in {place} and were not scanned: {}{hint}",
            absent.len(),
            absent.join(", ")
        ));
    }
    if !unbuilt.is_empty() {
        scanned.coverage.warnings.push(format!(
            "{} image(s) the services build (`build:`) could not be read from {place}: {}; they are audited once built or pushed",
            unbuilt.len(),
            unbuilt.join(", ")
        ));
    }
}

/// Reads the images the Compose services and Kubernetes containers of the
/// run name, from the sources. One that no source has is a warning, not
/// an error: the service may build it.
pub fn run_service_images(sources: Sources, params: &Params, scanned: &mut Scanned) {
    let mut references: Vec<String> = scanned.services.iter().map(|s| s.image.clone()).collect();
    references.sort();
    references.dedup();
    // Images only services that build them name.
    let built: HashSet<String> = references
        .iter()
        .filter(|r| {
            scanned
                .services
                .iter()
                .filter(|s| &&s.image == r)
                .all(|s| s.builds)
        })
        .cloned()
        .collect();
    let options = crate::image::Options::default();
    let reading = Reading::new(2, &options, params);
    let missing = Missing::Warning { built: &built };
    run_references(&references, sources, &reading, missing, scanned);
}

/// Runs `work` in `pool` (its parallel iterators use the pool's threads),
/// or on the global pool when there is none.
fn in_pool<T: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// A registry's error for an image the engine did not have either: the
/// message says what each answered.
fn both_answers(engine: Option<&str>, error: FetchError) -> FetchError {
    let Some(engine) = engine else {
        return error;
    };
    let both = format!("{engine}; from its registry: {error}");
    match error {
        FetchError::NotFound(_) => FetchError::NotFound(both),
        FetchError::Denied(_) => FetchError::Denied(both),
        FetchError::Failed(_) => FetchError::Failed(both),
    }
}

/// What is kept of an image once its rules ran: the image itself (its
/// file tree) is dropped as soon as it is checked.
struct Checked {
    findings: Vec<crate::finding::Finding>,
    warnings: Vec<String>,
    source: Option<super::scanned::ImageSource>,
    digest: String,
    manifest_digests: Vec<String>,
    run: Option<super::runs::ImageRun>,
}

/// Runs the image rules on an image and keeps what the report and the
/// join need of it. `requested` is the reference the image was asked for
/// by, which the join also matches (Podman names `app:1`
/// `localhost/app:1`).
fn check(
    image: Image,
    requested: Option<&str>,
    params: &Params,
    services: &[super::runs::ServiceRun],
) -> Checked {
    let findings = crate::image::rules::check(&image, params);
    let warnings = image
        .warnings
        .iter()
        .map(|w| format!("{}: {w}", image.name))
        .collect();
    let source = image
        .source
        .as_ref()
        .map(|source| super::scanned::ImageSource {
            image: image.name.clone(),
            digest: image.digest.clone(),
            source: source.clone(),
        });
    let digest = image.digest.clone();
    let manifest_digests = image.manifest_digests.clone();
    let run = (!services.is_empty()).then(|| image_run(image, requested, services));
    Checked {
        findings,
        warnings,
        source,
        digest,
        manifest_digests,
        run,
    }
}

/// Records a checked image, or why an image could not be read.
fn record(scanned: &mut Scanned, checked: Result<Checked, InputError>) {
    match checked {
        Ok(checked) => {
            scanned.coverage.images += 1;
            scanned.coverage.image_sources.extend(checked.source);
            scanned.coverage.warnings.extend(checked.warnings);
            scanned.findings.extend(checked.findings);
            scanned
                .image_digests
                .insert(checked.digest, checked.manifest_digests);
            scanned.image_runs.extend(checked.run);
        }
        Err(error) => scanned.coverage.errors.push(error),
    }
}
