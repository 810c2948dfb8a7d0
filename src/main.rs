//! The `drydock` binary: parse arguments, run, exit.

use clap::Parser;

fn main() {
    let cli = drydock::cli::Cli::parse();
    std::process::exit(drydock::run(cli));
}
