//! `drydock dockerfile`: Dockerfiles, named or found under directories.

use std::process::ExitCode;

use crate::cli::DockerfileArgs;
use crate::scan;
use crate::settings::Settings;

pub(super) fn run(args: &DockerfileArgs) -> ExitCode {
    let root = super::audit::root_of(&args.paths);
    let mut settings = Settings::new(&args.report, &root);
    let mut scanned = super::audit::scanned(&mut settings);
    let (inputs, errors) = scan::dockerfile_inputs(&args.paths);
    scanned.coverage.errors.extend(errors);
    scan::run_dockerfiles(
        &inputs,
        &root,
        args.target.as_deref(),
        &settings.params,
        &mut scanned,
    );
    super::audit::report(scanned, &settings)
}
