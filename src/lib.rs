//! drydock audits what a container will be before it runs.
//!
//! The data flow, in the order a run goes through it (CONTRIBUTING.md
//! draws it):
//!
//! 1. **Settings** ([`cli`], [`settings`]): clap parses the command line;
//!    each command ([`commands`]) settles its [`settings::Settings`] once:
//!    the audit root, the policy and its parameters, the rule
//!    [`rule::Registry`] (built in, [`rules`], and the policy's), the gate
//!    and the report format.
//! 2. **Scan** ([`scan`]): inputs are discovered and read by the scanners,
//!    [`compose`], [`k8s`] and [`image`], all through the audit
//!    [`boundary`] (and, for what a repository commits, its ignore rules,
//!    [`gitignore`]) and the span-aware [`yaml`] layer; their rules turn
//!    what was read into [`finding::Finding`]s with exact locations. The
//!    result is one [`scan::Scanned`] value. Knowledge every format shares
//!    (capabilities, host paths, credentials, image references) lives
//!    below the scanners, in [`hazards`] and [`params`].
//! 3. **Policy** ([`policy::evaluate`]): annotations, the join of images
//!    with the services that run them and the compound rules, redaction
//!    of the machine's credentials, rule settings and exceptions, ignore
//!    comments and the baseline, in that order, give the
//!    [`policy::Verdict`].
//! 4. **Report** ([`report`]): human, JSON or SARIF from the verdict, and
//!    the gate: exit 0 when no finding reaches `--fail-on`, 1 when one
//!    does, 2 when an input could not be read (the other inputs are still
//!    reported).
//!
//! [`fuzzing`] holds one function per fuzz target (`fuzz/`), for the
//! fuzzers and the tests that replay their inputs.
//!
//! Arrows run one way: scanners never import `scan`, `policy` or
//! `report`; the policy never imports `report`.

// Only `commands/output.rs` writes to the terminal; everything else
// returns values or writes to the `Write` it is given.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(unreachable_pub)]

pub mod boundary;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod compose;
pub mod dockerfile;
pub mod error;
pub mod finding;
pub mod fuzzing;
pub mod gitignore;
pub mod hazards;
pub mod image;
pub mod k8s;
pub mod params;
pub mod policy;
pub mod report;
pub mod rule;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod suggest;
pub mod text;
pub mod yaml;

pub use commands::run;
