//! A hostile repository, as a pull request could write it: every way a
//! Compose project can name a file of the machine drydock runs on (an
//! `env_file` on `/proc/self/environ` and on a host file, `include` and
//! `extends.file` on host files, a committed `.env` symlink leading out,
//! an env file inside `.git`, a build context `../..`, `configs` and
//! `secrets` files outside). drydock is run on it with every command and
//! output format, a recognisable secret in its process environment, one in
//! the host file and one in `.git/config`: none of them may appear in any
//! output, each reference is a `file-outside-repository` finding at its
//! line, and no run is an input error.
//!
//! The tree is generated here, in a temporary directory:
//!
//! ```text
//! host/secrets.env       OUTSIDE_TOKEN=<outside marker>  (the runner's file)
//! host/compose.yaml      a privileged service named after the marker
//! repo/compose.yaml      the hostile project
//! repo/.env -> ../host/secrets.env
//! repo/linked.env -> <absolute path of host/secrets.env>
//! repo/.git/config       an Authorization header with the git marker
//! ```

use std::collections::BTreeSet;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use crate::support::fixtures::netcat_traditional;
use crate::support::image::{Image, Layer};
use serde_json::Value;

use crate::support::run::{Drydock, Run, drydock};

/// In the host file outside the repository.
const OUTSIDE_MARKER: &str = "outside-marker-5f3a9c1d";
/// In drydock's process environment, under a credential-like name.
const PROCESS_MARKER: &str = "process-marker-81be27aa";
/// In `.git/config`, as actions/checkout leaves a token there.
const GIT_MARKER: &str = "git-marker-0c4d77e2";

const HOSTILE_COMPOSE: &str = r#"include:
  - ../host/compose.yaml
services:
  environ:
    image: example/app:1.4
    env_file: /proc/self/environ
  hostfile:
    image: example/app:1.4
    env_file: ../host/secrets.env
  linked:
    image: example/app:1.4
    env_file: ./linked.env
  git:
    image: example/app:1.4
    env_file: .git/config
  based:
    image: example/app:1.4
    extends:
      file: ../host/compose.yaml
      service: leak
  built:
    build: ../..
  tagged:
    image: "example/app:${OUTSIDE_TOKEN:-none}"
configs:
  app:
    file: ../host/secrets.env
secrets:
  token:
    file: /etc/hostname
"#;

/// The lines of `HOSTILE_COMPOSE` that name an outside file, and the
/// `.env` symlink (reported at its own line 1).
fn expected_references() -> BTreeSet<(String, u64)> {
    [
        ("compose.yaml", 2),
        ("compose.yaml", 6),
        ("compose.yaml", 9),
        ("compose.yaml", 12),
        ("compose.yaml", 15),
        ("compose.yaml", 19),
        ("compose.yaml", 22),
        ("compose.yaml", 27),
        ("compose.yaml", 30),
        (".env", 1),
    ]
    .into_iter()
    .map(|(path, line)| (path.to_string(), line))
    .collect()
}

struct Tree {
    _dir: tempfile::TempDir,
    host: PathBuf,
    repo: PathBuf,
}

fn hostile_tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("host");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&host).unwrap();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        host.join("secrets.env"),
        format!("OUTSIDE_TOKEN={OUTSIDE_MARKER}\n"),
    )
    .unwrap();
    std::fs::write(
        host.join("compose.yaml"),
        format!("services:\n  leak:\n    image: \"{OUTSIDE_MARKER}:1\"\n    privileged: true\n"),
    )
    .unwrap();
    std::fs::write(repo.join("compose.yaml"), HOSTILE_COMPOSE).unwrap();
    std::fs::write(
        repo.join(".git/config"),
        format!(
            "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic {GIT_MARKER}\n"
        ),
    )
    .unwrap();
    symlink("../host/secrets.env", repo.join(".env")).unwrap();
    symlink(host.join("secrets.env"), repo.join("linked.env")).unwrap();
    Tree {
        _dir: dir,
        host,
        repo,
    }
}

/// drydock in `cwd` with a credential in its environment.
fn in_dir(cwd: &Path) -> Drydock {
    drydock()
        .current_dir(cwd)
        .env("CI_DEPLOY_TOKEN", PROCESS_MARKER)
        .env("DRYDOCK_TODAY", "2026-01-01")
}

/// No secret of the machine in anything drydock printed.
fn assert_reveals_nothing(what: &str, run: &Run) {
    let all = run.all();
    for (marker, source) in [
        (OUTSIDE_MARKER, "the host file outside the repository"),
        (PROCESS_MARKER, "the process environment"),
        (GIT_MARKER, ".git/config"),
        ("root:x:0:0", "/etc/passwd"),
    ] {
        assert!(
            !all.contains(marker),
            "{what} printed a secret from {source}:\n{all}"
        );
    }
}

/// The (path, line) of every `file-outside-repository` finding.
fn references_in(json: &Value) -> BTreeSet<(String, u64)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "file-outside-repository")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_hostile_repository_reveals_nothing_about_the_machine() {
    let tree = hostile_tree();
    let repo = tree.repo.as_path();
    let parent = repo.parent().unwrap();
    let runs: Vec<(&str, &Path, Vec<&str>)> = vec![
        ("scan", parent, vec!["scan", "repo", "--images", "none"]),
        (
            "scan (in the repository)",
            repo,
            vec!["scan", "--images", "none"],
        ),
        ("compose", repo, vec!["compose"]),
        (
            "compose -f",
            parent,
            vec!["compose", "-f", "repo/compose.yaml"],
        ),
        ("compose config", repo, vec!["compose", "config"]),
    ];
    for (what, cwd, args) in runs {
        for format in ["human", "json", "sarif"] {
            if what == "compose config" && format != "human" {
                continue;
            }
            let mut args = args.clone();
            if what != "compose config" {
                args.extend(["--format", format]);
            }
            let run = in_dir(cwd).args(&args).run();
            let what = format!("{what} ({format})");
            assert_reveals_nothing(&what, &run);
            assert_eq!(run.code(), Some(0), "{what}: exit code\n{}", run.all());
            if format == "json" {
                let json: Value = run.json();
                // `scan repo` names files relative to `repo`, as `compose`
                // names them relative to the project directory.
                let expected = expected_references();
                assert_eq!(references_in(&json), expected, "{what}");
                // The project was audited as if those files were absent:
                // the included and extended services never came in.
                let services: BTreeSet<&str> = json["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|f| f["subject"]["service"].as_str())
                    .collect();
                assert!(!services.contains("leak"), "{what}: {services:?}");
                assert_eq!(json["errors"].as_array().unwrap().len(), 0, "{what}");
                let warnings = json["warnings"].as_array().unwrap();
                assert_eq!(warnings.len(), expected.len(), "{what}: {warnings:?}");
            }
        }
    }
    // The merged model names no service of the host file, and the tag
    // fell back to its default: `.env` was not read.
    let config = in_dir(repo).args(["compose", "config"]).run();
    let model: Value = config.json();
    assert!(model["services"].get("leak").is_none());
    assert_eq!(model["services"]["tagged"]["image"], "example/app:none");
    assert!(
        config
            .stderr
            .contains("file `.env` was not read: it is a symlink to outside the audit root"),
        "{}",
        config.stderr
    );
}

#[test]
fn allow_outside_root_reads_host_files_but_never_proc_or_git() {
    let tree = hostile_tree();
    let config = in_dir(&tree.repo)
        .args(["compose", "config", "--allow-outside-root"])
        .run();
    assert_eq!(config.code(), Some(0), "{}", config.all());
    let model: Value = config.json();
    // Today's behaviour for trusted local use: the host files are read.
    assert_eq!(
        model["services"]["tagged"]["image"],
        format!("example/app:{OUTSIDE_MARKER}")
    );
    assert_eq!(
        model["services"]["hostfile"]["environment"]["OUTSIDE_TOKEN"],
        OUTSIDE_MARKER
    );
    assert!(model["services"].get("leak").is_some());
    // But not /proc, and not .git.
    let all = config.all();
    assert!(!all.contains(PROCESS_MARKER), "{all}");
    assert!(!all.contains(GIT_MARKER), "{all}");
    let json: Value = serde_json::from_str(
        &in_dir(&tree.repo)
            .args(["compose", "--allow-outside-root", "--format", "json"])
            .run()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        references_in(&json),
        [
            ("compose.yaml".to_string(), 6),
            ("compose.yaml".to_string(), 15)
        ]
        .into_iter()
        .collect()
    );
    assert!(tree.host.join("secrets.env").is_file());
}

#[test]
fn root_widens_the_boundary_to_a_directory_the_user_names() {
    let tree = hostile_tree();
    let parent = tree.repo.parent().unwrap();
    let json: Value = serde_json::from_str(
        &in_dir(&tree.repo)
            .args([
                "compose",
                "--root",
                parent.to_str().unwrap(),
                "--format",
                "json",
            ])
            .run()
            .stdout,
    )
    .unwrap();
    // host/ is inside the wider root now; /proc, /etc, `../..` and .git
    // are not.
    assert_eq!(
        references_in(&json),
        [6, 15, 22, 30]
            .into_iter()
            .map(|line| ("compose.yaml".to_string(), line))
            .collect()
    );
}

#[test]
fn a_named_file_that_is_a_symlink_out_of_its_directory_is_an_error_that_quotes_nothing() {
    let tree = hostile_tree();
    symlink("../host/compose.yaml", tree.repo.join("linked.yaml")).unwrap();
    let run = in_dir(&tree.repo)
        .args(["compose", "-f", "linked.yaml"])
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.all());
    assert!(
        run.all()
            .contains("error: linked.yaml: not read: it is a symlink to outside the audit root"),
        "{}",
        run.all()
    );
    assert_reveals_nothing("compose -f linked.yaml", &run);
}

#[test]
fn a_repository_policy_symlinked_out_of_its_directory_is_not_read() {
    let tree = hostile_tree();
    std::fs::write(
        tree.host.join("policy.yaml"),
        format!("{OUTSIDE_MARKER}: [\n"),
    )
    .unwrap();
    symlink("../host/policy.yaml", tree.repo.join(".drydock.yaml")).unwrap();
    let run = in_dir(&tree.repo).args(["compose"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.all());
    assert!(
        run.all()
            .contains(".drydock.yaml: not read: it is a symlink to outside the audit root"),
        "{}",
        run.all()
    );
    assert_reveals_nothing("compose with a symlinked policy", &run);
}

#[test]
fn an_env_file_that_is_not_one_is_named_without_quoting_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  app:\n    image: example/app:1.4\n    env_file: app.ini\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("app.ini"),
        format!("[server]\nAuthorization Bearer {GIT_MARKER}\n"),
    )
    .unwrap();
    let run = in_dir(dir.path()).args(["compose"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.all());
    assert!(
        run.all()
            .contains("app.ini:1: expected KEY=VALUE, found `[server]`"),
        "{}",
        run.all()
    );
    std::fs::write(
        dir.path().join("app.ini"),
        format!("Authorization Bearer {GIT_MARKER}\n"),
    )
    .unwrap();
    let run = in_dir(dir.path()).args(["compose"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.all());
    assert!(
        run.all().contains("app.ini:1: expected KEY=VALUE\n"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains(GIT_MARKER), "{}", run.all());
}

#[test]
fn process_credentials_are_interpolated_like_compose_but_never_in_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  app:\n    image: \"registry.example.com/app:${CI_DEPLOY_TOKEN:-unset}\"\n",
    )
    .unwrap();
    // `compose config` prints the model as Docker Compose would.
    let config = in_dir(dir.path()).args(["compose", "config"]).run();
    let model: Value = config.json();
    assert_eq!(
        model["services"]["app"]["image"],
        format!("registry.example.com/app:{PROCESS_MARKER}")
    );
    // Findings quote the image, with the credential's value hidden.
    for format in ["human", "json", "sarif"] {
        let run = in_dir(dir.path())
            .args(["compose", "--format", format])
            .run();
        assert!(
            !run.all().contains(PROCESS_MARKER),
            "{format}:\n{}",
            run.all()
        );
        assert!(
            run.all()
                .contains("registry.example.com/app:<redacted $CI_DEPLOY_TOKEN>"),
            "{format}:\n{}",
            run.all()
        );
    }
    // --env-from-process=false: interpolation sees the repository only.
    let config = in_dir(dir.path())
        .args(["compose", "config", "--env-from-process=false"])
        .run();
    let model: Value = config.json();
    assert_eq!(
        model["services"]["app"]["image"],
        "registry.example.com/app:unset"
    );
    let scan = in_dir(dir.path())
        .args(["scan", "--env-from-process", "false", "--images", "none"])
        .run();
    assert!(
        scan.all().contains("registry.example.com/app:unset"),
        "{}",
        scan.all()
    );
}

#[test]
fn symlinks_inside_an_image_are_never_resolved_on_the_host() {
    let dir = tempfile::tempdir().unwrap();
    // The host has an exec-capable netcat and a secret; the image links to
    // both by absolute host path but carries neither.
    let host_nc = dir.path().join("host-nc");
    std::fs::write(&host_nc, netcat_traditional()).unwrap();
    let host_secret = dir.path().join("host-secret");
    std::fs::write(&host_secret, format!("TOKEN={OUTSIDE_MARKER}\n")).unwrap();
    let linked = Image::new()
        .layer(
            Layer::new()
                .dir("usr/bin", 0o755, 0, 0)
                .symlink("usr/bin/nc", host_nc.to_str().unwrap())
                .symlink("etc/environment", host_secret.to_str().unwrap()),
        )
        .tag("hostile/links:1");
    let tar = dir.path().join("links.tar");
    linked.write_docker_legacy(&tar);
    let run = in_dir(dir.path())
        .args(["image", "--input", "links.tar", "--format", "json"])
        .run();
    assert_reveals_nothing("image with host symlinks", &run);
    let json: Value = run.json();
    let rules: BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains("exec-capable-netcat"), "{rules:?}");
    // The control: the same netcat inside the image is found.
    let shipped = Image::new()
        .layer(Layer::new().dir("usr/bin", 0o755, 0, 0).file(
            "usr/bin/nc",
            0o755,
            0,
            0,
            netcat_traditional(),
        ))
        .tag("hostile/shipped:1");
    shipped.write_docker_legacy(&dir.path().join("shipped.tar"));
    let run = in_dir(dir.path())
        .args(["image", "--input", "shipped.tar", "--format", "json"])
        .run();
    let json: Value = run.json();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "exec-capable-netcat"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_root_is_the_git_work_tree_around_the_project() {
    // docker/compose.yaml reaching up to the repository's top, as real
    // repositories do: inside the work tree, so read and not reported.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("app");
    std::fs::create_dir_all(repo.join("docker")).unwrap();
    std::fs::write(repo.join(".env.app"), "API_MODE=fast\n").unwrap();
    std::fs::write(
        repo.join("docker/compose.yaml"),
        "services:\n  app:\n    build: ..\n    env_file: ../.env.app\n",
    )
    .unwrap();
    let outside = |run: &Run| -> BTreeSet<(String, u64)> { references_in(&run.json()) };
    let args = ["compose", "-f", "docker/compose.yaml", "--format", "json"];
    // Not a Git work tree: the root is the project directory.
    let run = in_dir(&repo).args(args).run();
    assert_eq!(
        outside(&run),
        [3, 4]
            .into_iter()
            .map(|line| ("compose.yaml".to_string(), line))
            .collect()
    );
    // A Git work tree: its top is the root.
    std::fs::create_dir(repo.join(".git")).unwrap();
    let run = in_dir(&repo).args(args).run();
    assert_eq!(outside(&run), BTreeSet::new(), "{}", run.all());
    let config = in_dir(&repo)
        .args(["compose", "config", "-f", "docker/compose.yaml"])
        .run();
    let model: Value = config.json();
    assert_eq!(model["services"]["app"]["environment"]["API_MODE"], "fast");
}
