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

mod discover;
mod images;
mod manifests;
mod projects;
pub mod runs;

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::Finding;
use crate::yaml::{LocatedError, SourceFile};

pub use discover::{Found, discover, manifest_inputs};
pub use images::{Reading, image_inputs, run_engine, run_images, run_service_images};
pub use manifests::{
    ManifestChecks, ManifestSource, run_manifest_sources, run_manifests, run_rendered,
};
pub use projects::run;

/// Everything the scanners found in one run, before the policy decides
/// what it adds up to ([`crate::policy::evaluate`]).
#[derive(Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    /// Inputs that could not be read; each makes the run exit 2.
    pub errors: Vec<LocatedError>,
    pub warnings: Vec<String>,
    /// Inputs deliberately left unread, each with why and how to audit it
    /// (an unrendered template, a Helm chart without `helm` on PATH).
    pub not_audited: Vec<LocatedError>,
    /// Compose projects audited.
    pub projects: usize,
    /// Images audited.
    pub images: usize,
    /// Kubernetes workloads audited.
    pub workloads: usize,
    /// Files read.
    pub files: usize,
    /// Compose services and containers that name an image, and the images
    /// read, for the join.
    pub services: Vec<runs::ServiceRun>,
    pub image_runs: Vec<runs::ImageRun>,
    /// For each image read (by image id), the other digests that name it
    /// (manifest, index, repo digests), for exceptions by digest.
    pub image_digests: HashMap<String, Vec<String>>,
    /// Why `scan` read no images for its services (no engine answered).
    pub images_not_scanned: Option<String>,
    /// `drydock.io/ignore` annotations of the workloads read, for the
    /// policy to apply.
    pub annotations: Vec<runs::IgnoreAnnotation>,
    /// Source texts by display path, for snippets.
    pub sources: HashMap<String, Arc<SourceFile>>,
    /// Whether images were read for the services, so the join runs.
    pub joined: bool,
}

/// The process environment, for interpolation.
pub fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}
