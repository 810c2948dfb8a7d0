//! Docker Compose: the project loader (discovery, `.env`, interpolation,
//! overrides, `extends`, `include`, anchors and merge keys, profiles), the
//! typed views the rules read, the `compose config` JSON, and the rules.

pub mod build;
pub mod config_json;
pub mod env;
mod env_files;
mod extends;
mod include;
pub mod interpolate;
pub mod keys;
pub mod legacy;
pub mod load;
pub mod merge;
pub mod model;
pub mod paths;
mod references;
pub mod rules;
pub mod secret_files;
pub mod validate;

pub use load::{Loader, Project, ProjectSpec};
