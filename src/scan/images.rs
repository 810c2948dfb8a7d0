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
use crate::image::engine::{Engine, Inspected};
use crate::image::fetch::FetchError;
use crate::image::registry::{self, RegistrySettings};
use crate::params::Params;

use super::export_groups::{Member, export_groups};
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

/// Reads and checks the images of each input, one input after another
/// (the layers of an input are decoded in parallel, each once however
/// many of its images have it). Inputs are named relative to `root` when inside it.
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
        let images = if input.as_os_str() == "-" {
            match crate::image::codec::decompressing(std::io::BufReader::new(std::io::stdin())) {
                Ok(stream) => crate::image::read_stream(stream, crate::error::STDIN, options),
                Err(message) => {
                    record(
                        scanned,
                        Err(InputError::in_file(crate::error::STDIN, message)),
                    );
                    continue;
                }
            }
        } else {
            crate::image::read(input, &display, options)
        };
        for read in images {
            let checked = read.map(|image| check(image, None, params, &scanned.services));
            record(scanned, checked);
        }
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
    Engine(Inspected),
    /// From the registry; with why the engine could not serve it, if one
    /// was asked.
    Registry(Option<String>),
    Missing(String),
    Failed(String),
}

/// What one worker of [`run_references`] reads: engine images exported
/// together (indexes into the references), or one image from elsewhere.
enum Unit {
    Export(Vec<usize>),
    One(usize),
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
                Ok(inspected) => Plan::Engine(inspected),
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
    let found: Vec<Mutex<Option<FoundOrNot>>> = found.into_iter().map(Mutex::new).collect();
    let read_one = |i: usize| -> Result<Image, FetchError> {
        let reference = &references[i];
        match &plans[i] {
            // Never asked: engine images are read in their export's unit.
            Plan::Engine(_) => Err(FetchError::Failed("an engine image read alone".into())),
            Plan::Registry(_) => {
                let found = found[i]
                    .lock()
                    .ok()
                    .and_then(|mut f| f.take())
                    .unwrap_or_else(|| {
                        Err(FetchError::Failed("not found in the registry".into()))
                    })?;
                registry::read(found, reference, &options)
            }
            Plan::Missing(message) => Err(FetchError::NotFound(message.clone())),
            Plan::Failed(message) => Err(FetchError::Failed(message.clone())),
        }
    };
    // Engine images that share layers are exported together, so that a
    // shared layer comes through the socket, and is read, once.
    let engine_images: Vec<(usize, &Inspected)> = plans
        .iter()
        .enumerate()
        .filter_map(|(i, plan)| match plan {
            Plan::Engine(inspected) => Some((i, inspected)),
            _ => None,
        })
        .collect();
    let members: Vec<Member> = engine_images
        .iter()
        .map(|(_, inspected)| Member {
            id: &inspected.id,
            layers: &inspected.layers,
        })
        .collect();
    let mut units: Vec<Unit> = export_groups(&members)
        .into_iter()
        .map(|group| Unit::Export(group.into_iter().map(|m| engine_images[m].0).collect()))
        .collect();
    units.extend(
        (0..references.len())
            .filter(|&i| !matches!(plans[i], Plan::Engine(_)))
            .map(Unit::One),
    );
    // Each image is checked as soon as it is read, and only what the
    // report and the join need of it is kept: memory holds the images
    // being read, not all of them.
    let services = &scanned.services;
    let check_read = |i: usize, read: Result<Image, FetchError>| {
        (
            i,
            read.map(|image| check(image, Some(&references[i]), reading.params, services)),
        )
    };
    let mut checked: Vec<(usize, Result<Checked, FetchError>)> = in_pool(pool.as_ref(), || {
        units
            .par_iter()
            .flat_map_iter(|unit| match unit {
                Unit::Export(indexes) => {
                    let group: Vec<(&str, &Inspected)> = indexes
                        .iter()
                        .filter_map(|&i| match &plans[i] {
                            Plan::Engine(inspected) => Some((references[i].as_str(), inspected)),
                            _ => None,
                        })
                        .collect();
                    let checked = match sources.engine {
                        Some(engine) => read_export(engine, &group, &options, |slot, image| {
                            let i = indexes[slot];
                            check(image, Some(&references[i]), reading.params, services)
                        }),
                        None => group
                            .iter()
                            .map(|_| Err(FetchError::Failed("no engine".into())))
                            .collect(),
                    };
                    indexes.iter().copied().zip(checked).collect::<Vec<_>>()
                }
                Unit::One(i) => vec![check_read(*i, read_one(*i))],
            })
            .collect()
    });
    checked.sort_by_key(|(i, _)| *i);
    let results = checked.into_iter().map(|(_, result)| result);
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

/// Reads a group of an engine's images from one export, each image
/// matched to its reference by id and handed to `each` (with its place in
/// the group) as soon as it is assembled, so one merged tree is held at a
/// time; what `each` made of them, in the group's order.
fn read_export<T>(
    engine: &Engine,
    group: &[(&str, &Inspected)],
    options: &crate::image::Options,
    mut each: impl FnMut(usize, Image) -> T,
) -> Vec<Result<T, FetchError>> {
    let names: Vec<&str> = group.iter().map(|(reference, _)| *reference).collect();
    let export = match engine.export(&names) {
        Ok(export) => export,
        Err(message) => {
            return names
                .iter()
                .map(|_| Err(FetchError::Failed(message.clone())))
                .collect();
        }
    };
    let display = names.join(", ");
    let mut done: Vec<Option<T>> = group.iter().map(|_| None).collect();
    let mut errors = Vec::new();
    for read in crate::image::read_stream(export, &display, options) {
        let mut image = match read {
            Ok(image) => image,
            Err(error) => {
                errors.push(error.message);
                continue;
            }
        };
        // One reference: the export holds its image alone.
        let slot = match group {
            [_] => Some(0),
            _ => group.iter().zip(&done).position(|((_, inspected), slot)| {
                slot.is_none() && same_id(&inspected.id, &image.digest)
            }),
        };
        let Some(slot) = slot else { continue };
        let (reference, inspected) = group[slot];
        if image.name == display {
            image.name = reference.to_string();
        }
        image
            .manifest_digests
            .extend(inspected.repo_digests.iter().cloned());
        image.source = Some(format!("engine {}", engine.address));
        done[slot] = Some(each(slot, image));
    }
    done.into_iter()
        .zip(group)
        .map(|(made, (reference, inspected))| {
            made.ok_or_else(|| {
                FetchError::Failed(if errors.is_empty() {
                    format!(
                        "the engine's export of {reference} holds no image {}",
                        inspected.id
                    )
                } else {
                    errors.join("; ")
                })
            })
        })
        .collect()
}

/// Whether an engine's image id is the digest of a config (Podman gives
/// ids without `sha256:`).
fn same_id(id: &str, digest: &str) -> bool {
    digest == id || digest.strip_prefix("sha256:") == Some(id)
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
    overview: super::scanned::ImageOverview,
}

/// What the HTML report shows of an image: its layers, what each made
/// visible and what later layers took out of it.
fn overview(image: &Image) -> super::scanned::ImageOverview {
    let mut visible = vec![0usize; image.layers.len()];
    for (_, node) in image.tree.iter() {
        if node.entry.kind == crate::image::layer::Kind::Dir {
            continue;
        }
        if let Some(count) = visible.get_mut(node.layer) {
            *count += 1;
        }
    }
    let layers = image
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| super::scanned::LayerOverview {
            diff_id: layer.diff_id.clone(),
            created_by: layer.created_by.clone(),
            size: layer.uncompressed_bytes,
            visible: visible[index],
            removed_later: image
                .tree
                .removed_later
                .get(index)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    super::scanned::ImageOverview {
        name: image.name.clone(),
        digest: image.digest.clone(),
        user: image.config_user(),
        base_layers: image.base_layers,
        layers,
    }
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
    let overview = overview(&image);
    let run = (!services.is_empty()).then(|| image_run(image, requested, services));
    Checked {
        findings,
        warnings,
        source,
        digest,
        manifest_digests,
        run,
        overview,
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
            scanned.coverage.images_read.push(checked.overview);
        }
        Err(error) => scanned.coverage.errors.push(error),
    }
}
