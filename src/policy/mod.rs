//! The policy evaluator, between the scanners and the report:
//! [`evaluate`] turns what the scanners found into the run's [`Verdict`]
//! (`evaluate.rs` gives the order). `join` pairs Compose services and
//! Kubernetes containers with the images they run and `compound` adds the
//! findings of the compound rules (built in, `rules/`, or declared by the
//! policy), `exceptions` applies a policy's rule settings and exceptions,
//! `ignore` applies ignore comments and annotations, and `baseline` holds
//! the accepted findings of an earlier run.
//! `load` reads policies (presets and `.drydock.yaml`); `verdict` is
//! what the reports render.

pub mod baseline;
pub mod compound;
mod evaluate;
pub mod exceptions;
pub mod ignore;
pub mod join;
mod keys;
mod load;
pub mod rules;
mod verdict;

pub use evaluate::{Evaluation, evaluate};
pub use load::{
    PRESETS, Policy, REPOSITORY_FILE, load, load_file, load_repository_policy, parse, preset,
};
pub use verdict::{RunEdge, Verdict};
