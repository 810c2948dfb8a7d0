//! Knowledge about hazards that every format shares (Compose, Kubernetes,
//! images), kept below the scanners so none of them borrows it from
//! another's rule files.

pub mod capabilities;
pub mod credentials;
pub mod host_paths;
pub mod image_ref;
pub mod secrets;
pub mod users;
