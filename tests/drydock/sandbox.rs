//! What drydock does to the machine it runs on while it reads hostile
//! input, watched with `strace -f`: it starts no program, opens no file for
//! writing, creates, renames or deletes nothing, leaves `TMPDIR` empty, and
//! never opens a host file that an image's symlinks or a repository's
//! symlinks point at. (The image is read as a stream; nothing from it is
//! ever written to disk or run.)
//!
//! Needs `strace`: skipped with a notice when it is missing, a failure
//! under `DRYDOCK_REQUIRE_STRACE=1` (`.ci/run` installs it).

use std::path::Path;

use crate::support::image::*;
use crate::support::run::TRACED_CALLS;
use crate::support::{drydock, skip};

const REQUIRE: &str = "DRYDOCK_REQUIRE_STRACE";

fn have_strace() -> bool {
    std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One traced call: its name and the rest of the line as strace wrote it.
struct Call {
    name: String,
    line: String,
}

fn calls(log: &Path) -> Vec<Call> {
    let text = std::fs::read_to_string(log).unwrap();
    text.lines()
        .filter_map(|line| {
            // `PID name(args) = result`
            let rest = line.split_once(' ').map_or(line, |(_, r)| r).trim_start();
            let name = rest.split('(').next()?.to_string();
            TRACED_CALLS.contains(&name.as_str()).then(|| Call {
                name,
                line: line.to_string(),
            })
        })
        .collect()
}

/// What the trace must not show: a second program, a file opened to be
/// written or created, any change to the file system, any file under
/// `forbidden` opened.
fn assert_harmless(log: &Path, forbidden: &Path) {
    let calls = calls(log);
    assert!(
        !calls.is_empty(),
        "strace logged nothing: {}",
        log.display()
    );
    let execs: Vec<&Call> = calls
        .iter()
        .filter(|c| c.name.starts_with("execve"))
        .collect();
    assert_eq!(
        execs.len(),
        1,
        "drydock started a program: {:#?}",
        execs.iter().map(|c| &c.line).collect::<Vec<_>>()
    );
    let forbidden = forbidden.to_string_lossy();
    for call in &calls {
        let writes = call.name.starts_with("open")
            && ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                .iter()
                .any(|flag| call.line.contains(flag));
        let changes = !call.name.starts_with("open") && !call.name.starts_with("execve");
        assert!(
            !writes && !changes,
            "drydock changed the file system: {}",
            call.line
        );
        assert!(
            !call.line.contains(forbidden.as_ref()),
            "drydock opened a host file an input points at: {}",
            call.line
        );
    }
}

/// A scratch directory with `host/` in it, standing for the machine's own
/// files, which no input may make drydock open; `None` (with a notice)
/// without strace.
fn scratch_with_host() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    if !have_strace() {
        skip(REQUIRE, "strace is not installed");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path().join("host");
    std::fs::create_dir(&host).unwrap();
    Some((tmp, host))
}

#[test]
fn reading_a_hostile_image_writes_nothing_runs_nothing_and_follows_no_link_out() {
    let Some((tmp, host)) = scratch_with_host() else {
        return;
    };
    // A host file the image's links point at, which must never be opened.
    std::fs::write(host.join("secret"), "host secret\n").unwrap();
    let marker = tmp.path().join("ran");
    let escape = format!("../../../../../../..{}", host.join("secret").display());
    let image = Image::new().user("app").layer(
        Layer::new()
            .file(
                "usr/local/bin/run-me",
                0o755,
                0,
                0,
                format!("#!/bin/sh\ntouch {}\n", marker.display()),
            )
            .symlink("etc/host-secret", &host.join("secret").to_string_lossy())
            .symlink("app/escape", &escape)
            .symlink("usr/bin/nc", &host.join("secret").to_string_lossy())
            .unchecked_file(b"../../outside", 0o644, b"dot-dot entry".to_vec())
            .unchecked_file(b"/tmp/absolute-entry", 0o644, b"absolute entry".to_vec())
            .created_by("COPY . /"),
    );
    let input = tmp.path().join("image.tar");
    image.write_docker_oci(&input);
    let empty_tmp = tmp.path().join("tmpdir");
    let home = tmp.path().join("home");
    std::fs::create_dir(&empty_tmp).unwrap();
    std::fs::create_dir(&home).unwrap();
    for input_arg in [input.as_os_str(), "-".as_ref()] {
        let log = tmp.path().join("strace.log");
        let mut run = drydock()
            .args(["image", "--input"])
            .arg(input_arg)
            .args(["--format", "json"])
            .env("TMPDIR", &empty_tmp)
            .env("HOME", &home)
            .traced(&log);
        if input_arg == "-" {
            run = run.stdin(std::fs::read(&input).unwrap());
        }
        let run = run.run();
        assert!(matches!(run.code(), Some(0 | 1)), "{}", run.stderr);
        assert_harmless(&log, &host);
        assert!(!marker.exists(), "a program of the image ran");
        assert_eq!(std::fs::read_dir(&empty_tmp).unwrap().count(), 0);
        assert_eq!(std::fs::read_dir(&home).unwrap().count(), 0);
    }
}

#[test]
fn scanning_a_repository_follows_no_symlink_out_of_it() {
    let Some((tmp, host)) = scratch_with_host() else {
        return;
    };
    std::fs::write(
        host.join("compose.yaml"),
        "services:\n  x:\n    image: nginx:1.27\n    privileged: true\n",
    )
    .unwrap();
    std::fs::write(host.join("prod.env"), "DB_PASSWORD=host-only-value\n").unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(
        repo.join("compose.yaml"),
        "services:\n  app:\n    image: nginx:1.27\n    env_file: ./linked.env\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(host.join("prod.env"), repo.join("linked.env")).unwrap();
    std::os::unix::fs::symlink(&host, repo.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(host.join("compose.yaml"), repo.join("docker-compose.yml")).unwrap();
    let log = tmp.path().join("strace.log");
    let run = drydock()
        .args(["scan", ".", "--format", "json"])
        .current_dir(&repo)
        .traced(&log)
        .run();
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("host-only-value"));
    assert_harmless(&log, &host);
}
