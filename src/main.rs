//! The `drydock` binary: parse arguments, run, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    drydock::run(drydock::cli::Cli::parse())
}
