//! Kubernetes manifests, read and checked. What lives where:
//!
//! - `workload.rs`: reading manifests into [`Workload`]s (every document,
//!   `List` items, the pod spec of each workload kind).
//! - `pss.rs`: the Pod Security Standards controls.
//! - `rules/`: the Kubernetes-only rules and the checks beyond Pod
//!   Security.
//! - `render.rs`: rendering Helm charts and kustomizations.
//!
//! Nothing here reads policies or writes reports.

pub mod pss;
pub mod render;
pub mod rules;
pub mod workload;

pub use workload::{
    Loaded, MAX_FILE_BYTES, TEMPLATE_MESSAGE, Workload, load, looks_like_manifest,
    looks_like_template,
};
