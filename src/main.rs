//! The `drydock` binary: parse arguments, run, exit.

use clap::Parser;

fn main() {
    let cli = drydock::cli::Cli::parse();
    std::process::exit(drydock::run(cli));
}

// Loading thousands of small files is allocation-heavy; mimalloc is
// measurably faster than the system allocator here (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
