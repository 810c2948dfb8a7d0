//! Kubernetes manifests, read and checked. What lives where:
//!
//! - `workload.rs`: reading manifests into [`Workload`]s (every document,
//!   `List` items, the pod spec of each workload kind).
//! - `pod.rs`: a workload's pod as checks see it, `PodCtx` and one
//!   `ContainerCtx` per init, regular and ephemeral container, with
//!   lookups that return a node and its key route together.
//! - `control.rs`: what a Pod Security control is (`Level`, `Control`,
//!   `Violation`).
//! - `pss/`: the Pod Security Standards controls, one file each, their
//!   table and their evaluation.
//! - `workload_checks.rs`: the checks beyond Pod Security (writable root
//!   filesystem, resource limits, images, credentials in `env`).
//! - `data_checks.rs`: credentials written into Secrets and ConfigMaps.
//! - `render.rs`: rendering Helm charts and kustomizations.
//!
//! Nothing here reads policies or writes reports.

pub mod control;
pub mod data_checks;
pub mod pod;
pub mod pss;
pub mod render;
pub mod workload;
pub mod workload_checks;

pub use workload::{
    Loaded, MAX_FILE_BYTES, TEMPLATE_MESSAGE, Workload, load, looks_like_manifest,
    looks_like_template,
};
