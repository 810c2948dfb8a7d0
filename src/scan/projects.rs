//! Compose projects: each loaded and checked in parallel, its model
//! dropped as soon as its rules have run; what it leaves (findings, the
//! services that name an image, its files for snippets) goes into the
//! [`Scanned`] value.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::compose::{Loader, ProjectSpec, rules};
use crate::error::InputError;
use crate::finding::{Finding, Place};
use crate::params::Params;
use crate::yaml::SourceFile;

use super::discover::is_loose_compose_name;
use super::runs::{ServiceRun, services_of};
use super::scanned::Scanned;

/// What a checked project leaves behind: its model is dropped as soon as
/// the rules have run, so memory does not grow with the number of projects.
struct Checked {
    findings: Vec<Finding>,
    services: Vec<ServiceRun>,
    files: Vec<Arc<SourceFile>>,
    warnings: Vec<String>,
    /// Why Docker Compose would refuse the project, audited all the same.
    errors: Vec<InputError>,
    /// The note that the project is a fragment, audited on its own.
    fragment: Option<InputError>,
    /// The Dockerfiles its services build from, checked.
    linked: super::dockerfiles::Linked,
}

/// Loads and checks every project in parallel.
pub fn run(loader: &Loader, specs: &[ProjectSpec], params: &Params, scanned: &mut Scanned) {
    let results: Vec<Result<Checked, InputError>> = specs
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
                InputError::in_file(loader.display(file), why)
            });
            let findings = rules::check(&project, params);
            let linked = super::dockerfiles::check_builds(&project, loader, params);
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
                linked,
                findings,
                errors: std::mem::take(&mut project.invalid),
                services: services_of(&project),
                files: project.files,
                warnings: project.warnings,
            })
        })
        .collect();
    for result in results {
        match result {
            Ok(checked) => {
                scanned.coverage.projects += 1;
                scanned.coverage.warnings.extend(checked.warnings);
                scanned.coverage.errors.extend(checked.errors);
                scanned.coverage.not_audited.extend(checked.fragment);
                for file in checked.files {
                    if !scanned.coverage.sources.contains_key(&file.display) {
                        scanned.coverage.sources.insert(file.display.clone(), file);
                    }
                }
                scanned.findings.extend(checked.findings);
                scanned.services.extend(checked.services);
                let linked = checked.linked;
                scanned.coverage.errors.extend(linked.errors);
                scanned.coverage.not_audited.extend(linked.not_audited);
                for (source, findings) in linked.checked {
                    scanned.add_dockerfile(source, findings);
                }
                scanned.built_dockerfiles.extend(linked.files);
                scanned.image_runs.extend(linked.predicted);
            }
            Err(error) => scanned.coverage.errors.push(error),
        }
    }
    scanned.coverage.files = scanned.coverage.sources.len();
    // A finding reached through several projects (an included file, a base
    // file under its variants) is reported once.
    scanned
        .findings
        .par_sort_unstable_by(crate::finding::report_order);
    scanned
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    scanned.coverage.warnings.sort();
    scanned.coverage.warnings.dedup();
    scanned
        .coverage
        .errors
        .sort_by(|a, b| (&a.origin, a.line, &a.message).cmp(&(&b.origin, b.line, &b.message)));
    scanned
        .coverage
        .errors
        .dedup_by(|a, b| a.to_string() == b.to_string());
}
