//! Rendering Helm charts (`helm template`) and kustomizations
//! (`kustomize build`, or `kubectl kustomize`) found in a scanned tree, so
//! their output is audited as the manifests a cluster would receive. The
//! tools are found on `PATH` and run without a shell; nothing here decides
//! what a missing tool means for the report (the caller says it).
//!
//! Where a finding in rendered output points: the output of `helm
//! template` names each document's template (`# Source: CHART/templates/
//! x.yaml`), so the documents of one template become one source named by
//! the template's path (relative to the scan root), and a finding's line is
//! a line of that template's *rendered* output. The template file is what
//! a reviewer opens and what policy exceptions and SARIF viewers match on;
//! its own lines cannot be recovered from the output (`{{- if }}` blocks,
//! `include`s), so every such finding says its line is from the rendered
//! output. `kustomize build` names no sources: its output is named by the
//! kustomization file, with the same note.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::yaml::SourceFile;

/// The file names that make a directory a kustomization.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// What rendering a chart or kustomization gave.
pub enum Rendered {
    /// The output, split into sources named as the module docs say.
    Output(Vec<Arc<SourceFile>>),
    /// No tool to render it is on `PATH`.
    NoTool,
    /// The tool failed: its first line on standard error.
    Failed(String),
}

/// Why a chart or kustomization directory must not be handed to its
/// renderer, if it must not: a symlink in it that leads out of the audit
/// boundary (`helm` follows symlinks, so the rendered output, and the
/// findings quoting it, could carry a host file), or, for a
/// kustomization, a remote resource (`kustomize build` would fetch it:
/// a scan reaches no network unless asked).
pub fn unsafe_to_render(dir: &Path, boundary: &crate::boundary::Boundary) -> Option<String> {
    use crate::boundary::Resolved;
    let mut pending = vec![(dir.to_path_buf(), 0usize)];
    let mut seen = 0usize;
    while let Some((current, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_RENDER_ENTRIES {
                return Some(format!(
                    "it holds more than {MAX_RENDER_ENTRIES} files and directories"
                ));
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                if let Resolved::Refused(why) = boundary.resolve(&path) {
                    let shown = path
                        .strip_prefix(dir)
                        .unwrap_or(&path)
                        .display()
                        .to_string();
                    return Some(format!("its symlink `{shown}` {}", why.describe()));
                }
            } else if kind.is_dir() && depth < 32 {
                pending.push((path, depth + 1));
            } else if KUSTOMIZATION_FILES
                .iter()
                .any(|name| entry.file_name() == *name)
                && let Some(remote) = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|text| remote_resource(&text))
            {
                let shown = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                return Some(format!(
                    "`{shown}` names a remote resource (`{remote}`), which rendering would fetch"
                ));
            }
        }
    }
    None
}

/// Entries of a chart or kustomization directory looked at before
/// rendering it; a larger one is not rendered.
const MAX_RENDER_ENTRIES: usize = 20_000;

/// The first list item of a kustomization that names a remote location
/// (a URL, `github.com/…`, `git@…`).
fn remote_resource(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix("- "))
        .map(|item| item.trim().trim_matches(['"', '\'']))
        .find(|item| {
            item.contains("://")
                || item.starts_with("git@")
                || item.starts_with("git::")
                || ["github.com/", "gitlab.com/", "bitbucket.org/"]
                    .iter()
                    .any(|host| item.starts_with(host))
        })
        .map(str::to_string)
}

/// An executable named `name` in a directory of `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Renders the chart in `dir` (shown as `shown`, relative to the scan
/// root) with `helm template drydock DIR`, its default values and `-f`
/// for each of `values`.
pub fn helm(dir: &Path, shown: &str, values: &[PathBuf]) -> Rendered {
    let Some(helm) = on_path("helm") else {
        return Rendered::NoTool;
    };
    let mut command = Command::new(helm);
    command.arg("template").arg("drydock").arg(dir);
    for file in values {
        command.arg("-f").arg(file);
    }
    match run(command) {
        Ok(text) => Rendered::Output(split_helm_output(&text, dir, shown)),
        Err(message) => Rendered::Failed(message),
    }
}

/// Renders the kustomization in `dir` with `kustomize build`, else
/// `kubectl kustomize`; `file` is its kustomization file's display path.
pub fn kustomize(dir: &Path, file: &str) -> Rendered {
    let mut command = if let Some(kustomize) = on_path("kustomize") {
        let mut c = Command::new(kustomize);
        c.arg("build");
        c
    } else if let Some(kubectl) = on_path("kubectl") {
        let mut c = Command::new(kubectl);
        c.arg("kustomize");
        c
    } else {
        return Rendered::NoTool;
    };
    command.arg(dir);
    match run(command) {
        Ok(text) => Rendered::Output(vec![Arc::new(SourceFile {
            path: dir.join(Path::new(file).file_name().unwrap_or_default()),
            display: file.to_string(),
            text,
        })]),
        Err(message) => Rendered::Failed(message),
    }
}

/// Runs a renderer and returns its standard output, or its first line on
/// standard error.
fn run(mut command: Command) -> Result<String, String> {
    let output = command
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("{} ({})", failure_line(&stderr), output.status));
    }
    String::from_utf8(output.stdout).map_err(|_| "its output is not UTF-8".to_string())
}

/// The line of a renderer's standard error that says why it failed: its
/// `Error:` line (helm and kustomize print deprecation warnings first),
/// else its last line that is not a warning.
fn failure_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with("Error:") || l.starts_with("error:"))
        .or_else(|| {
            lines.iter().rev().find(|l| {
                !l.to_ascii_lowercase()
                    .trim_start_matches('#')
                    .trim()
                    .starts_with("warning")
            })
        })
        .or_else(|| lines.last())
        .map_or_else(|| "no message".to_string(), |l| l.to_string())
}

/// Splits `helm template` output into one source per template: the
/// documents whose `# Source: CHART/rest` comment names the same template,
/// in order, named `shown/rest`. Documents without a source comment are
/// named by the chart's `Chart.yaml`.
pub fn split_helm_output(text: &str, dir: &Path, shown: &str) -> Vec<Arc<SourceFile>> {
    let mut order: Vec<String> = Vec::new();
    let mut texts: std::collections::HashMap<String, String> = Default::default();
    let join = |rest: &str| {
        if shown.is_empty() || shown == "." {
            rest.to_string()
        } else {
            format!("{}/{rest}", shown.trim_end_matches('/'))
        }
    };
    for part in documents(text) {
        let source = part
            .lines()
            .find_map(|l| l.strip_prefix("# Source: "))
            .map(|s| s.trim())
            .and_then(|s| s.split_once('/'))
            .map(|(_chart, rest)| join(rest))
            .unwrap_or_else(|| join("Chart.yaml"));
        if !texts.contains_key(&source) {
            order.push(source.clone());
        }
        let buffer = texts.entry(source).or_default();
        if !buffer.is_empty() && !part.starts_with("---") {
            buffer.push_str("---\n");
        }
        buffer.push_str(part);
    }
    order
        .into_iter()
        .map(|display| {
            let text = texts.remove(&display).unwrap_or_default();
            let relative = display
                .strip_prefix(shown.trim_end_matches('/'))
                .unwrap_or(&display)
                .trim_start_matches('/');
            Arc::new(SourceFile {
                path: dir.join(relative),
                display,
                text,
            })
        })
        .collect()
}

/// The parts of a stream, each starting at a `---` line at column 0.
fn documents(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > start && (line == "---\n" || line.starts_with("--- ") || line == "---") {
            parts.push(&text[start..offset]);
            start = offset;
        }
        offset += line.len();
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
        .into_iter()
        .filter(|p| p.lines().any(|l| !l.trim().is_empty() && l.trim() != "---"))
        .collect()
}

/// The files a kustomization lists under `resources` (and the older
/// `bases`) that are files, for auditing them as plain manifests when it
/// cannot be rendered. Directories and URLs are left out: a directory is a
/// kustomization of its own.
pub fn kustomization_resources(dir: &Path, file: &Arc<SourceFile>) -> Vec<PathBuf> {
    let Ok(documents) = crate::yaml::parse_documents(file, crate::yaml::Limits::default()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for document in &documents {
        for key in ["resources", "bases"] {
            for item in document.get(key).and_then(|n| n.as_seq()).unwrap_or(&[]) {
                if let Some(name) = item.as_str().filter(|n| !n.contains("://")) {
                    let path = dir.join(name);
                    if path.is_file() {
                        out.push(path);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_output_is_split_by_template_and_named_under_the_chart() {
        let text = "---\n# Source: app/templates/a.yaml\nkind: A\n---\n# Source: app/charts/db/templates/b.yaml\nkind: B\n---\n# Source: app/templates/a.yaml\nkind: A2\n";
        let sources = split_helm_output(text, Path::new("/r/charts/app"), "charts/app");
        let names: Vec<&str> = sources.iter().map(|s| s.display.as_str()).collect();
        assert_eq!(
            names,
            [
                "charts/app/templates/a.yaml",
                "charts/app/charts/db/templates/b.yaml"
            ]
        );
        assert_eq!(sources[0].text.matches("---\n").count(), 2);
        assert!(sources[0].text.contains("kind: A2"));
        assert_eq!(
            sources[1].path,
            Path::new("/r/charts/app/charts/db/templates/b.yaml")
        );
    }
}
