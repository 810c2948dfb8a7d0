//! The command line as a user runs it: exit codes, formats, `--fail-on`,
//! `--output`, `rules` and `explain`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::drydock;

fn testdata(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const SOCKET: &str = "services:\n  ui:\n    image: portainer/portainer-ce:2.21\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n";

#[test]
fn exits_zero_on_a_hardened_project() {
    let out = drydock().args(["scan", &testdata("compose/clean")]).run();
    let stdout = out.stdout.as_str();
    assert_eq!(out.code(), Some(0), "{stdout}");
    assert!(stdout.contains("gate fail-on high: passed"), "{stdout}");
}

#[test]
fn exits_one_when_a_finding_reaches_the_threshold() {
    let dir = project(&[("compose.yaml", SOCKET)]);
    let path = dir.path().to_str().unwrap();
    let out = drydock().args(["scan", path]).run();
    assert_eq!(out.code(), Some(1));
    let stdout = out.stdout.as_str();
    assert!(
        stdout.contains("critical[runtime-socket-mount]"),
        "{stdout}"
    );
    assert!(stdout.contains("compose.yaml:5:9"), "{stdout}");
}

#[test]
fn fail_on_moves_the_threshold() {
    let dir = project(&[(
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n",
    )]);
    let path = dir.path().to_str().unwrap();
    assert_eq!(drydock().args(["scan", path]).run().code(), Some(0));
    assert_eq!(
        drydock()
            .args(["scan", path, "--fail-on", "medium"])
            .run()
            .code(),
        Some(1)
    );
    assert_eq!(
        drydock()
            .args(["scan", path, "--fail-on", "critical"])
            .run()
            .code(),
        Some(0)
    );
}

#[test]
fn json_report_has_a_versioned_shape() {
    let dir = project(&[("compose.yaml", SOCKET)]);
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    let doc = out.json();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "drydock");
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "runtime-socket-mount")
        .expect("socket finding");
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["location"]["path"], "compose.yaml");
    assert_eq!(finding["location"]["line"], 5);
    assert_eq!(finding["location"]["route"], "services.ui.volumes[0]");
    assert_eq!(finding["subject"]["service"], "ui");
    assert_eq!(doc["summary"]["exit_code"], 1);
    assert_eq!(doc["summary"]["by_severity"]["critical"], 1);
}

#[test]
fn sarif_report_follows_the_code_scanning_conventions() {
    let dir = project(&[("sub/compose.yaml", SOCKET)]);
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "sarif"])
        .run();
    let doc = out.json();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 19);
    for rule in rules {
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Why it matters")
        );
        assert!(rule["properties"]["security-severity"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    let socket = results
        .iter()
        .find(|r| r["ruleId"] == "runtime-socket-mount")
        .expect("socket result");
    assert_eq!(socket["level"], "error");
    assert_eq!(socket["properties"]["security-severity"], "9.5");
    let location = &socket["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "sub/compose.yaml");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 5);
    let index = socket["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "runtime-socket-mount");
    assert!(socket["partialFingerprints"]["drydock/v1"].is_string());
    for result in results {
        let level = result["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level));
    }
}

#[test]
fn output_file_gets_the_report_and_stderr_the_verdict() {
    let dir = project(&[("compose.yaml", SOCKET)]);
    let report = dir.path().join("out.sarif");
    let out = drydock()
        .args([
            "scan",
            dir.path().to_str().unwrap(),
            "--format",
            "sarif",
            "--output",
            report.to_str().unwrap(),
        ])
        .run();
    assert_eq!(out.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("FAILED"));
    let doc: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
}

#[test]
fn human_output_has_no_colour_when_piped() {
    let dir = project(&[("compose.yaml", SOCKET)]);
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap()])
        .env_remove("NO_COLOR")
        .run();
    assert!(!out.stdout.contains('\x1b'), "escape codes in piped output");
}

#[test]
fn compose_command_merges_files_given_with_f() {
    let dir = project(&[
        ("base.yaml", "services:\n  web:\n    image: nginx:1.27\n"),
        ("prod.yaml", "services:\n  web:\n    privileged: true\n"),
    ]);
    let base = dir.path().join("base.yaml");
    let prod = dir.path().join("prod.yaml");
    let out = drydock()
        .args([
            "compose",
            "-f",
            base.to_str().unwrap(),
            "-f",
            prod.to_str().unwrap(),
            "--format",
            "json",
        ])
        .run();
    assert_eq!(out.code(), Some(1));
    let doc = out.json();
    let privileged = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "privileged")
        .expect("privileged from the second file");
    assert_eq!(privileged["location"]["path"], "prod.yaml");
    assert_eq!(privileged["location"]["line"], 3);
}

#[test]
fn compose_config_prints_the_merged_model() {
    let dir = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: \"nginx:${TAG:-1.27}\"\n    ports: [\"8080:80\"]\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  web:\n    cap_add: [NET_ADMIN]\n",
        ),
        (".env", "TAG=1.28\n"),
    ]);
    let out = drydock()
        .args([
            "compose",
            "config",
            "--project-directory",
            dir.path().to_str().unwrap(),
        ])
        .run();
    assert_eq!(out.code(), Some(0), "{}", out.stderr.as_str());
    let doc = out.json();
    let web = &doc["services"]["web"];
    assert_eq!(web["image"], "nginx:1.28");
    assert_eq!(web["cap_add"][0], "NET_ADMIN");
    assert_eq!(web["ports"][0]["target"], 80);
    assert_eq!(web["ports"][0]["published"], "8080");
}

#[test]
fn rules_and_explain_document_every_rule() {
    let out = drydock().args(["rules", "--format", "json"]).run();
    let rules: Value = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"no-new-privileges"));
    for id in ids {
        let out = drydock().args(["explain", id]).run();
        assert_eq!(out.code(), Some(0));
        assert!(out.stdout.contains("## Use instead"));
    }
}

#[test]
fn explain_prints_a_compound_rules_declaration() {
    let out = drydock().args(["explain", "remote-shell-toolkit"]).run();
    let text = out.stdout.as_str();
    assert!(text.contains("## Declaration"), "{text}");
    assert!(text.contains("- image: exec-capable-netcat"), "{text}");
}

#[test]
fn explain_suggests_a_close_rule_id() {
    let out = drydock().args(["explain", "no-new-privilege"]).run();
    assert_eq!(out.code(), Some(2));
    assert!(out.stderr.contains("did you mean `no-new-privileges`"));
}

#[test]
fn a_missing_path_is_an_input_error() {
    let out = drydock().args(["scan", "does/not/exist"]).run();
    assert_eq!(out.code(), Some(2));
}

#[test]
fn scan_skips_vendor_and_node_modules_and_reports_shared_files_once() {
    let dir = project(&[
        ("app/compose.yaml", SOCKET),
        (
            "app/compose.prod.yaml",
            "services:\n  ui:\n    read_only: true\n",
        ),
        ("node_modules/pkg/compose.yaml", SOCKET),
        ("vendor/x/compose.yaml", SOCKET),
    ]);
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    let doc = out.json();
    let sockets: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "runtime-socket-mount")
        .collect();
    assert_eq!(sockets.len(), 1, "{sockets:?}");
    assert_eq!(sockets[0]["location"]["path"], "app/compose.yaml");
    assert_eq!(doc["summary"]["projects"], 2);
}

#[test]
fn the_docs_rule_table_matches_the_registry() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"))
            .expect("docs/rules.md");
    let out = drydock().args(["rules", "--format", "json"]).run();
    let rules: Value = serde_json::from_str(&out.stdout).unwrap();
    for rule in rules.as_array().unwrap() {
        let row = format!(
            "| `{}` | {} | {} |",
            rule["id"].as_str().unwrap(),
            rule["severity"].as_str().unwrap(),
            rule["title"].as_str().unwrap()
        );
        assert!(
            readme.contains(&row),
            "docs/rules.md's table lacks or misstates: {row}"
        );
    }
}

#[test]
fn a_baseline_keeps_accepted_findings_out_of_the_gate() {
    let dir = project(&[("compose.yaml", SOCKET)]);
    let path = dir.path().to_str().unwrap();
    let baseline = dir.path().join("drydock-baseline.json");
    let baseline = baseline.to_str().unwrap();

    let first = drydock()
        .args([
            "scan",
            path,
            "--format",
            "json",
            "--write-baseline",
            baseline,
        ])
        .run();
    assert_eq!(first.code(), Some(1), "the write run still gates");
    let recorded = first.json()["summary"]["findings"].as_u64().unwrap();
    assert!(recorded > 0);

    // Moved lines keep a finding baselined.
    let moved = format!("# moved down\n\n{SOCKET}");
    std::fs::write(dir.path().join("compose.yaml"), &moved).unwrap();
    let again = drydock()
        .args(["scan", path, "--format", "json", "--baseline", baseline])
        .run();
    let report = again.json();
    assert_eq!(again.code(), Some(0), "{report}");
    assert_eq!(report["summary"]["findings"], 0, "{report}");
    assert_eq!(report["summary"]["baselined"].as_u64(), Some(recorded));

    // A new finding is reported, and only it.
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!("{moved}    privileged: true\n"),
    )
    .unwrap();
    let new = drydock()
        .args(["scan", path, "--format", "json", "--baseline", baseline])
        .run();
    let report = new.json();
    assert_eq!(new.code(), Some(1), "{report}");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["privileged"], "{report}");

    let human = drydock().args(["scan", path, "--baseline", baseline]).run();
    let stdout = human.stdout.as_str();
    assert!(
        stdout.contains(&format!("{recorded} more in the baseline")),
        "{stdout}"
    );
}

#[test]
fn a_broken_baseline_is_an_input_error() {
    let dir = project(&[
        ("compose.yaml", SOCKET),
        ("baseline.json", "{\"findings\": 3}"),
    ]);
    let baseline = dir.path().join("baseline.json");
    let out = drydock()
        .args([
            "scan",
            dir.path().to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ])
        .run();
    let stderr = out.stderr.as_str();
    assert_eq!(out.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("baseline.json: not a drydock baseline"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn ignore_comments_suppress_their_line_and_report_when_unused() {
    let compose = "services:\n  web:\n    image: nginx:1.27\n    # drydock: ignore[privileged] the NIC driver needs it\n    privileged: true\n    pid: host # drydock: ignore[host-namespace, privilegd] reviewed\n    read_only: true # drydock: ignore[writable-root-filesystem] stale\n";
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  hostNetwork: true # drydock: ignore[host-namespace] node agent\n  containers:\n    - name: a\n      image: agent:1.0\n";
    let dir = project(&[("compose.yaml", compose), ("k8s/pod.yaml", manifest)]);
    let path = dir.path().to_str().unwrap();
    let rules_of = |report: &Value| -> Vec<(String, u64)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };

    let out = drydock().args(["scan", path, "--format", "json"]).run();
    let report = out.json();
    let found = rules_of(&report);
    for (rule, line) in [
        ("privileged", 5),
        ("host-namespace", 6),
        ("host-namespace", 6),
    ] {
        assert!(
            !found.contains(&(rule.to_string(), line)),
            "{rule} on line {line} is ignored: {report}"
        );
    }
    let unused: Vec<&(String, u64)> = found.iter().filter(|(r, _)| r == "unused-ignore").collect();
    assert_eq!(unused.len(), 2, "{report}");
    assert_eq!(report["summary"]["ignored"], 3, "{report}");
    assert_eq!(out.code(), Some(0), "{report}");
    let messages = report.to_string();
    assert!(messages.contains("did you mean `privileged`"), "{messages}");
    assert!(
        messages.contains("line 7 has no `writable-root-filesystem` finding"),
        "{messages}"
    );

    let audit = drydock()
        .args(["scan", path, "--format", "json", "--no-ignores"])
        .run();
    let report = audit.json();
    let found = rules_of(&report);
    assert!(found.contains(&("privileged".to_string(), 5)), "{report}");
    assert!(
        found.contains(&("host-namespace".to_string(), 6)),
        "{report}"
    );
    assert!(!found.iter().any(|(r, _)| r == "unused-ignore"), "{report}");
    assert_eq!(report["summary"]["ignored"], 0);
    assert_eq!(audit.code(), Some(1));
}

#[test]
fn scan_says_when_no_engine_answered_for_the_images() {
    let dir = project(&[("compose.yaml", SOCKET)]);
    let path = dir.path().to_str().unwrap();

    let out = drydock().args(["scan", path]).run();
    let stdout = out.stdout.as_str();
    assert_eq!(out.code(), Some(1), "the gate is the same: {stdout}");
    assert!(stdout.contains("no image (no engine answered"), "{stdout}");
    let report = drydock()
        .args(["scan", path, "--format", "json"])
        .run()
        .json();
    let why = report["summary"]["images_not_scanned"].as_str().unwrap();
    assert!(why.contains("drydock-test.sock"), "{why}");

    let none = drydock()
        .args(["scan", path, "--images", "none", "--format", "json"])
        .run()
        .json();
    assert!(
        none["summary"].get("images_not_scanned").is_none(),
        "{none}"
    );

    let required = drydock().args(["scan", path, "--images", "engine"]).run();
    let stderr = required.stderr.as_str();
    let stdout = required.stdout.as_str();
    assert_eq!(required.code(), Some(2), "{stdout}{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("engine"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_comment_only_compose_layer_adds_nothing_and_is_no_error() {
    // Issue 10: `compose.extras.yaml: # extras layer` beside a base file was
    // "the file is empty"; Docker Compose accepts it (the oracle fixture
    // testdata/compose/oracle/comment-only-override says the same).
    let dir = testdata("compose/oracle/comment-only-override");
    let out = drydock()
        .args(["scan", &dir, "--images", "none", "--format", "json"])
        .run();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["errors"], serde_json::json!([]), "{doc}");
    // Both the base and the base with its empty layer are audited.
    assert_eq!(doc["summary"]["projects"], 2);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "privileged")
    );
    // A project whose every file is empty is still Compose's error.
    let empty = testdata("compose/oracle/error-empty-compose-file");
    let out = drydock().args(["scan", &empty, "--images", "none"]).run();
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stdout.contains("compose.yaml: empty compose file"),
        "{}",
        out.stdout.as_str()
    );
}

#[test]
fn a_credential_from_dot_env_gets_one_verdict_in_every_form_issue_10() {
    // `- KEY`, `KEY: ${KEY}` and `- KEY=${KEY}` take the value of the same
    // interpolation variable, which the committed `.env` writes out: each
    // is reported at the `.env` line, like an `env_file: .env`.
    let dir = project(&[
        (".env", "DRYDOCK_T10_DB_PASSWORD=Vb3-kq8-Wz5\n"),
        (
            "compose.yaml",
            "services:\n  bare:\n    image: example/a:1\n    environment:\n      - DRYDOCK_T10_DB_PASSWORD\n  mapping:\n    image: example/a:1\n    environment:\n      DRYDOCK_T10_DB_PASSWORD: ${DRYDOCK_T10_DB_PASSWORD}\n  list:\n    image: example/a:1\n    environment:\n      - DRYDOCK_T10_DB_PASSWORD=${DRYDOCK_T10_DB_PASSWORD}\n  file:\n    image: example/a:1\n    env_file: [.env]\n",
        ),
    ]);
    let root = dir.path().to_str().unwrap();
    let out = drydock()
        .args(["compose", "--project-directory", root, "--format", "json"])
        .run();
    let doc = out.json();
    let found: Vec<(String, String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "plaintext-secret")
        .map(|f| {
            (
                f["subject"]["service"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = ["bare", "file", "list", "mapping"]
        .iter()
        .map(|service| (service.to_string(), ".env".to_string(), 1))
        .collect();
    let mut found = found;
    found.sort();
    assert_eq!(found, expected, "{doc:#}");

    // The process environment's value is nobody's plain text: only the
    // env file, read as it is, stays.
    let out = drydock()
        .args(["compose", "--project-directory", root, "--format", "json"])
        .env("DRYDOCK_T10_DB_PASSWORD", "from-the-ci-secret-store")
        .run();
    let services: Vec<String> = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "plaintext-secret")
        .map(|f| f["subject"]["service"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(services, ["file"]);
}
