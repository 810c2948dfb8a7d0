//! What every fuzz function shares: splitting the input into files,
//! judging what was scanned as a run does, and a scratch directory of its
//! own for the loaders that open files.

use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};

use crate::hazards::credentials::Redactor;
use crate::policy::{Evaluation, Policy};
use crate::scan::Scanned;

/// The first `n` NUL-separated parts of `data`; missing parts are empty,
/// and the last part keeps any further NUL bytes.
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |b| *b == 0).collect();
    out.resize(n, &[]);
    out
}

/// Judges what was scanned as a run does (no policy unless given, the
/// built-in rules and the policy's) and renders every report format,
/// checking that the JSON and SARIF reports parse.
pub(super) fn judge(scanned: Scanned, policy: Option<&Policy>, root: &Path) {
    judge_against(scanned, policy, root, None);
}

/// [`judge`], with `--baseline BASELINE --write-baseline OUT` when a
/// baseline `(BASELINE, OUT)` is given.
pub(super) fn judge_against(
    scanned: Scanned,
    policy: Option<&Policy>,
    root: &Path,
    baseline: Option<(&Path, &Path)>,
) {
    let mut registry = crate::rules::registry();
    for rule in policy.iter().flat_map(|p| &p.compound) {
        registry.declare(rule.info.clone());
    }
    let redactor = Redactor::new(std::iter::empty());
    let how = Evaluation {
        registry: &registry,
        policy,
        fail_on: crate::finding::Severity::High,
        root,
        today: crate::policy::exceptions::Date {
            year: 2026,
            month: 6,
            day: 1,
        },
        honour_ignores: true,
        redactor: &redactor,
        write_baseline: baseline.map(|(_, out)| out),
        baseline: baseline.map(|(read, _)| read),
    };
    let Ok(verdict) = crate::policy::evaluate(scanned, &how) else {
        return;
    };
    let mut human = Vec::new();
    let _ = crate::report::human(&verdict, true, &mut human);
    let _ = crate::report::summary(&verdict);
    for render in [crate::report::json, crate::report::sarif] {
        let mut out = Vec::new();
        if render(&verdict, &mut out).is_ok() {
            let parsed = serde_json::from_slice::<serde_json::Value>(&out);
            assert!(parsed.is_ok(), "a report is not JSON: {parsed:?}");
        }
    }
}

/// A directory of its own under the system's temporary directory,
/// removed when dropped: each call gets a new one, so tests replaying
/// inputs in parallel do not share files.
pub(super) struct Scratch {
    pub(super) dir: PathBuf,
}

impl Scratch {
    /// A new directory with a random name (from the standard library's
    /// randomly keyed hasher, so no counter is shared between threads),
    /// created by this call and no other.
    pub(super) fn new(what: &str) -> std::io::Result<Scratch> {
        let base = std::env::temp_dir();
        let mut attempt = 0u32;
        let dir = loop {
            let random = RandomState::new().hash_one(attempt);
            let dir = base.join(format!("drydock-fuzz-{what}-{random:016x}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => break dir,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        };
        // Canonical, as the boundary compares canonical paths (and removed
        // if that fails).
        let mut scratch = Scratch { dir };
        scratch.dir = scratch.dir.canonicalize()?;
        Ok(scratch)
    }

    /// Writes `bytes` to `name` inside the directory.
    pub(super) fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes)?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
