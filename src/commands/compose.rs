//! `drydock compose`: one Compose project named as `docker compose` names
//! it (`-f`, `--project-directory`, `--env-file`, `--profile`), audited, or
//! printed merged (`config`) as Docker Compose prints it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{ComposeAction, ComposeArgs, ProjectArgs};
use crate::compose::{Loader, ProjectSpec};
use crate::error::InputError;
use crate::settings::Settings;

use super::output::{self, EXIT_ERROR};

pub(super) fn run(args: ComposeArgs) -> ExitCode {
    match args.action {
        Some(ComposeAction::Config { project }) => config(&args.project.then(project)),
        None => {
            let (loader, spec) = project_job(&args.project);
            let mut settings = Settings::new(&args.report, &loader.root);
            let mut scanned = super::audit::scanned(&mut settings);
            crate::scan::run(&loader, &[spec], &settings.params, &mut scanned);
            super::audit::report(scanned, &settings)
        }
    }
}

/// The loader and the project the command line names.
fn project_job(args: &ProjectArgs) -> (Loader, ProjectSpec) {
    let spec = ProjectSpec {
        project_dir: args.project_directory.clone(),
        files: args.files.clone(),
        env_files: args.env_files.clone(),
        profiles: args.profiles.clone(),
        listing: None,
        fragment: false,
    };
    let root = args
        .project_directory
        .clone()
        .or_else(|| {
            args.files
                .first()
                .and_then(|f| f.parent())
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."));
    // The files the user named are theirs to name, wherever they are.
    let mut roots = vec![crate::boundary::default_root(&root)];
    roots.extend(
        args.files
            .iter()
            .chain(&args.env_files)
            .map(|f| crate::boundary::default_root(&super::audit::directory_of(f))),
    );
    let boundary = super::audit::audit_boundary(&args.boundary, roots);
    let loader = Loader::new(root, super::audit::process_env(&args.boundary), boundary);
    (loader, spec)
}

/// `drydock compose config`: the merged model as JSON, or Compose's errors.
fn config(args: &ProjectArgs) -> ExitCode {
    let (loader, spec) = project_job(args);
    let redactor = super::audit::process_redactor();
    match loader.load(&spec) {
        Ok(project) if !project.invalid.is_empty() || !project.legacy_format.is_empty() => {
            // Docker Compose prints no model for a project it would not run
            // (nor for the version 1 format, which the audit still reads).
            let legacy = project.legacy_format.iter().map(|file| {
                InputError::at(
                    &file.pos,
                    "the Compose version 1 format (services at the top level): \
                     Docker Compose v2 refuses it",
                )
            });
            for mut error in project.invalid.into_iter().chain(legacy) {
                redactor.redact(&mut error.message);
                output::error(error);
            }
            ExitCode::from(EXIT_ERROR)
        }
        Ok(project) => {
            // The merged model is printed as Docker Compose prints it; what
            // goes to the log around it hides the machine's credentials.
            for warning in &project.warnings {
                let mut warning = warning.clone();
                redactor.redact(&mut warning);
                output::warning(warning);
            }
            let json = crate::compose::config_json::to_json(&project);
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            output::stdout(&format!("{text}\n"))
        }
        Err(mut error) => {
            redactor.redact(&mut error.message);
            output::error(error);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
