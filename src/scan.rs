//! `drydock scan`: finds every Compose project under the given paths, loads
//! and checks them in parallel, and gathers one report.
//!
//! A directory holding a default Compose file (`compose.yaml`…) is a
//! project, with its override file. Other `compose.*.yaml` /
//! `docker-compose.*.yml` files next to it are variants used as
//! `-f base -f variant`, and are audited that way; a variant with no base
//! beside it is audited alone as a fragment, and listed as such. A
//! finding reached through several projects (an included or extended
//! file, a base file under its variants) is reported once.
//!
//! Discovery guesses, so it never turns a guess into an error: what only
//! the deploying environment provides (a required variable, an env file
//! kept out of the repository) is a warning for a project found here, and
//! Compose's error for a file the user names.
//!
//! YAML files that are not Compose files are candidate Kubernetes
//! manifests, except inside a Helm chart (a directory with `Chart.yaml`:
//! its templates, values and subcharts are not manifests) and directly in
//! a kustomization's directory (patches are partial objects): charts and
//! kustomizations are rendered by their tool when it is on `PATH`
//! ([`run_rendered`]), and what could not be rendered is said.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::compose::load::{DEFAULT_FILES, OVERRIDE_FILES};
use crate::compose::{Loader, ProjectSpec, rules};
use crate::finding::{Finding, Place};
use crate::params::Params;
use crate::report::RunReport;
use crate::rule::Registry;
use crate::yaml::{LocatedError, SourceFile};

/// Directories never searched.
const SKIPPED_DIRS: [&str; 3] = [".git", "node_modules", "vendor"];

/// Whether a file name is a Compose variant such as `compose.prod.yaml`.
fn is_variant(name: &str) -> bool {
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let prefixed = name.starts_with("compose.") || name.starts_with("docker-compose.");
    yaml && prefixed && !DEFAULT_FILES.contains(&name) && !OVERRIDE_FILES.contains(&name)
}

/// Whether a file name is one projects give a Compose file that
/// `docker compose` does not find by itself (`docker-compose-postgres.yml`,
/// `compose-dev.yaml`, `elk-compose.yml`): used with `-f`, and a Compose
/// file only if it has a top-level `services:` ([`has_services_key`]).
fn is_loose_compose_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    let stem = stem.to_ascii_lowercase();
    !is_variant(name)
        && !DEFAULT_FILES.contains(&name)
        && !OVERRIDE_FILES.contains(&name)
        && (stem.starts_with("docker-compose")
            || stem.starts_with("compose-")
            || stem.starts_with("compose_")
            || stem.ends_with("-compose")
            || stem.ends_with("_compose")
            || stem.ends_with(".compose"))
}

/// Whether a file's first 64 KiB hold a top-level `services:` line.
fn has_services_key(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(64 << 10).read_to_end(&mut head));
    read.is_ok()
        && String::from_utf8_lossy(&head)
            .lines()
            .any(|line| line.starts_with("services:"))
}

/// What `scan` found to read under its paths.
#[derive(Default)]
pub struct Found {
    pub projects: Vec<ProjectSpec>,
    /// YAML files that may be Kubernetes manifests (`false`: found by a
    /// walk, read only if they hold `apiVersion` and `kind`; `true`: named
    /// by the user).
    pub manifests: Vec<(PathBuf, bool)>,
    /// Helm chart directories (subcharts are rendered by their parent).
    pub charts: Vec<PathBuf>,
    /// Kustomization files (outside charts).
    pub kustomizations: Vec<PathBuf>,
    pub errors: Vec<LocatedError>,
}

/// Finds the Compose projects and candidate manifests under `paths`, in
/// one walk per directory. A Compose file given by name is a project of its
/// own (like `docker compose -f FILE`).
pub fn discover(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let specs = &mut found.projects;
    let errors = &mut found.errors;
    for path in paths {
        if path.is_file() {
            specs.push(ProjectSpec {
                files: vec![path.clone()],
                ..ProjectSpec::default()
            });
            continue;
        }
        if !path.is_dir() {
            errors.push(LocatedError::in_file(
                path.to_string_lossy(),
                "no such file or directory",
            ));
            continue;
        }
        let mut walked = walk(path);
        errors.extend(std::mem::take(&mut walked.errors));
        let (charts, kustomizations, yaml) = rendered_inputs(&mut walked);
        found.charts.extend(charts);
        found.kustomizations.extend(kustomizations);
        found.manifests.extend(yaml.into_iter().map(|p| (p, false)));
        for (dir, mut names) in walked.compose {
            names.sort();
            let base = DEFAULT_FILES.iter().find(|d| names.iter().any(|n| n == *d));
            if base.is_some() {
                specs.push(ProjectSpec {
                    project_dir: Some(dir.clone()),
                    listing: Some(names.clone()),
                    ..ProjectSpec::default()
                });
            }
            // A file `docker compose` never finds by itself is audited on
            // its own, like a variant with no base.
            for loose in names.iter().filter(|n| is_loose_compose_name(n)) {
                specs.push(ProjectSpec {
                    project_dir: Some(dir.clone()),
                    files: vec![dir.join(loose)],
                    fragment: true,
                    listing: Some(names.clone()),
                    ..ProjectSpec::default()
                });
            }
            for variant in names.iter().filter(|n| is_variant(n)) {
                let mut files: Vec<PathBuf> = base.iter().map(|b| dir.join(b)).collect();
                files.push(dir.join(variant));
                specs.push(ProjectSpec {
                    project_dir: Some(dir.clone()),
                    files,
                    fragment: base.is_none(),
                    listing: Some(names.clone()),
                    ..ProjectSpec::default()
                });
            }
        }
    }
    found
}

/// What a checked project leaves behind: its model is dropped as soon as
/// the rules have run, so memory does not grow with the number of projects.
struct Checked {
    findings: Vec<Finding>,
    services: Vec<crate::policy::join::ServiceRun>,
    files: Vec<Arc<SourceFile>>,
    warnings: Vec<String>,
    /// Why Docker Compose would refuse the project, audited all the same.
    errors: Vec<LocatedError>,
    /// The note that the project is a fragment, audited on its own.
    fragment: Option<LocatedError>,
}

/// A walk of a tree as drydock searches it: hidden files included (no
/// ignore files honoured), `.git`, `node_modules` and `vendor` skipped,
/// symlinks not followed.
fn tree_walker(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        });
    builder
}

/// What one walk of a tree found.
#[derive(Default)]
struct Walked {
    /// Compose-related file names, by directory.
    compose: BTreeMap<PathBuf, Vec<String>>,
    /// Other YAML files: candidate Kubernetes manifests.
    yaml: Vec<PathBuf>,
    /// Directories holding a `Chart.yaml`.
    charts: Vec<PathBuf>,
    /// Kustomization files.
    kustomizations: Vec<PathBuf>,
    errors: Vec<LocatedError>,
}

/// Splits what a walk found into the Helm charts to render (not those
/// inside another chart: their parent renders them), the kustomizations
/// (outside charts) and the YAML files that may be plain manifests (none
/// inside a chart, none directly beside a kustomization file).
fn rendered_inputs(walked: &mut Walked) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<PathBuf>) {
    let mut all_charts = std::mem::take(&mut walked.charts);
    all_charts.sort();
    let mut charts: Vec<PathBuf> = Vec::new();
    for chart in all_charts {
        if !charts.iter().any(|c| chart.starts_with(c)) {
            charts.push(chart);
        }
    }
    let in_chart = |p: &Path| charts.iter().any(|c| p.starts_with(c));
    let mut kustomizations: Vec<PathBuf> = std::mem::take(&mut walked.kustomizations)
        .into_iter()
        .filter(|k| !in_chart(k))
        .collect();
    kustomizations.sort();
    let kustomization_dirs: Vec<&Path> = kustomizations.iter().filter_map(|k| k.parent()).collect();
    let yaml = std::mem::take(&mut walked.yaml)
        .into_iter()
        .filter(|p| !in_chart(p) && !p.parent().is_some_and(|d| kustomization_dirs.contains(&d)))
        .collect();
    (charts, kustomizations, yaml)
}

/// Walks a directory on every core, once for everything `scan` reads.
fn walk(root: &Path) -> Walked {
    let found: Mutex<Walked> = Mutex::default();
    tree_walker(root).build_parallel().run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let error = LocatedError::in_file(root.to_string_lossy(), e.to_string());
                    lock(&found).errors.push(error);
                    return ignore::WalkState::Continue;
                }
            };
            let Some(kind) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if !kind.is_file() && !kind.is_symlink() {
                return ignore::WalkState::Continue;
            }
            let name = entry.file_name().to_string_lossy();
            let relevant = DEFAULT_FILES.contains(&name.as_ref())
                || OVERRIDE_FILES.contains(&name.as_ref())
                || name == ".env"
                || is_variant(&name)
                || (is_loose_compose_name(&name)
                    && kind.is_file()
                    && has_services_key(entry.path()));
            // A symlinked Compose file or `.env` is listed: the loader
            // follows it through the audit boundary, and reports one that
            // leads out. Other symlinks are not followed.
            if relevant {
                let dir = entry
                    .path()
                    .parent()
                    .unwrap_or(Path::new("."))
                    .to_path_buf();
                lock(&found)
                    .compose
                    .entry(dir)
                    .or_default()
                    .push(name.into_owned());
            } else if crate::k8s::render::KUSTOMIZATION_FILES.contains(&name.as_ref()) {
                lock(&found).kustomizations.push(entry.path().to_path_buf());
            } else if kind.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) {
                let mut found = lock(&found);
                if name == "Chart.yaml"
                    && let Some(dir) = entry.path().parent()
                {
                    found.charts.push(dir.to_path_buf());
                }
                found.yaml.push(entry.path().to_path_buf());
            }
            ignore::WalkState::Continue
        })
    });
    found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A poisoned lock still holds usable data here (a panicking walker thread
/// cannot leave it half-written).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Loads and checks every project in parallel.
pub fn run(loader: &Loader, specs: &[ProjectSpec], params: &Params, report: &mut RunReport) {
    let results: Vec<Result<Checked, LocatedError>> = specs
        .par_iter()
        .map(|spec| {
            let mut project = loader.load(spec)?;
            let fragment = spec.fragment.then(|| {
                let file = spec
                    .files
                    .last()
                    .map_or(project.dir.as_path(), PathBuf::as_path);
                let loose = file
                    .file_name()
                    .is_some_and(|n| is_loose_compose_name(&n.to_string_lossy()));
                let why = if loose {
                    "audited on its own as a fragment: `docker compose` does not find a file of \
                     this name by itself (it is used with `-f`), so only what it sets was \
                     checked; name the files it is used with, `drydock compose -f … -f FILE`, \
                     to audit the whole project"
                } else {
                    "audited as a fragment: no base Compose file beside it (it is used as \
                     `-f BASE -f FILE`), so only what it sets was checked; name its base with \
                     `drydock compose -f BASE -f FILE` to audit the whole project"
                };
                LocatedError::in_file(loader.display(file), why)
            });
            let findings = rules::check(&project, params);
            // An env file (`.env`) a finding points into is a file of the
            // report, for its snippet.
            let named: std::collections::HashSet<&str> = findings
                .iter()
                .filter_map(|f| match &f.location {
                    Place::Config(l) => Some(l.path.as_str()),
                    Place::Image(_) => None,
                })
                .collect();
            let mut env_files: Vec<Arc<SourceFile>> = Vec::new();
            for origin in project.env_origins.values() {
                if named.contains(origin.file.display.as_str())
                    && !env_files.iter().any(|f| Arc::ptr_eq(f, &origin.file))
                    && !project
                        .files
                        .iter()
                        .any(|f| f.display == origin.file.display)
                {
                    env_files.push(Arc::clone(&origin.file));
                }
            }
            project.files.extend(env_files);
            Ok(Checked {
                fragment,
                findings,
                errors: std::mem::take(&mut project.invalid),
                services: crate::policy::join::services_of(&project),
                files: project.files,
                warnings: project.warnings,
            })
        })
        .collect();
    for result in results {
        match result {
            Ok(checked) => {
                report.projects += 1;
                report.warnings.extend(checked.warnings);
                report.errors.extend(checked.errors);
                report.not_audited.extend(checked.fragment);
                for file in checked.files {
                    if !report.sources.contains_key(&file.display) {
                        report.sources.insert(file.display.clone(), file);
                    }
                }
                report.findings.extend(checked.findings);
                report.services.extend(checked.services);
            }
            Err(error) => report.errors.push(error),
        }
    }
    report.files = report.sources.len();
    // A finding reached through several projects (an included file, a base
    // file under its variants) is reported once.
    report.findings.par_sort_unstable_by(finding_order);
    report
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    report.warnings.sort();
    report.warnings.dedup();
    report
        .errors
        .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    report
        .errors
        .dedup_by(|a, b| a.to_string() == b.to_string());
}

/// The images directly inside a directory: files (tarballs) and
/// directories holding an OCI layout, in name order.
pub fn image_inputs(dir: &Path) -> Result<Vec<PathBuf>, LocatedError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        LocatedError::in_file(
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
    report: &mut RunReport,
) {
    for input in inputs {
        let shown = input.strip_prefix(root).unwrap_or(input);
        let display = shown.to_string_lossy().replace('\\', "/");
        let read = if input.as_os_str() == "-" {
            crate::image::codec::decompressing(std::io::BufReader::new(std::io::stdin()))
                .map_err(|e| LocatedError::in_file("(standard input)", e))
                .and_then(|stream| crate::image::read_stream(stream, "(standard input)", options))
        } else {
            crate::image::read(input, &display, options)
        };
        add_image(report, read, None, params);
    }
    sort_findings(report);
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
    report: &mut RunReport,
) {
    let Reading {
        concurrency,
        options,
        params,
        ref inspected,
    } = *reading;
    let read = |reference: &String| -> Result<crate::image::Image, LocatedError> {
        let error = |message: String| LocatedError::in_file(reference.as_str(), message);
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
    let results: Vec<Result<crate::image::Image, LocatedError>> =
        match rayon::ThreadPoolBuilder::new()
            .num_threads(concurrency)
            .build()
        {
            Ok(pool) => pool.install(|| references.par_iter().map(read).collect()),
            Err(_) => references.iter().map(read).collect(),
        };
    for (reference, result) in references.iter().zip(results) {
        add_image(report, result, Some(reference), params);
    }
    sort_findings(report);
}

/// Reads, from the engine, the images the Compose services of the run
/// name. One a service names but the engine does not have is a warning,
/// not an error: `scan` audits what is local and does not pull.
pub fn run_service_images(
    engine: &crate::image::engine::Engine,
    params: &Params,
    report: &mut RunReport,
) {
    let mut references: Vec<String> = report.services.iter().map(|s| s.image.clone()).collect();
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
        report.warnings.push(format!(
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
    run_engine(engine, &present, &reading, report);
}

/// Checks an image that was read, or records why it could not be.
/// `requested` is the reference the image was asked for by, which the
/// join also matches (Podman names `app:1` `localhost/app:1`).
fn add_image(
    report: &mut RunReport,
    read: Result<crate::image::Image, LocatedError>,
    requested: Option<&str>,
    params: &Params,
) {
    match read {
        Ok(image) => {
            report.images += 1;
            report.warnings.extend(
                image
                    .warnings
                    .iter()
                    .map(|w| format!("{}: {w}", image.name)),
            );
            report
                .findings
                .extend(crate::image::rules::check(&image, params));
            report
                .image_digests
                .insert(image.digest.clone(), image.manifest_digests.clone());
            if !report.services.is_empty() {
                let run = crate::policy::join::image_run(image, requested, &report.services);
                report.image_runs.push(run);
            }
        }
        Err(error) => report.errors.push(error),
    }
}

/// Report order: by place, then rule; ties broken by subject so the
/// order never depends on thread timing.
pub fn sort_findings(report: &mut RunReport) {
    report.findings.par_sort_unstable_by(finding_order);
}

/// The order of findings in a report ([`Finding::sort_key`], then subject).
fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| a.subject.cmp(&b.subject))
}

/// The candidate manifests under `paths` (`drydock k8s`): files named
/// directly (and `-`) are read as manifests; directories are walked for
/// YAML files, which are read only if they hold `apiVersion` and `kind`.
pub fn manifest_inputs(paths: &[PathBuf]) -> (Vec<(PathBuf, bool)>, Vec<LocatedError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || path.is_file() {
            inputs.push((path.clone(), true));
        } else if path.is_dir() {
            let walked = walk(path);
            errors.extend(walked.errors);
            inputs.extend(walked.yaml.into_iter().map(|p| (p, false)));
        } else {
            errors.push(LocatedError::in_file(
                path.to_string_lossy(),
                "no such file or directory",
            ));
        }
    }
    inputs.sort();
    (inputs, errors)
}

/// How manifests are checked: at a Pod Security level when one is given,
/// otherwise every control with its own severity.
#[derive(Clone, Copy)]
pub struct ManifestChecks<'a> {
    pub level: Option<crate::k8s::pss::Level>,
    pub honour_ignores: bool,
    pub params: &'a Params,
    /// The rules an ignore annotation may name.
    pub registry: &'a Registry,
}

/// A manifest text to audit.
pub struct ManifestSource {
    pub source: Arc<SourceFile>,
    /// Named by the user: read even without `apiVersion` and `kind`, and
    /// a document that looks like an unrendered template is an input
    /// error (found by a walk, it is listed as not audited).
    pub named: bool,
    /// For the output of `helm template` or `kustomize build`: the note
    /// every finding's location carries, saying its line is one of the
    /// rendered output.
    pub rendered: Option<String>,
}

/// What auditing one manifest text left.
#[derive(Default)]
struct Audited {
    source: Option<Arc<SourceFile>>,
    workloads: usize,
    findings: Vec<Finding>,
    notes: Vec<String>,
    suppressed: usize,
    containers: Vec<crate::policy::join::ServiceRun>,
    errors: Vec<LocatedError>,
    not_audited: Vec<LocatedError>,
}

/// Reads manifests and checks their workloads.
pub fn run_manifests(
    inputs: &[(PathBuf, bool)],
    root: &Path,
    checks: ManifestChecks,
    report: &mut RunReport,
) {
    let results: Vec<Audited> = inputs
        .par_iter()
        .map(|(path, named)| match read_manifest(path, root) {
            Ok(source) => audit_manifest(
                ManifestSource {
                    source,
                    named: *named,
                    rendered: None,
                },
                checks,
            ),
            Err(error) => Audited {
                errors: vec![error],
                ..Audited::default()
            },
        })
        .collect();
    add_manifests(results, report);
}

/// Checks manifest texts already in memory (rendered charts and
/// kustomizations).
pub fn run_manifest_sources(
    sources: Vec<ManifestSource>,
    checks: ManifestChecks,
    report: &mut RunReport,
) {
    let results: Vec<Audited> = sources
        .into_par_iter()
        .map(|source| audit_manifest(source, checks))
        .collect();
    add_manifests(results, report);
}

fn read_manifest(path: &Path, root: &Path) -> Result<Arc<SourceFile>, LocatedError> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| LocatedError::in_file("(standard input)", format!("cannot read: {e}")))?;
        return Ok(crate::yaml::source_from_text("(standard input)", &text));
    }
    let shown = path.strip_prefix(root).unwrap_or(path);
    let display = shown.to_string_lossy().replace('\\', "/");
    crate::yaml::read_source(path.to_path_buf(), display, crate::k8s::MAX_FILE_BYTES)
}

/// Loads one manifest text, each document on its own, and checks its
/// workloads.
fn audit_manifest(input: ManifestSource, checks: ManifestChecks) -> Audited {
    use crate::finding::{Finding, Place, Subject};
    let ManifestSource {
        source,
        named,
        rendered,
    } = input;
    if !named && !crate::k8s::looks_like_manifest(&source.text) {
        return Audited::default();
    }
    let loaded = crate::k8s::load(&source);
    let mut audited = Audited {
        workloads: loaded.workloads.len(),
        notes: loaded.warnings,
        errors: loaded.errors,
        ..Audited::default()
    };
    // A template named on the command line is an input error; one found
    // by a walk is listed as not audited, and the run goes on.
    if named {
        audited.errors.extend(loaded.templates);
    } else {
        audited.not_audited.extend(loaded.templates);
    }
    for workload in &loaded.workloads {
        let subject = Subject::K8sWorkload {
            kind: workload.kind.clone(),
            name: workload.name.clone(),
            namespace: workload.namespace.clone(),
        };
        audited
            .containers
            .extend(crate::policy::join::containers_of(workload, &subject));
        let findings = &mut audited.findings;
        let evaluated = match checks.level {
            Some(level) => crate::k8s::pss::evaluate(workload, level),
            None => crate::k8s::pss::evaluate_all(workload),
        };
        for v in evaluated {
            findings.push(Finding::new(
                v.rule,
                v.severity,
                subject.clone(),
                &v.node,
                v.route,
                v.message,
            ));
        }
        if checks.level.is_none() {
            crate::k8s::rules::workload_checks::check(workload, &subject, checks.params, findings);
        }
        let (ignored, reason) = workload.ignored_rules();
        if checks.honour_ignores && !ignored.is_empty() {
            for id in &ignored {
                if checks.registry.find(id).is_none() {
                    let hint = checks
                        .registry
                        .suggest(id)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    audited.notes.push(format!(
                        "{}: {}: drydock.io/ignore names no rule `{id}`{hint}",
                        source.display,
                        workload.label()
                    ));
                }
            }
            if reason.is_none() {
                audited.notes.push(format!(
                    "{}: {}: drydock.io/ignore without a drydock.io/ignore-reason",
                    source.display,
                    workload.label()
                ));
            }
            let before = findings.len();
            findings.retain(|f| !(f.subject == subject && ignored.iter().any(|id| *id == f.rule)));
            audited.suppressed += before - findings.len();
        }
    }
    if let Some(note) = rendered {
        for finding in &mut audited.findings {
            finding.message.push_str(&format!(" ({note})"));
            if let Place::Config(location) = &mut finding.location {
                location.note = Some(note.clone());
            }
        }
    }
    audited.source = Some(source);
    audited
}

/// Adds what auditing manifests left to the report.
fn add_manifests(results: Vec<Audited>, report: &mut RunReport) {
    for audited in results {
        report.errors.extend(audited.errors);
        report.not_audited.extend(audited.not_audited);
        report.warnings.extend(audited.notes);
        let Some(source) = audited.source else {
            continue;
        };
        report.services.extend(audited.containers);
        report.ignored += audited.suppressed;
        if audited.suppressed > 0 {
            report.warnings.push(format!(
                "{}: {} finding(s) suppressed by drydock.io/ignore annotations",
                source.display, audited.suppressed
            ));
        }
        report.workloads += audited.workloads;
        report.files += 1;
        report.sources.insert(source.display.clone(), source);
        report.findings.extend(audited.findings);
    }
    sort_findings(report);
}

/// Renders the Helm charts and kustomizations `scan` found and audits
/// their output. A chart without `helm` on `PATH`, or whose rendering
/// fails, is listed as not audited (with how to audit it); a
/// kustomization without `kustomize` or `kubectl` has the files its
/// `resources` list audited as plain manifests, with a warning.
pub fn run_rendered(
    found: &Found,
    root: &Path,
    boundary: &crate::boundary::Boundary,
    helm_values: &[PathBuf],
    checks: ManifestChecks,
    report: &mut RunReport,
) {
    use crate::k8s::render::{self, Rendered};
    let shown = |p: &Path| {
        let s = p
            .strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        if s.is_empty() { ".".to_string() } else { s }
    };
    let mut sources = Vec::new();
    let mut plain = Vec::new();
    for chart in &found.charts {
        let dir = shown(chart);
        if let Some(why) = render::unsafe_to_render(chart, boundary) {
            report.not_audited.push(LocatedError::in_file(
                &dir,
                format!("Helm chart not rendered: {why}"),
            ));
            continue;
        }
        match render::helm(chart, &dir, helm_values) {
            Rendered::Output(out) => sources.extend(out.into_iter().map(|source| ManifestSource {
                source,
                named: false,
                rendered: Some(
                    "rendered by `helm template`: the line is in this template's rendered output"
                        .to_string(),
                ),
            })),
            Rendered::NoTool => report.not_audited.push(LocatedError::in_file(
                &dir,
                format!("Helm chart not rendered: `helm` is not on PATH; to audit it: helm template {dir} | drydock k8s -"),
            )),
            Rendered::Failed(message) => {
                report.warnings.push(format!("{dir}: helm template failed: {message}"));
                report.not_audited.push(LocatedError::in_file(
                    &dir,
                    "Helm chart not audited: `helm template` failed (see the warning)",
                ));
            }
        }
    }
    for file in &found.kustomizations {
        let dir = file.parent().unwrap_or(Path::new("."));
        let display = shown(file);
        if let Some(why) = render::unsafe_to_render(dir, boundary) {
            report.not_audited.push(LocatedError::in_file(
                &display,
                format!("kustomization not rendered: {why}"),
            ));
            continue;
        }
        match render::kustomize(dir, &display) {
            Rendered::Output(out) => sources.extend(out.into_iter().map(|source| ManifestSource {
                source,
                named: false,
                rendered: Some(
                    "rendered by `kustomize build`: the line is in the kustomization's rendered output"
                        .to_string(),
                ),
            })),
            Rendered::NoTool => {
                report.warnings.push(format!(
                    "{display}: kustomization not rendered (neither `kustomize` nor `kubectl` is on PATH): the files its `resources` list are audited as plain manifests, without its patches; to audit the result: kubectl kustomize {} | drydock k8s -",
                    shown(dir)
                ));
                match plain_resources(file, &display, dir) {
                    Ok(files) => plain.extend(files),
                    Err(error) => report.errors.push(error),
                }
            }
            Rendered::Failed(message) => {
                // Its resources are still manifests: audited as they are,
                // without the patches a build would apply.
                report.warnings.push(format!(
                    "{display}: kustomize build failed: {message}; the files its `resources` list are audited as plain manifests, without its patches"
                ));
                report.not_audited.push(LocatedError::in_file(
                    &display,
                    "kustomization not rendered: its build failed (see the warning); its resources were audited as plain manifests",
                ));
                match plain_resources(file, &display, dir) {
                    Ok(files) => plain.extend(files),
                    Err(error) => report.errors.push(error),
                }
            }
        }
    }
    plain.sort();
    plain.dedup();
    run_manifests(&plain, root, checks, report);
    run_manifest_sources(sources, checks, report);
}

/// The manifest files a kustomization's `resources` list that are there,
/// to audit as they are when the kustomization cannot be rendered.
fn plain_resources(
    file: &Path,
    display: &str,
    dir: &Path,
) -> Result<Vec<(PathBuf, bool)>, LocatedError> {
    let source = crate::yaml::read_source(
        file.to_path_buf(),
        display.to_string(),
        crate::k8s::MAX_FILE_BYTES,
    )?;
    Ok(crate::k8s::render::kustomization_resources(dir, &source)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p, false))
        .collect())
}

/// The process environment, for interpolation.
pub fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}
