//! The scan stage, for every audit command (`scan`, `compose`, `k8s`,
//! `image`, `images`): what to read, read by the scanners, into one
//! [`Scanned`] value for the policy.
//!
//! - `discover.rs`: the inputs under the given paths (Compose projects and
//!   their variants and fragments, candidate manifests, charts,
//!   kustomizations), guessing only where a guess cannot become an error.
//! - `projects.rs`: Compose projects, loaded and checked in parallel; a
//!   finding reached through several projects is reported once.
//! - `manifests.rs`: Kubernetes manifests, files and rendered output.
//! - `images.rs`: images from archives, OCI layouts, an engine and
//!   registries; `export_groups.rs`: which engine images are exported
//!   together (those that share layers).
//! - `runs.rs`: who runs which image, for the policy's join.
//! - `scanned.rs`: the [`Scanned`] value and its [`Coverage`].

mod discover;
mod dockerfiles;
mod export_groups;
mod images;
mod manifests;
mod projects;
pub mod runs;
mod scanned;

pub use discover::{Found, discover, dockerfile_inputs, manifest_inputs};
pub use dockerfiles::{is_dockerfile_name, run_dockerfiles};
pub use images::{
    Missing, Reading, Sources, image_inputs, run_images, run_references, run_service_images,
};
pub use manifests::{
    ManifestChecks, ManifestSource, run_manifest_sources, run_manifests, run_rendered,
};
pub use projects::run;
pub use scanned::{Coverage, ImageOverview, ImageSource, LayerOverview, Scanned};
