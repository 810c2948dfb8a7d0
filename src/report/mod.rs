//! Reports: human (snippets, colour on a terminal, a summary line), JSON (a
//! versioned wire format) and SARIF 2.1.0, each rendering a run's
//! [`crate::policy::Verdict`]. The one place that decides what a format
//! prints; rules, scanners and the policy never print.

mod gitlab;
mod html;
mod human;
mod json;
mod json_stream;
mod junit;
mod markup;
mod sarif;
mod snippet;

pub use gitlab::{code_quality as gitlab_codequality, sast as gitlab_sast};
pub use html::render as html;
pub use human::{render as human, summary};
pub use json::render as json;
pub use junit::render as junit;
pub use sarif::render as sarif;
