//! `drydock scan`: every Compose project, manifest, chart and
//! kustomization under the paths, and the images their services run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{ImageSource, ScanArgs};
use crate::compose::Loader;
use crate::error::InputError;
use crate::image::engine::Engine;
use crate::scan::{self, ManifestChecks, Scanned, Sources};
use crate::settings::Settings;

pub(super) fn run(args: &ScanArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut settings = Settings::new(&args.report, &super::audit::root_of(&paths));
    let mut scanned = super::audit::scanned(&mut settings);
    let roots: Vec<PathBuf> = paths
        .iter()
        .map(|p| crate::boundary::default_root(&super::audit::directory_of(p)))
        .collect();
    let boundary = super::audit::audit_boundary(&args.boundary, roots);
    let loader = Loader::new(
        settings.root.clone(),
        super::audit::process_env(&args.boundary),
        boundary,
    );
    let mut found = scan::discover(&paths);
    scanned.coverage.errors.append(&mut found.errors);
    scan::run(&loader, &found.projects, &settings.params, &mut scanned);
    scan::run_dockerfiles(
        &found.dockerfiles,
        &loader.root,
        None,
        &settings.params,
        &mut scanned,
    );
    let checks = ManifestChecks {
        level: settings.pod_security(),
        params: &settings.params,
    };
    scan::run_manifests(&found.manifests, &loader.root, checks, &mut scanned);
    scan::run_rendered(
        &found,
        &loader.root,
        &loader.boundary,
        &args.helm_values,
        checks,
        &mut scanned,
    );
    scan_images(args, &loader.root, &settings, &mut scanned);
    super::audit::report(scanned, &settings)
}

/// Reads the images of `scan` (`--images`) for the join with the services
/// that run them.
fn scan_images(args: &ScanArgs, root: &Path, settings: &Settings, scanned: &mut Scanned) {
    let params = &settings.params;
    match &args.images {
        Some(ImageSource::None) => return,
        Some(ImageSource::Dir(dir)) => match scan::image_inputs(dir) {
            Ok(inputs) => scan::run_images(
                &inputs,
                root,
                &crate::image::Options::default(),
                params,
                scanned,
            ),
            Err(error) => scanned.coverage.errors.push(error),
        },
        Some(ImageSource::References { .. }) | None if scanned.services.is_empty() => return,
        Some(ImageSource::References { engine, registry }) => {
            let connected = match engine.then(|| Engine::connect(args.host.as_deref())) {
                None => None,
                Some(Ok(engine)) => Some(engine),
                Some(Err(message)) if *registry => {
                    scanned.coverage.warnings.push(format!(
                        "engine: {message}; the images were read from their registries"
                    ));
                    None
                }
                Some(Err(message)) => {
                    scanned.coverage.errors.push(InputError::engine(message));
                    return;
                }
            };
            let settings = args.registry.settings();
            let sources = Sources {
                engine: connected.as_ref(),
                registry: registry.then_some(&settings),
            };
            scan::run_service_images(sources, params, scanned);
        }
        None => match Engine::connect(args.host.as_deref()) {
            Ok(engine) => {
                let sources = Sources {
                    engine: Some(&engine),
                    registry: None,
                };
                scan::run_service_images(sources, params, scanned);
            }
            Err(message) => {
                scanned.coverage.images_not_scanned = Some(message);
                return;
            }
        },
    }
    scanned.joined = true;
}
