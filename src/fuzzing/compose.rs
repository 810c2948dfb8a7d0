//! The Compose targets: a whole project on disk, and interpolation alone.

use std::path::Path;

use super::harness::{Scratch, judge, parts};
use crate::boundary::Boundary;
use crate::compose::interpolate::{self, Env, Required};
use crate::compose::{Loader, ProjectSpec};
use crate::scan::Scanned;
use crate::yaml::{Limits, parse_documents, source_from_text};

/// The files of a fuzzed project, in the order of their parts. The
/// seeds name them: `include: [included.yaml]`, `extends: {file:
/// base.yaml}`, `env_file: app.env`, a secret `file: secret.txt`, and
/// `build: .`.
pub const PROJECT_FILES: [&str; 8] = [
    "compose.yaml",
    "compose.override.yaml",
    ".env",
    "included.yaml",
    "base.yaml",
    "app.env",
    "secret.txt",
    "Dockerfile",
];

/// `compose_project`: the NUL-separated parts are written to
/// [`PROJECT_FILES`] in a scratch directory (an empty part writes no
/// file), and the project is audited as `drydock compose` audits the
/// directory (discovery, `.env`, `include`, `extends`, the Dockerfile a
/// service builds, secret files), judged and reported; its model is also
/// printed as `drydock compose config` prints it.
pub fn compose_project(data: &[u8]) {
    let Ok(scratch) = Scratch::new("compose") else {
        return;
    };
    for (name, bytes) in PROJECT_FILES.iter().zip(parts(data, PROJECT_FILES.len())) {
        if !bytes.is_empty() && scratch.write(name, bytes).is_err() {
            return;
        }
    }
    audit_project(&scratch.dir);
}

fn audit_project(dir: &Path) {
    let boundary = Boundary::new(&[dir.to_path_buf()], false);
    let loader = Loader::new(dir.to_path_buf(), Env::new(), boundary);
    let spec = ProjectSpec {
        project_dir: Some(dir.to_path_buf()),
        ..ProjectSpec::default()
    };
    if let Ok(project) = loader.load(&spec) {
        let json = crate::compose::config_json::to_json(&project);
        let _ = serde_json::to_string_pretty(&json);
    }
    let params = crate::params::Params::default();
    let mut scanned = Scanned::default();
    crate::scan::run(&loader, &[spec], &params, &mut scanned);
    judge(scanned, None, dir);
}

/// `interpolation`: the first part is a template, the second an env
/// file whose variables it sees. The template is expanded on its own
/// and, read as YAML, as a Compose file's values are (required variables
/// left unset both ways: an error, and a warning).
pub fn interpolation(data: &[u8]) {
    let [template, env_text] = parts(data, 2)[..] else {
        return;
    };
    let (Ok(template), Ok(env_text)) =
        (std::str::from_utf8(template), std::str::from_utf8(env_text))
    else {
        return;
    };
    let env =
        crate::compose::env::parse_env_text(env_text, ".env", &Env::new()).unwrap_or_default();
    let _ = interpolate::expand(template, &env);
    let _ = interpolate::has_variables(template);
    let _ = interpolate::written_defaults(template);
    let source = source_from_text("compose.yaml", template);
    if let Ok(documents) = parse_documents(&source, Limits::default()) {
        for required in [Required::Error, Required::Warn] {
            for mut document in documents.iter().cloned() {
                let _ = interpolate::interpolate_tree(&mut document, &env, required);
            }
        }
    }
}
