//! The steps every audit command shares: the input boundary and the
//! process environment, an empty [`Scanned`] value, and the end of a run
//! (the policy's verdict, written in the chosen format).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::Format;
use crate::hazards::credentials::Redactor;
use crate::policy::{self, Evaluation, Verdict};
use crate::scan::Scanned;
use crate::settings::Settings;

use super::output::{self, EXIT_ERROR};

/// A run's scanned value, holding the policy's problems as input errors.
pub(super) fn scanned(settings: &mut Settings) -> Scanned {
    let mut scanned = Scanned::default();
    scanned.coverage.errors = std::mem::take(&mut settings.errors);
    scanned.coverage.started = unix_now();
    scanned
}

/// The clock, in Unix seconds.
pub(super) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Judges what was scanned, writes the report where asked and returns the
/// exit code.
pub(super) fn report(scanned: Scanned, settings: &Settings) -> ExitCode {
    let redactor = process_redactor();
    let how = Evaluation {
        registry: &settings.registry,
        policy: settings.policy.as_ref(),
        fail_on: settings.fail_on,
        root: &settings.root,
        today: policy::exceptions::Date::today(),
        honour_ignores: settings.honour_ignores,
        redactor: &redactor,
        write_baseline: settings.write_baseline.as_deref(),
        baseline: settings.baseline.as_deref(),
    };
    let finished = unix_now();
    let verdict = match policy::evaluate(scanned, &how) {
        Ok(mut verdict) => {
            verdict.coverage.finished = finished;
            verdict
        }
        Err(message) => {
            output::error(message);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let code = emit(&verdict, settings);
    free_in_background(verdict);
    code
}

/// Frees a verdict on a thread of its own. A large run holds a million
/// small allocations (findings, routes, messages, source texts), and
/// freeing them one by one is a tenth of the run; the process exits while
/// they are freed, and a caller that goes on gets the memory back all the
/// same. Nothing is leaked.
fn free_in_background(verdict: Verdict) {
    let spawned = std::thread::Builder::new()
        .name("drop-verdict".into())
        .spawn(move || drop(verdict));
    // When no thread can be started, `spawn` drops the closure, and the
    // verdict with it, before it returns.
    drop(spawned);
}

/// Writes the verdict in the chosen format and returns its exit code.
fn emit(verdict: &Verdict, settings: &Settings) -> ExitCode {
    let render = |format: Format, colour: bool, out: &mut dyn std::io::Write| match format {
        // Quiet: nothing on a pass; else the inputs that could not be read
        // (each names its file) and the summary line.
        Format::Human if settings.quiet => match verdict.exit_code() {
            0 => Ok(()),
            _ => {
                for error in &verdict.coverage.errors {
                    writeln!(out, "error: {error}")?;
                }
                writeln!(out, "{}", crate::report::summary(verdict))
            }
        },
        Format::Human => crate::report::human(verdict, colour, out),
        Format::Json => crate::report::json(verdict, out),
        Format::Sarif => crate::report::sarif(verdict, out),
        Format::Html => crate::report::html(verdict, out),
        Format::Junit => crate::report::junit(verdict, out),
        Format::GitlabCodequality => crate::report::gitlab_codequality(verdict, out),
        Format::GitlabSast => crate::report::gitlab_sast(verdict, out),
    };
    let mut written = output::document(settings.output.as_deref(), |out| {
        render(settings.format, settings.colour, out)
    });
    // Every report is attempted; one that cannot be written fails the run.
    for (format, path) in &settings.reports {
        written &= output::document(Some(path), |out| render(*format, false, out));
    }
    if !written {
        return ExitCode::from(EXIT_ERROR);
    }
    if settings.output.is_some() {
        // The verdict still reaches the terminal, unless asked not to.
        if !settings.quiet {
            output::note(crate::report::summary(verdict));
        }
        for error in &verdict.coverage.errors {
            output::error(error);
        }
    }
    ExitCode::from(verdict.exit_code())
}

/// The directory a path given on the command line stands for: itself, or
/// the directory of a file.
pub(super) fn directory_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The audit boundary: `--root`, else the roots of the directories the
/// user gave (see [`crate::boundary::default_root`]).
pub(super) fn audit_boundary(
    args: &crate::cli::BoundaryArgs,
    default_roots: Vec<PathBuf>,
) -> crate::boundary::Boundary {
    let roots = match &args.root {
        Some(root) => vec![root.clone()],
        None => default_roots,
    };
    crate::boundary::Boundary::new(&roots, args.allow_outside_root)
}

/// Hides the values of the process environment's credentials.
pub(super) fn process_redactor() -> Redactor {
    Redactor::new(process_variables())
}

/// The variables interpolation takes from the process: all of them, as
/// Docker Compose does, or none (`--env-from-process=false`).
pub(super) fn process_env(args: &crate::cli::BoundaryArgs) -> crate::compose::interpolate::Env {
    if args.env_from_process {
        process_variables()
    } else {
        crate::compose::interpolate::Env::new()
    }
}

/// The directory a command that takes paths is rooted at: the one
/// directory given, else the current one.
pub(super) fn root_of(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    }
}

/// The process environment, as text: for interpolation and redaction.
pub(super) fn process_variables() -> std::collections::HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}
