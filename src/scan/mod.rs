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
mod scanned;

pub use discover::{Found, discover, manifest_inputs};
pub use images::{Reading, image_inputs, run_engine, run_images, run_service_images};
pub use manifests::{
    ManifestChecks, ManifestSource, run_manifest_sources, run_manifests, run_rendered,
};
pub use projects::run;
pub use scanned::{Coverage, Scanned};
