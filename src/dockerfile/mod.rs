//! Dockerfiles, in the order the work flows: the parser ([`parse`],
//! BuildKit's syntax) and what it reads ([`syntax`]: directives,
//! instructions, flags, arguments, heredocs, each with the bytes of the
//! file it was written in); the build it describes ([`stages`]: which
//! stages make the image, its user, `ARG`/`ENV` substitution); what the
//! shell commands of `RUN` do ([`shell`], [`options`], [`packages`],
//! [`permissions`], [`downloads`], [`verification`]);
//! and the rules ([`rules`]).

pub mod downloads;
pub mod options;
pub mod packages;
pub mod parse;
pub mod permissions;
pub mod rules;
pub mod shell;
pub mod stages;
pub mod syntax;
pub mod verification;

pub use parse::parse;
pub use syntax::{Args, Dockerfile, Instruction, Text, Word};
