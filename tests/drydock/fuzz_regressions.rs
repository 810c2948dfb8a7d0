//! The binary on what the fuzz targets (`fuzz/`) found or led to: each
//! test is named after what it protects, and runs `drydock` on the input
//! (from `fuzz/regressions/<target>/`, or made here when it is too large
//! to commit). The same inputs are replayed in-process by `fuzz_corpus`.

use std::path::Path;

use serde_json::Value;

use crate::support::drydock;
use crate::support::run::ROOT;

/// A committed fuzz input: `fuzz/regressions/<target>/<name>`.
fn regression(target: &str, name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(ROOT)
            .join("fuzz/regressions")
            .join(target)
            .join(name),
    )
    .unwrap()
}

/// The project directory a `compose_project` input stands for, as the
/// target writes it.
fn project_of(input: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = drydock::fuzzing::PROJECT_FILES;
    for (name, bytes) in files
        .iter()
        .zip(drydock::fuzzing::parts(input, files.len()))
    {
        if !bytes.is_empty() {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
    }
    dir
}

/// A run that ended with an exit code (not a signal, not a panic) and a
/// JSON report.
fn reported(run: &crate::support::run::Run) -> Value {
    assert!(
        matches!(run.code(), Some(0 | 1)),
        "{} ended with {:?}:\n{}",
        run.shown,
        run.status,
        run.stderr
    );
    run.json()
}

/// `${A:-${A:-…}}` nested 100 000 deep, with `A` set: Compose expands it
/// (the default is never read), and the plaintext-secret rule's look at
/// the written defaults once recursed once per level, overflowing the
/// stack.
#[test]
fn deeply_nested_interpolation_defaults_do_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let levels = 100_000;
    let value = format!("{}x{}", "${A:-".repeat(levels), "}".repeat(levels));
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!(
            "services:\n  web:\n    image: nginx:1.27\n    environment:\n      DB_PASSWORD: \"{value}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "A=correct-horse-battery\n").unwrap();
    let run = drydock()
        .args(["compose", "--format", "json", "--project-directory"])
        .arg(dir.path())
        .run();
    let report = reported(&run);
    assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()));
}

/// `ONBUILD ONBUILD …` a hundred thousand links long, within the longest
/// instruction read: each link was parsed by a call of its own,
/// overflowing the stack. BuildKit refuses the chain, and so does
/// drydock, at its line.
#[test]
fn a_long_onbuild_chain_is_refused_without_overflowing_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let chain = format!("FROM alpine:3.20\n{}RUN true\n", "ONBUILD ".repeat(100_000));
    std::fs::write(dir.path().join("Dockerfile"), chain).unwrap();
    let run = drydock()
        .args(["dockerfile", "--format", "json"])
        .arg(dir.path().join("Dockerfile"))
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    let errors = run.json()["errors"].to_string();
    assert!(errors.contains("ONBUILD ONBUILD"), "{errors}");
}

/// `include: [{path: }]`: an entry naming no file made the loader take
/// the first of none. Docker Compose includes nothing for it, which
/// leaves this project empty, an error in both (the oracle fixtures
/// `include-empty-path` and `error-include-path-not-strings` compare
/// the two further).
#[test]
fn an_include_entry_naming_no_file_includes_nothing() {
    let input = regression("compose_project", "include-entry-with-null-path");
    let project = project_of(&input);
    let run = drydock()
        .args(["compose", "--format", "json", "--project-directory"])
        .arg(project.path())
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    let errors = run.json()["errors"].to_string();
    assert!(errors.contains("empty compose file"), "{errors}");
}

/// `RUN true<form feed>&& false`: the command splitter took a form feed
/// for part of a word and the word reader for a blank, so words of
/// nothing were read for ever (out of memory within a second).
#[test]
fn a_form_feed_in_a_run_line_is_read_as_part_of_a_word() {
    let input = Path::new(ROOT).join("fuzz/regressions/dockerfile/form-feed-in-run");
    let run = drydock()
        .args(["dockerfile", "--format", "json"])
        .arg(&input)
        .timeout(std::time::Duration::from_secs(60))
        .run();
    reported(&run);
}

/// A credential file whose other words repeat the password: a
/// `.git-credentials` URL whose host holds it (the `secrets` target's
/// find: the host ran on through the rest of the line), and a `.netrc`
/// whose machine is named like it. The detail a finding gives (`for
/// HOST`) is dropped when it would show the value, in every format. (The
/// fuzzer's input is `fuzz/regressions/secrets/`, replayed by
/// `fuzz_corpus`.)
#[test]
fn a_credential_files_host_or_machine_never_shows_its_password() {
    let secret = "Zq8vK2mWx7Lp";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  app:\n    image: nginx:1.27\n    secrets: [git, netrc]\nsecrets:\n  git:\n    file: ./.git-credentials\n  netrc:\n    file: ./.netrc\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".git-credentials"),
        format!("https://deploy:{secret}@{secret}.example.com\nhttps://ci:{secret}x@git.example.com@{secret}x\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".netrc"),
        format!("machine {secret} login deploy password {secret}\n"),
    )
    .unwrap();
    let compose = dir.path().join("compose.yaml");
    for format in ["json", "sarif", "human"] {
        let run = drydock()
            .args([
                "compose",
                "-f",
                compose.to_str().unwrap(),
                "--format",
                format,
            ])
            .run();
        assert_eq!(run.code(), Some(1), "{format}: {}", run.stderr);
        let out = run.stdout.as_str();
        assert!(!out.contains(secret), "{format} shows the password:\n{out}");
        assert!(
            out.contains("git credentials") && out.contains(".netrc"),
            "{format}: the findings are missing:\n{out}"
        );
    }
}
