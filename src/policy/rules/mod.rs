//! Rules the policy evaluator reports: compound rules over a service and
//! the image it runs (`join.rs` pairs them), and rules about drydock's own
//! inputs (ignore comments).

use crate::rule::RuleMeta;

pub mod expired_exception;
pub mod remote_shell_toolkit;
pub mod setuid_escalation_path;
pub mod unused_ignore;
pub mod writable_binaries_at_runtime;

/// The policy evaluator's rules.
pub static ALL: &[&RuleMeta] = &[
    &expired_exception::META,
    &remote_shell_toolkit::META,
    &setuid_escalation_path::META,
    &unused_ignore::META,
    &writable_binaries_at_runtime::META,
];
