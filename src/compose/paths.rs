//! Path arithmetic for a Compose project, done on the text of the paths
//! without touching the file system: cleaning (`a/../b` → `b`), making a
//! directory absolute, expressing one path from another directory, and
//! rebasing a service's relative host paths (bind sources, `env_file`, the
//! build context) from the directory they were written against to another.
//!
//! Rebasing is shared by `include` (an included project's paths) and
//! `extends` (an extended file's paths). Nothing here opens a file or asks
//! the audit boundary; that is the loader's job ([`super::load`]).

use std::path::{Component, Path, PathBuf};

use crate::yaml::{Node, Value};

/// Removes `.` and `dir/..` from a path without touching the file system,
/// so reports name `b/compose.yaml`, not `a/../b/compose.yaml`.
pub fn clean_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    Some(Component::RootDir) => {}
                    _ => out.push(".."),
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A directory as written, the empty path (the parent of `compose.yaml`)
/// being the current directory.
pub fn or_current(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// A path made absolute against the current directory and cleaned,
/// without touching the file system.
pub fn absolute_dir(path: &Path) -> Option<PathBuf> {
    std::path::absolute(or_current(path))
        .ok()
        .map(|p| clean_path(&p))
}

/// A build context that is not a local directory (a Git or HTTP URL).
pub(super) fn is_remote_context(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

/// Rewrites the relative host paths of one service (bind sources,
/// `env_file`, the build context), written against `from`, so that they
/// name the same files from `to`. Paths stay relative when they can, so
/// findings never show the machine's absolute paths; `~` and absolute
/// paths are left alone.
pub(super) fn rebase_service_paths(service: &mut Node, from: &Path, to: &Path) {
    if from == to {
        return;
    }
    if let Some(Value::Seq(items)) = service.get_mut("volumes").map(|v| &mut v.value) {
        for item in items {
            match &mut item.value {
                Value::Scalar(s) => {
                    if let Some((source, rest)) = s.text.split_once(':')
                        && source.starts_with('.')
                    {
                        let mut source = source.to_string();
                        rebase_text(&mut source, from, to);
                        s.text = format!("{source}:{rest}");
                    }
                }
                Value::Map(_) => {
                    let bind = item.get("type").and_then(Node::as_str) == Some("bind");
                    if let Some(Value::Scalar(s)) = item.get_mut("source").map(|n| &mut n.value)
                        && (bind || s.text.starts_with('.'))
                    {
                        rebase_text(&mut s.text, from, to);
                    }
                }
                _ => {}
            }
        }
    }
    match service.get_mut("env_file").map(|e| &mut e.value) {
        Some(Value::Scalar(s)) => rebase_text(&mut s.text, from, to),
        Some(Value::Seq(items)) => {
            for item in items {
                let text = match &mut item.value {
                    Value::Scalar(s) => Some(&mut s.text),
                    Value::Map(_) => match item.get_mut("path").map(|p| &mut p.value) {
                        Some(Value::Scalar(s)) => Some(&mut s.text),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(text) = text {
                    rebase_text(text, from, to);
                }
            }
        }
        _ => {}
    }
    let context = match service.get_mut("build") {
        Some(build) if matches!(build.value, Value::Map(_)) => build.get_mut("context"),
        other => other,
    };
    if let Some(Value::Scalar(s)) = context.map(|c| &mut c.value)
        && !is_remote_context(&s.text)
    {
        rebase_text(&mut s.text, from, to);
    }
}

/// One relative host path written against `from`, rewritten against `to`.
pub(super) fn rebase_text(text: &mut String, from: &Path, to: &Path) {
    if text.is_empty() || text.starts_with('~') || Path::new(text.as_str()).is_absolute() {
        return;
    }
    let target = clean_path(&from.join(text.as_str()));
    let rebased = relative_to(&target, to).unwrap_or(target);
    // A bind source must start with `.` or `/` to be a path, not a
    // volume name.
    *text = if rebased.is_absolute() || rebased.starts_with("..") || rebased.starts_with(".") {
        rebased.to_string_lossy().into_owned()
    } else {
        format!("./{}", rebased.to_string_lossy())
    };
}

/// `target` as a path from `base` (`./x`, `../x`, `.`), `None` when one of
/// them cannot be made absolute.
fn relative_to(target: &Path, base: &Path) -> Option<PathBuf> {
    let target = absolute_dir(target)?;
    let base = absolute_dir(base)?;
    let t: Vec<Component> = target.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    if common == b.len() {
        out.push(".");
    }
    for _ in common..b.len() {
        out.push("..");
    }
    for part in &t[common..] {
        out.push(part.as_os_str());
    }
    Some(out)
}
