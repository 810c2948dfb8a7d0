//! Replays the fuzz targets' inputs through the functions the targets
//! call (`drydock::fuzzing`), in the test process: every input committed
//! under `fuzz/regressions/<target>/` (each once made a target crash),
//! and, with `DRYDOCK_FUZZ_CORPUS=1`, the local corpus under
//! `fuzz/corpus/<target>/` (made by `fuzz/seeds.sh` and grown by
//! fuzzing; not committed). A panic is a failed test naming the input.

use std::path::{Path, PathBuf};

use crate::support::run::ROOT;

/// What a target is fed with.
type Target = fn(&[u8]);

/// Every target, by its directory name under `fuzz/`.
const TARGETS: [(&str, Target); 11] = [
    ("image_layer", drydock::fuzzing::image_layer),
    ("image_archive", drydock::fuzzing::image_archive),
    ("package_databases", drydock::fuzzing::package_databases),
    ("compose_project", drydock::fuzzing::compose_project),
    ("interpolation", drydock::fuzzing::interpolation),
    ("k8s_manifests", drydock::fuzzing::k8s_manifests),
    ("policy", drydock::fuzzing::policy),
    ("yaml", drydock::fuzzing::yaml),
    ("dockerfile", drydock::fuzzing::dockerfile),
    ("secrets", drydock::fuzzing::secrets),
    ("registry_responses", drydock::fuzzing::registry_responses),
];

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.is_file());
    found.sort();
    found
}

/// Feeds each input of `fuzz/<kind>/<target>/` to its target; returns
/// how many were fed.
fn replay(kind: &str) -> usize {
    let mut fed = 0;
    for (target, run) in TARGETS {
        for input in inputs(&Path::new(ROOT).join("fuzz").join(kind).join(target)) {
            // A fuzzer running on the corpus may have replaced the file.
            let Ok(bytes) = std::fs::read(&input) else {
                continue;
            };
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target} panicked on {}", input.display());
            fed += 1;
        }
    }
    fed
}

#[test]
fn every_committed_fuzz_regression_runs_clean() {
    let dir = Path::new(ROOT).join("fuzz/regressions");
    assert!(
        inputs(&dir).is_empty(),
        "files directly under {}",
        dir.display()
    );
    for entry in std::fs::read_dir(&dir).into_iter().flatten() {
        let name = entry.unwrap().file_name();
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "fuzz/regressions/{name:?} names no target"
        );
    }
    replay("regressions");
}

/// Each target's function runs in CI even with no regression of its own:
/// on nothing, and on a few parts of a few bytes.
#[test]
fn every_fuzz_target_takes_empty_and_short_inputs() {
    for (_, run) in TARGETS {
        for input in [&b""[..], b"\0", b"\x07a\0b: c\0FROM x\n", &[0xff; 3]] {
            run(input);
        }
    }
}

#[test]
fn the_local_fuzz_corpus_runs_clean_when_asked() {
    if !crate::support::required("DRYDOCK_FUZZ_CORPUS") {
        crate::support::skipped(
            "the local fuzz corpus is replayed with DRYDOCK_FUZZ_CORPUS=1 (after fuzz/seeds.sh)",
        );
        return;
    }
    assert!(replay("corpus") > 0, "no corpus: run fuzz/seeds.sh");
}

/// The fuzz crate is not built by CI: each target is this one call, so it
/// builds whenever the function does, and the table above checks that.
#[test]
fn every_fuzz_target_is_one_call_with_a_replay_entry() {
    let dir = Path::new(ROOT).join("fuzz/fuzz_targets");
    let mut names: Vec<String> = inputs(&dir)
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    names.sort();
    let mut listed: Vec<String> = TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed);
    for name in names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
        let call = format!("fuzz_target!(|data: &[u8]| drydock::fuzzing::{name}(data));");
        assert!(
            text.contains(&call),
            "fuzz/fuzz_targets/{name}.rs is not `{call}`"
        );
    }
}
