//! Dockerfiles: the parser (`parse`, BuildKit's syntax) and what it reads
//! ([`syntax`]: directives, instructions, flags, arguments, heredocs, each
//! with the bytes of the file it was written in).

pub mod parse;
pub mod shell;
pub mod stages;
pub mod syntax;

pub use parse::{parse, text_of};
pub use syntax::{Args, Dockerfile, Instruction, Text, Word};
