//! One function per fuzz target: what the target feeds and how. The
//! targets under `fuzz/` are one line each, calling these; the tests
//! replay every input committed under `fuzz/` through them
//! (`tests/drydock/fuzz_corpus.rs`), so a crash once found stays fixed
//! on a machine without a nightly toolchain.
//!
//! Each function takes the raw bytes libFuzzer gives and goes through the
//! same entry points a run does, as far as a run would (the rules, the
//! policy's verdict and the three report formats), reading nothing from
//! the machine but what it writes itself into a scratch directory (the
//! Compose loader and the seekable image reader open files). A function
//! returns normally for any input: a panic, an overflow, a hang or an
//! allocation past the fuzzer's limit is the bug it looks for. A few
//! properties are asserted besides (a secret hit holds no more of its
//! value than its preview; spans of a parsed file lie within its text;
//! the JSON and SARIF reports are JSON).
//!
//! Inputs made of several files are the files' bytes separated by NUL
//! bytes ([`parts`]), so seeds stay readable and a NUL inside a text file
//! is no loss (drydock's text readers refuse it or stop there). The image
//! archive target takes a selector byte first ([`image::image_archive`]).
//!
//! Nothing else in the crate uses this module.

mod compose;
mod dockerfile;
mod image;
mod manifests;
mod registry;
mod secrets;

pub use compose::{PROJECT_FILES, compose_project, interpolation};
pub use dockerfile::dockerfile;
pub use image::{image_archive, image_layer, package_databases};
pub use manifests::{k8s_manifests, policy, yaml};
pub use registry::registry_responses;
pub use secrets::secrets;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

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
fn judge(scanned: Scanned, policy: Option<&Policy>, root: &Path) {
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
        write_baseline: None,
        baseline: None,
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
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(what: &str) -> std::io::Result<Scratch> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("drydock-fuzz-{what}-{}-{n}", std::process::id()));
        // A directory left by a killed run of the same process id.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        // Canonical, as the boundary compares canonical paths.
        let dir = dir.canonicalize()?;
        Ok(Scratch { dir })
    }

    /// Writes `bytes` to `name` inside the directory.
    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn splits_parts_at_nul_bytes_and_pads_missing_ones() {
        assert_eq!(
            parts(b"a\0b\0c\0d", 3),
            vec![&b"a"[..], &b"b"[..], &b"c\0d"[..]]
        );
        assert_eq!(parts(b"a", 3), vec![&b"a"[..], &b""[..], &b""[..]]);
    }
}
