//! Kubernetes manifests, read and checked. What lives where:
//!
//! - `workload.rs`: reading manifests into [`Workload`]s (every document,
//!   `List` items, the pod spec of each workload kind).
//! - `pod.rs`: a workload's pod as checks see it, `PodCtx` and one
//!   `ContainerCtx` per init, regular and ephemeral container, with
//!   lookups that return a node and its key route together.
//! - `pss.rs`: the Pod Security Standards controls.
//! - `rules/`: the Kubernetes-only rules and the checks beyond Pod
//!   Security.
//! - `render.rs`: rendering Helm charts and kustomizations.
//!
//! Nothing here reads policies or writes reports.

pub mod pod;
pub mod pss;
pub mod render;
pub mod rules;
pub mod workload;

pub use workload::{
    Loaded, MAX_FILE_BYTES, TEMPLATE_MESSAGE, Workload, load, looks_like_manifest,
    looks_like_template,
};
