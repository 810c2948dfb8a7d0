//! `drydock k8s`: Kubernetes manifests, named or found under directories.

use std::process::ExitCode;

use crate::cli::K8sArgs;
use crate::scan::{self, ManifestChecks};
use crate::settings::Settings;

pub(super) fn run(args: &K8sArgs) -> ExitCode {
    let root = super::audit::root_of(&args.paths);
    let mut settings = Settings::new(&args.report, &root);
    let mut scanned = super::audit::scanned(&mut settings);
    let (inputs, errors) = scan::manifest_inputs(&args.paths);
    scanned.coverage.errors.extend(errors);
    let checks = ManifestChecks {
        level: settings.pod_security(),
        params: &settings.params,
    };
    scan::run_manifests(&inputs, &root, checks, &mut scanned);
    super::audit::report(scanned, &settings)
}
