//! Discovery: what `drydock scan` and `drydock k8s` find under the paths
//! they are given.
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
//! (`manifests.rs`), and what could not be rendered is said.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::compose::ProjectSpec;
use crate::compose::load::{DEFAULT_FILES, OVERRIDE_FILES};
use crate::error::InputError;

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
pub(super) fn is_loose_compose_name(name: &str) -> bool {
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
    /// Dockerfiles, in path order.
    pub dockerfiles: Vec<PathBuf>,
    pub errors: Vec<InputError>,
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
            errors.push(InputError::in_file(
                path.to_string_lossy(),
                "no such file or directory",
            ));
            continue;
        }
        let mut walked = walk(path);
        errors.extend(std::mem::take(&mut walked.errors));
        let mut dockerfiles = std::mem::take(&mut walked.dockerfiles);
        dockerfiles.sort();
        found.dockerfiles.extend(dockerfiles);
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
    /// Dockerfiles.
    dockerfiles: Vec<PathBuf>,
    errors: Vec<InputError>,
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
                    let error = InputError::in_file(root.to_string_lossy(), e.to_string());
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
            } else if kind.is_file() && super::dockerfiles::is_dockerfile_name(&name) {
                lock(&found).dockerfiles.push(entry.path().to_path_buf());
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

/// The Dockerfiles under `paths` (`drydock dockerfile`): files named
/// directly are read as Dockerfiles whatever their name; directories are
/// walked for Dockerfile names.
pub fn dockerfile_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            inputs.push(path.clone());
        } else if path.is_dir() {
            let mut walked = walk(path);
            errors.append(&mut walked.errors);
            walked.dockerfiles.sort();
            inputs.append(&mut walked.dockerfiles);
        } else {
            errors.push(InputError::in_file(
                path.to_string_lossy(),
                "no such file or directory",
            ));
        }
    }
    (inputs, errors)
}

/// The candidate manifests under `paths` (`drydock k8s`): files named
/// directly (and `-`) are read as manifests; directories are walked for
/// YAML files, which are read only if they hold `apiVersion` and `kind`.
pub fn manifest_inputs(paths: &[PathBuf]) -> (Vec<(PathBuf, bool)>, Vec<InputError>) {
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
            errors.push(InputError::in_file(
                path.to_string_lossy(),
                "no such file or directory",
            ));
        }
    }
    inputs.sort();
    (inputs, errors)
}

/// A poisoned lock still holds usable data here (a panicking walker thread
/// cannot leave it half-written).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
