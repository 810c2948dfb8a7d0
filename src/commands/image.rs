//! `drydock image` (archives, OCI layouts, references in an engine or a
//! registry) and `drydock images` (every image of an engine that matches).

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{FromSource, ImageArgs, ImagesArgs};
use crate::error::InputError;
use crate::image::engine::{Engine, NO_ENGINE};
use crate::scan::{self, Missing, Reading, Scanned, Sources};
use crate::settings::Settings;

use super::output::{self, EXIT_ERROR};

pub(super) fn run_image(args: &ImageArgs) -> ExitCode {
    let Some(options) = image_options(args.platform.as_deref(), !args.report.no_progress) else {
        return ExitCode::from(EXIT_ERROR);
    };
    let root = Path::new(".");
    let mut settings = Settings::new(&args.report, root);
    let mut scanned = super::audit::scanned(&mut settings);
    scan::run_images(&args.input, root, &options, &settings.params, &mut scanned);
    if !args.references.is_empty() {
        read_references(args, &options, &settings, &mut scanned);
    }
    super::audit::report(scanned, &settings)
}

/// Reads `image REF…`: from the engine when one answers and holds the
/// image, else from the registry; `--from` keeps to one of them, and
/// `--host` to the engine it names.
fn read_references(
    args: &ImageArgs,
    options: &crate::image::Options,
    settings: &Settings,
    scanned: &mut Scanned,
) {
    // `--host` names an engine: the references are read from it alone.
    let from = args
        .from
        .or(args.host.is_some().then_some(FromSource::Engine));
    let engine = match from {
        Some(FromSource::Registry) => None,
        Some(FromSource::Engine) => match Engine::connect(args.host.as_deref()) {
            Ok(engine) => Some(engine),
            Err(message) => {
                scanned.coverage.errors.push(InputError::engine(message));
                return;
            }
        },
        None => match Engine::connect(args.host.as_deref()) {
            Ok(engine) => Some(engine),
            // No engine here: the registry is the place, silently.
            Err(message) if message.starts_with(NO_ENGINE) => None,
            Err(message) => {
                scanned.coverage.warnings.push(format!(
                    "engine: {message}; the images were read from their registries"
                ));
                None
            }
        },
    };
    let registry = args.registry.settings();
    let sources = Sources {
        engine: engine.as_ref(),
        registry: (from != Some(FromSource::Engine)).then_some(&registry),
    };
    let reading = Reading::new(2, options, &settings.params);
    scan::run_references(&args.references, sources, &reading, Missing::Error, scanned);
}

pub(super) fn run_images(args: &ImagesArgs) -> ExitCode {
    let Some(options) = image_options(args.platform.as_deref(), !args.report.no_progress) else {
        return ExitCode::from(EXIT_ERROR);
    };
    let mut settings = Settings::new(&args.report, Path::new("."));
    let mut scanned = super::audit::scanned(&mut settings);
    let engine = Engine::connect(args.host.as_deref());
    match engine.and_then(|e| e.list(&args.patterns).map(|refs| (e, refs))) {
        Ok((engine, refs)) => {
            let reading = Reading::new(args.concurrency.max(1), &options, &settings.params);
            let sources = Sources {
                engine: Some(&engine),
                registry: None,
            };
            scan::run_references(&refs, sources, &reading, Missing::Error, &mut scanned)
        }
        Err(message) => scanned.coverage.errors.push(InputError::engine(message)),
    }
    super::audit::report(scanned, &settings)
}

/// Image-reading options from the command line; `None` after printing a
/// usage error.
fn image_options(platform: Option<&str>, progress: bool) -> Option<crate::image::Options> {
    let platform = match platform.map(crate::image::source::parse_platform) {
        Some(Err(e)) => {
            output::error(format_args!("--platform: {e}"));
            return None;
        }
        Some(Ok(p)) => Some(p),
        None => None,
    };
    Some(crate::image::Options {
        platform,
        progress: progress.then(progress_bar).flatten(),
        ..crate::image::Options::default()
    })
}

/// A progress bar on standard error for image reading, when standard
/// error is a terminal.
fn progress_bar() -> Option<crate::image::Progress> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::hidden();
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} reading layers {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
    )
    .ok()?;
    bar.set_style(style);
    Some(std::sync::Arc::new(move |event| match event {
        crate::image::ProgressEvent::Start { bytes } => {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.reset();
            bar.set_length(bytes);
        }
        crate::image::ProgressEvent::Read(n) => bar.inc(n),
        crate::image::ProgressEvent::Done => bar.finish_and_clear(),
    }))
}
