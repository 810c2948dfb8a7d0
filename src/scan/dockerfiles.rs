//! Dockerfiles: named, or found by `scan`'s walk (`Dockerfile`,
//! `Containerfile`, `*.Dockerfile`, `Dockerfile.*`), each read, parsed and
//! checked by the Dockerfile rules in parallel.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::InputError;
use crate::finding::Finding;
use crate::params::Params;
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
type Checked = (Arc<SourceFile>, Vec<Finding>);

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
    let results: Vec<Result<Checked, InputError>> = inputs
        .par_iter()
        .map(|path| {
            let shown = path.strip_prefix(root).unwrap_or(path);
            let display = shown.to_string_lossy().replace('\\', "/");
            let source = crate::yaml::read_source(path.clone(), display, MAX_DOCKERFILE_BYTES)?;
            let dockerfile = crate::dockerfile::parse(source.clone())?;
            let findings = crate::dockerfile::rules::check(&dockerfile, target, params);
            Ok((source, findings))
        })
        .collect();
    for result in results {
        match result {
            Ok((source, findings)) => {
                scanned.coverage.files += 1;
                scanned.coverage.dockerfiles += 1;
                scanned
                    .coverage
                    .sources
                    .insert(source.display.clone(), source);
                scanned.findings.extend(findings);
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
