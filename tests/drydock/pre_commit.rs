//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real
//! pre-commit (PyPI) in a scratch git repository with `pre-commit
//! try-repo` on this checkout (its working tree, uncommitted changes
//! included): pre-commit builds drydock with cargo, as a user's first run
//! does, and each hook passes or fails on the files it is for.
//!
//! Needs `DRYDOCK_PRE_COMMIT` (`export DRYDOCK_PRE_COMMIT="$(scripts/install-pre-commit.sh)"`);
//! skipped without it, a failure under `DRYDOCK_REQUIRE_PRE_COMMIT=1`.
//! The first run builds drydock in release mode (minutes); its cargo
//! target and pre-commit's cache stay under `target/` for the next.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::skip;

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The lines pre-commit prints for a hook: its status line (`name....Failed`)
/// and what the hook printed, up to the next status line.
fn section(output: &str, name: &str) -> String {
    let is_status = |line: &str| {
        line.contains("....")
            && ["Passed", "Failed", "Skipped"]
                .iter()
                .any(|s| line.trim_end().ends_with(s))
    };
    let mut lines = output
        .lines()
        .skip_while(|l| !(l.starts_with(&format!("{name}.")) && is_status(l)));
    let status = lines
        .next()
        .unwrap_or_else(|| panic!("no hook `{name}` in:\n{output}"));
    let mut text = vec![status];
    text.extend(lines.take_while(|l| !is_status(l)));
    text.join("\n")
}

#[test]
fn the_hooks_run_in_a_repository_that_uses_them() {
    let Some(pre_commit) = std::env::var_os("DRYDOCK_PRE_COMMIT") else {
        skip(
            "DRYDOCK_REQUIRE_PRE_COMMIT",
            "DRYDOCK_PRE_COMMIT is not set (export DRYDOCK_PRE_COMMIT=\"$(scripts/install-pre-commit.sh)\")",
        );
        return;
    };
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q"]);
    // A Compose file with nothing at or above the gate (high)...
    std::fs::write(
        root.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    \
         read_only: true\n    cap_drop: [ALL]\n    security_opt: [\"no-new-privileges:true\"]\n    user: \"101\"\n",
    )
    .unwrap();
    // ...a privileged Pod where manifests live, and a Dockerfile that
    // installs netcat.
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    std::fs::write(
        root.join("deploy/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    \
         securityContext: {privileged: true}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM debian:12\nRUN apt-get update && apt-get install -y netcat-traditional\n",
    )
    .unwrap();
    git(root, &["add", "-A"]);

    let out = Command::new(pre_commit)
        .current_dir(root)
        .args([
            "try-repo",
            env!("CARGO_MANIFEST_DIR"),
            "--all-files",
            "--color",
            "never",
        ])
        .env("PRE_COMMIT_HOME", target().join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", target().join("pre-commit-build"))
        .env("GIT_AUTHOR_NAME", "drydock tests")
        .env("GIT_AUTHOR_EMAIL", "tests@drydock.invalid")
        .env("GIT_COMMITTER_NAME", "drydock tests")
        .env("GIT_COMMITTER_EMAIL", "tests@drydock.invalid")
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "some hooks fail:\n{output}");

    let compose = section(&output, "drydock (Compose files)");
    assert!(compose.contains("Passed"), "{compose}");
    let k8s = section(&output, "drydock k8s");
    assert!(k8s.contains("Failed"), "{k8s}");
    assert!(k8s.contains("critical[privileged]: Pod/debug"), "{k8s}");
    let dockerfile = section(&output, "drydock dockerfile");
    assert!(dockerfile.contains("Failed"), "{dockerfile}");
    assert!(dockerfile.contains("netcat"), "{dockerfile}");
    let scan = section(&output, "drydock scan");
    assert!(scan.contains("Failed"), "{scan}");
    assert!(
        scan.contains("1 Kubernetes workload(s) and 1 Dockerfile(s)"),
        "{scan}"
    );
}
