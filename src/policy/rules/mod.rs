//! Rules the policy evaluator itself reports (about the policy's own
//! inputs, not about a container).

use crate::rules::RuleMeta;

pub mod unused_ignore;

/// The policy evaluator's rules.
pub static ALL: &[&RuleMeta] = &[&unused_ignore::META];
