//! One short function per command: each turns its arguments into
//! [`crate::settings::Settings`] and inputs, runs the scanners into a
//! [`crate::scan::Scanned`] value, and
//! hands it to `audit::report`, which asks the policy for the verdict and
//! writes it. Nothing below this module prints or exits.

mod audit;
mod compose;
mod dockerfile;
mod image;
mod k8s;
mod listing;
mod output;
mod scan;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Compose(args) => compose::run(args),
        Command::Image(args) => image::run_image(&args),
        Command::Images(args) => image::run_images(&args),
        Command::K8s(args) => k8s::run(&args),
        Command::Dockerfile(args) => dockerfile::run(&args),
        Command::Rules(args) => listing::rules(args.format),
        Command::Policy(args) => match args.action {
            crate::cli::PolicyAction::Check { file } => listing::check_policy(&file),
        },
        Command::Explain { rule } => listing::explain(&rule),
        Command::Completions { shell } => listing::completions(shell),
        Command::Man => listing::man(),
    }
}
