//! Dockerfiles: named, found by `scan`'s walk (`Dockerfile`,
//! `Containerfile`, `*.Dockerfile`, `Dockerfile.*`), or linked from a
//! Compose service's `build:` (checked with its `target` and `args`),
//! each read, parsed and checked by the Dockerfile rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::boundary::OpenError;
use crate::compose::build::{Context, DockerfileSource};
use crate::compose::{Loader, Project};
use crate::error::InputError;
use crate::finding::{Finding, Location};
use crate::params::Params;
use crate::scan::runs::{ImageRun, Prediction, predicted_run};
use crate::text::SourceFile;

use super::scanned::Scanned;

/// Largest Dockerfile read.
const MAX_DOCKERFILE_BYTES: u64 = 16 << 20;

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`,
/// `Dockerfile.<variant>`, `<variant>.Dockerfile` (not the
/// `Dockerfile.dockerignore` beside one).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    matches!(lower.as_str(), "dockerfile" | "containerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// A Dockerfile read and checked: its text (for snippets) and findings.
pub(super) type Checked = (Arc<SourceFile>, Vec<Finding>);

/// What the builds of a project's services gave: the Dockerfiles checked
/// (with each service's `target` and `args`), the files they are (so a
/// scan does not check them again on their own), the errors, and the
/// builds that could not be audited (a remote context).
#[derive(Default)]
pub(super) struct Linked {
    pub checked: Vec<Checked>,
    /// The images the Dockerfiles predict, for the join.
    pub predicted: Vec<ImageRun>,
    pub files: Vec<PathBuf>,
    pub errors: Vec<InputError>,
    pub not_audited: Vec<InputError>,
}

/// Reads and checks the Dockerfile of each service that builds its image,
/// through the audit boundary, as that service builds it: its `target`
/// stage is the image and its `args` override the `ARG` defaults.
pub(super) fn check_builds(project: &Project, loader: &Loader, params: &Params) -> Linked {
    let mut linked = Linked::default();
    for build in crate::compose::build::builds(project) {
        let at_line = |at: &Location, message: String| InputError {
            line: Some(at.line),
            column: Some(at.column),
            ..InputError::in_file(at.path.clone(), message)
        };
        let context = match &build.context {
            Context::Remote(url) => {
                linked.not_audited.push(at_line(
                    &build.at,
                    format!(
                        "service `{}` builds from the remote context `{url}`, which drydock does not fetch: its Dockerfile is not audited",
                        build.service
                    ),
                ));
                continue;
            }
            Context::Local(dir) => project.dir.join(dir),
        };
        let path = match &build.dockerfile {
            DockerfileSource::Path(file) => crate::compose::paths::clean_path(&context.join(file)),
            DockerfileSource::Inline {
                file: Some((file, span)),
            } => {
                let source = inline_source(file, *span);
                let result = crate::dockerfile::parse(source.clone()).map(|dockerfile| {
                    let args: HashMap<String, String> = build.args.iter().cloned().collect();
                    let findings = crate::dockerfile::rules::check(
                        &dockerfile,
                        build.target.as_deref(),
                        &args,
                        params,
                    );
                    let stages = crate::dockerfile::stages::Build::new(&dockerfile, &args);
                    linked.predicted.extend(predict(
                        &stages,
                        build.target.as_deref(),
                        &file.display,
                        &build.image,
                    ));
                    (source, findings)
                });
                match result {
                    Ok(checked) => linked.checked.push(checked),
                    Err(error) => linked.errors.push(error),
                }
                continue;
            }
            DockerfileSource::Inline { file: None } => {
                linked.not_audited.push(at_line(
                    &build.dockerfile_at,
                    format!(
                        "service `{}` builds from a `dockerfile_inline` that is not a literal block (`|`), which drydock does not audit",
                        build.service
                    ),
                ));
                continue;
            }
        };
        let display = loader.display(&path);
        let source = match loader.boundary.open(&path) {
            Ok((file, size)) => crate::yaml::read_opened(
                file,
                size,
                path.clone(),
                display.clone(),
                MAX_DOCKERFILE_BYTES,
            ),
            // `docker compose config` accepts it (only the build fails):
            // not audited, no error.
            Err(OpenError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                linked.not_audited.push(at_line(
                    &build.dockerfile_at,
                    format!(
                        "service `{}` builds from `{display}`, which does not exist: nothing to audit",
                        build.service
                    ),
                ));
                continue;
            }
            // Outside the audit root: the Compose rules report it
            // (`file-outside-repository`).
            Err(OpenError::Refused(_)) => continue,
            Err(e) => Err(at_line(
                &build.dockerfile_at,
                format!("the Dockerfile `{display}`: {e}"),
            )),
        };
        let result = source.and_then(|source| {
            let dockerfile = crate::dockerfile::parse(source.clone())?;
            let args: HashMap<String, String> = build.args.iter().cloned().collect();
            let stages = crate::dockerfile::stages::Build::new(&dockerfile, &args);
            let image_stage = stages.runtime_stage(build.target.as_deref());
            if let (None, Some(target), Some(target_at)) = (image_stage, &build.target, &build.target_at) {
                // Accepted by `docker compose config`; the build fails.
                linked.not_audited.push(at_line(
                    target_at,
                    format!(
                        "build target `{target}` is not a stage of `{display}`: the file is audited for its last stage, and the image of service `{}` is not predicted",
                        build.service
                    ),
                ));
                let findings = crate::dockerfile::rules::check(&dockerfile, None, &args, params);
                return Ok((source, findings));
            }
            let findings = crate::dockerfile::rules::check(&dockerfile, build.target.as_deref(), &args, params);
            linked.predicted.extend(predict(
                &stages,
                build.target.as_deref(),
                &display,
                &build.image,
            ));
            Ok((source, findings))
        });
        match result {
            Ok(checked) => {
                linked.files.push(absolute(&path));
                linked.checked.push(checked);
            }
            Err(error) => linked.errors.push(error),
        }
    }
    linked
}

/// The image a Dockerfile's `target` stage predicts, named `image` for the
/// join, its findings those of `display` in the stages it is made of.
fn predict(
    stages: &crate::dockerfile::stages::Build,
    target: Option<&str>,
    display: &str,
    image: &str,
) -> Option<ImageRun> {
    let image_stage = stages.runtime_stage(target)?;
    let prediction = Prediction {
        dockerfile: display.to_string(),
        stages: stages
            .chain(image_stage.index)
            .iter()
            .map(|s| s.label())
            .collect(),
    };
    let user = stages.runtime_user(image_stage.index).effective();
    Some(predicted_run(image, prediction, user))
}

/// The Dockerfile of a `dockerfile_inline` literal block, as a source
/// named like the Compose file that holds it, with the same bytes at the
/// same offsets: everything outside the block's content is blanked
/// (line breaks kept), so every position is the Compose file's.
fn inline_source(file: &Arc<SourceFile>, span: crate::text::Span) -> Arc<SourceFile> {
    let text = &file.text;
    let blanked: String = text
        .char_indices()
        .map(|(i, c)| {
            if c == '\n' || (span.start..span.end).contains(&i) {
                c
            } else {
                ' '
            }
        })
        .collect();
    Arc::new(SourceFile {
        path: file.path.clone(),
        display: file.display.clone(),
        text: blanked,
    })
}

/// A path made absolute and clean, to compare the Dockerfiles a walk found
/// with those services build from.
pub(super) fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    crate::compose::paths::clean_path(&path)
}

/// Reads, parses and checks Dockerfiles. Inputs are named relative to
/// `root` when inside it.
/// `target` names the stage that is the image (default: the last).
pub fn run_dockerfiles(
    inputs: &[PathBuf],
    root: &Path,
    target: Option<&str>,
    params: &Params,
    scanned: &mut Scanned,
) {
    // A Dockerfile a service builds from was checked as that service
    // builds it.
    let inputs: Vec<&PathBuf> = inputs
        .iter()
        .filter(|p| {
            scanned.built_dockerfiles.is_empty()
                || !scanned.built_dockerfiles.contains(&absolute(p))
        })
        .collect();
    let results: Vec<Result<Checked, InputError>> = inputs
        .par_iter()
        .map(|path| {
            let shown = path.strip_prefix(root).unwrap_or(path);
            let display = shown.to_string_lossy().replace('\\', "/");
            let source =
                crate::yaml::read_source(path.to_path_buf(), display, MAX_DOCKERFILE_BYTES)?;
            let dockerfile = crate::dockerfile::parse(source.clone())?;
            let findings =
                crate::dockerfile::rules::check(&dockerfile, target, &HashMap::new(), params);
            Ok((source, findings))
        })
        .collect();
    for result in results {
        match result {
            Ok((source, findings)) => {
                scanned.coverage.files += 1;
                scanned.add_dockerfile(source, findings);
            }
            Err(error) => scanned.coverage.errors.push(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn knows_dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "web.containerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        assert!(!is_dockerfile_name("Dockerfile.dockerignore"));
        assert!(!is_dockerfile_name("dockerfiles"));
    }
}
