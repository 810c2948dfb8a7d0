//! `drydock dockerfile` and the Dockerfiles `drydock scan` finds, from the
//! user's side: real discovery, bad input (binary files, unterminated
//! heredocs, huge instructions, invalid UTF-8) as one clear error each
//! with the other files still reported, and inputs that are odd but valid
//! (10 000 continuation lines, stage names that shadow images).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::drydock;
use crate::support::run::Run;

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: exit {:?}\n{}\n{}", run.code(), run.stdout, run.stderr))
}

fn check(dir: &Path, args: &[&str]) -> Run {
    drydock()
        .current_dir(dir)
        .arg("dockerfile")
        .args(args)
        .args(["--format", "json", "--fail-on", "critical"])
        .timeout(Duration::from_secs(60))
        .run()
}

fn errors(doc: &Value) -> Vec<String> {
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {}",
                e["path"].as_str().unwrap_or(""),
                e["line"],
                e["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const NETCAT: &str = "FROM debian:bookworm\nRUN apt-get install -y netcat-traditional\nUSER 1000\n";

#[test]
fn finds_dockerfiles_by_name_under_directories_and_in_scan() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "Dockerfile",
        "api/Containerfile",
        "web/prod.Dockerfile",
        "web/Dockerfile.dev",
        "web/Dockerfile.dockerignore",
        "docs/dockerfiles.md",
    ];
    for file in files {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, NETCAT).unwrap();
    }
    let doc = json(&check(dir.path(), &["."]));
    let mut paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "exec-capable-netcat")
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "Dockerfile",
            "api/Containerfile",
            "web/Dockerfile.dev",
            "web/prod.Dockerfile"
        ]
    );
    assert_eq!(doc["summary"]["dockerfiles"], 4);
    let scan = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "json", "--images", "none"])
        .run();
    assert_eq!(json(&scan)["summary"]["dockerfiles"], 4, "{}", scan.stdout);
    let first = &json(&scan)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "exec-capable-netcat")
        .cloned()
        .unwrap();
    assert_eq!(
        (
            first["location"]["line"].as_u64(),
            first["location"]["column"].as_u64()
        ),
        (Some(2), Some(24))
    );
}

#[test]
fn bad_dockerfiles_are_one_clear_error_each_and_the_others_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("good.Dockerfile", NETCAT.as_bytes());
    write(
        "binary.Dockerfile",
        b"FROM debian\n\x7fELF\x02\x01\x01\0\0\0\0",
    );
    write(
        "heredoc.Dockerfile",
        b"FROM alpine\nRUN <<EOF\napk add curl\n",
    );
    write(
        "latin1.Dockerfile",
        b"FROM alpine\nLABEL author=\"Fran\xe7ois\"\n",
    );
    write(
        "template.Dockerfile",
        b"FROM alpine\n{{ range .Packages }}\n",
    );
    let mut long = b"FROM alpine\nRUN echo ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 2 << 20));
    write("long.Dockerfile", &long);
    let mut huge = b"FROM alpine\nRUN echo ".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 50 << 20));
    write("huge.Dockerfile", &huge);
    let run = check(dir.path(), &["."]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    let doc = json(&run);
    let mut got = errors(&doc);
    got.sort();
    assert_eq!(
        got,
        [
            "binary.Dockerfile:2: not a Dockerfile: the file holds NUL bytes (binary data)",
            "heredoc.Dockerfile:2: the heredoc <<EOF has no terminating `EOF` line",
            "huge.Dockerfile:null: file is larger than the 16 MiB limit",
            "latin1.Dockerfile:2: invalid UTF-8",
            "long.Dockerfile:2: the instruction is longer than 1024 KiB",
            "template.Dockerfile:2: unknown instruction `{{`",
        ]
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "exec-capable-netcat"
                && f["location"]["path"] == "good.Dockerfile"),
        "the good file is still reported"
    );
}

#[test]
fn odd_but_valid_dockerfiles_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // 10 000 continuation lines, the package at the end.
    let mut text = String::from("FROM debian:bookworm\nRUN apt-get install -y \\\n");
    for i in 0..10_000 {
        text.push_str(&format!("    package-{i} \\\n"));
    }
    text.push_str("    socat\nUSER 1000\n");
    std::fs::write(dir.path().join("Dockerfile"), &text).unwrap();
    // Stages named like images and like each other: no loop.
    std::fs::write(
        dir.path().join("stages.Dockerfile"),
        "FROM node AS node\nFROM node AS build\nFROM build AS node2\nFROM node2\nUSER 1000\n",
    )
    .unwrap();
    let run = check(dir.path(), &["Dockerfile", "stages.Dockerfile"]);
    let doc = json(&run);
    assert!(errors(&doc).is_empty(), "{:?}", errors(&doc));
    let socat = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "exec-capable-netcat")
        .cloned()
        .unwrap_or_else(|| panic!("no socat finding: {}", run.stdout));
    assert_eq!(socat["location"]["line"], 10_003);
    assert_eq!(socat["location"]["column"], 5);
}

#[test]
fn a_service_build_links_its_dockerfile_with_its_target_and_args() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "compose.yaml",
        "services:\n  api:\n    build: ./api\n  web:\n    build:\n      context: web\n      dockerfile: web.Dockerfile\n      target: runtime\n      args:\n        BASE: debian:bookworm\n  remote:\n    build: https://github.com/example/app.git#main\n  missing:\n    build:\n      context: ./nowhere\n  wrong:\n    build:\n      context: web\n      dockerfile: web.Dockerfile\n      target: nope\n",
    );
    write("api/Dockerfile", NETCAT);
    write(
        "web/web.Dockerfile",
        "ARG BASE=alpine\nFROM ${BASE} AS runtime\nRUN apt-get install -y socat\nUSER 1000\nFROM runtime AS debug\nRUN apt-get install -y ncat\n",
    );
    let run = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .run();
    // What `docker compose config` accepts is no error: a missing
    // Dockerfile, an unknown target and a remote context are said.
    assert_eq!(run.code(), Some(1), "{}", run.stdout);
    let doc = json(&run);
    assert!(errors(&doc).is_empty(), "{:?}", errors(&doc));
    let mut not_audited: Vec<String> = doc["not_audited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e["line"], e["message"].as_str().unwrap_or("")))
        .collect();
    not_audited.sort();
    assert_eq!(
        not_audited,
        [
            "12:service `remote` builds from the remote context `https://github.com/example/app.git#main`, which drydock does not fetch: its Dockerfile is not audited",
            "15:service `missing` builds from `nowhere/Dockerfile`, which does not exist: nothing to audit",
            "20:build target `nope` is not a stage of `web/web.Dockerfile`: the file is audited for its last stage, and the image of service `wrong` is not predicted",
        ]
    );
    let netcats: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "exec-capable-netcat")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The web image is the `runtime` stage: ncat, in `debug`, is not in
    // it; `wrong`'s unknown target audits the last stage, which has it.
    assert_eq!(
        netcats,
        [
            ("api/Dockerfile".to_string(), 2),
            ("web/web.Dockerfile".to_string(), 3),
            ("web/web.Dockerfile".to_string(), 6)
        ]
    );
    // `web`'s args make its base `debian:bookworm` (`wrong`, without
    // them, keeps the default `alpine`).
    let bases: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unpinned-image" && f["location"]["path"] == "web/web.Dockerfile")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        bases.iter().any(|m| m.contains("(`debian:bookworm`)")),
        "the service's args are applied: {bases:?}"
    );
    // Each Dockerfile once, though the walk finds them too.
    assert_eq!(doc["summary"]["dockerfiles"], 2);
}

#[test]
fn the_seed_chain_is_caught_in_the_dockerfile_before_the_image_exists() {
    use crate::support::fixtures;
    use crate::support::image::{Image, Layer};
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "compose.yaml",
        "services:\n  api:\n    build: ./api\n  hardened:\n    build: ./api\n    user: \"10001\"\n    read_only: true\n    security_opt: [no-new-privileges:true]\n  shipped:\n    image: acme/shipped:1\n    build: ./api\n",
    );
    write(
        "api/Dockerfile",
        "FROM debian:bookworm-slim\nRUN apt-get update \\\n && apt-get install -y netcat-traditional\nCMD [\"/app\"]\n",
    );
    // `shipped` was built and saved already: its image holds no netcat.
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    Image::new()
        .tag("acme/shipped:1")
        .layer(Layer::new().dir("app", 0o755, 0, 0).file(
            "app/server",
            0o755,
            0,
            0,
            fixtures::plain_elf("server"),
        ))
        .write_docker_oci(&dir.path().join("images/shipped.tar"));
    let run = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "images", "--format", "json"])
        .run();
    let doc = json(&run);
    let chains: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "remote-shell-toolkit")
        .collect();
    assert_eq!(chains.len(), 1, "{chains:#?}");
    let chain = chains[0];
    assert_eq!(chain["subject"]["service"], "api");
    assert_eq!(chain["severity"], "critical");
    assert_eq!(
        (
            chain["location"]["path"].as_str(),
            chain["location"]["line"].as_u64()
        ),
        (Some("compose.yaml"), Some(3)),
        "on the build line"
    );
    assert!(
        chain["message"]
            .as_str()
            .unwrap()
            .contains("predicted from `api/Dockerfile`"),
        "{chain}"
    );
    let related = chain["related"].to_string();
    assert!(
        related.contains("\"api/Dockerfile\"") && related.contains("\"line\":3"),
        "the Dockerfile line is related: {related}"
    );
}

#[test]
fn a_dockerfile_inline_block_is_audited_at_the_compose_files_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  inline:\n    build:\n      dockerfile_inline: |\n        FROM debian:bookworm\n        RUN apt-get update \\\n         && apt-get install -y netcat-traditional\n      context: .\n  quoted:\n    build:\n      dockerfile_inline: \"FROM alpine\"\n",
    )
    .unwrap();
    let run = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .run();
    let doc = json(&run);
    let netcat = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "exec-capable-netcat")
        .cloned()
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(
        (
            netcat["location"]["path"].as_str(),
            netcat["location"]["line"].as_u64(),
            netcat["location"]["column"].as_u64()
        ),
        (Some("compose.yaml"), Some(7), Some(32))
    );
    assert!(doc["findings"].to_string().contains("remote-shell-toolkit"));
    let not_audited = doc["not_audited"].to_string();
    assert!(not_audited.contains("not a literal block"), "{not_audited}");
}

#[test]
fn an_arg_that_doubles_on_every_line_is_read_in_bounded_memory() {
    // `ARG A1=${A0}${A0}`, … forty times: a terabyte if expanded in full.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ARG A0=0123456789abcdef\n");
    for i in 1..40 {
        text.push_str(&format!("ARG A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
    }
    text.push_str("FROM alpine:${A39}\nUSER 1000\n");
    std::fs::write(dir.path().join("Dockerfile"), &text).unwrap();
    let run = drydock()
        .args(["dockerfile", "Dockerfile", "--format", "json"])
        .current_dir(dir.path())
        .timeout(Duration::from_secs(60))
        .run();
    assert!(matches!(run.code(), Some(0 | 1)), "{}", run.stderr);
    assert!(errors(&json(&run)).is_empty());
}
