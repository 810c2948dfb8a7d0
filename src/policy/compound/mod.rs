//! Compound rules: which findings, joined on one service (or container)
//! and the image it runs, add up to a new finding. The built-in ones
//! (`rules/`, each with its docs and its declaration) and a policy's own
//! (`compound-rules:`) are written the same way and evaluated by the same
//! code:
//!
//! ```yaml
//! when:                          # every condition must hold
//!   - image: exec-capable-netcat # the image has a finding of this rule
//!     note: an exec-capable netcat
//!   - user: root                 # the effective user: root | non-root
//!   - any:                       # at least one of these
//!       - service: writable-root-filesystem
//!         note: a writable root filesystem
//!       - service: no-new-privileges
//!         note: no-new-privileges unset
//! message: "{service} runs image `{image}` as {user} with {parts}"
//! fix: remove netcat from the image
//! ```
//!
//! `image:` and `service:` conditions may also take `severity: S`, the
//! lowest severity of the finding that counts. The parts that held (those
//! with a `note`) become `{parts}` in the message and the related
//! locations of the compound finding, in the order they are written.
//!
//! `rule.rs` holds the rule and its evaluation, `parse.rs` the
//! declarations, `pair.rs` what a rule looks at.

mod pair;
mod parse;
mod rule;

pub use pair::Pair;
pub use parse::{BUILTIN_DECLARATIONS, builtin, declaration_of, parse_declared};
pub use rule::{CompoundRule, Condition};
