//! `plaintext-secret` over what a Compose project commits beside its
//! Compose file: the files of its top-level `secrets:` and `configs:`
//! (read through the audit boundary for the secret detectors) and a
//! config's inline `content:`. A file git ignores, a missing file and a
//! file outside the audit root are not read; no report format prints a
//! value. The credentials are generated at run time
//! (`support::secrets`).

use std::path::Path;

use serde_json::Value;

use crate::support::drydock;
use crate::support::secrets::*;

const RULE: &str = "plaintext-secret";

fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The compose file of [`project`]; the line of each `file:` and
/// `content:` is asserted below.
const COMPOSE: &str = "\
services:
  app:
    image: example/app:1.0
    secrets: [db_key]
    configs: [site, inline]
secrets:
  db_key:
    file: ./secrets/id_rsa
  host_key:
    file: ../host.key
  later:
    file: ./secrets/provided-at-deploy
configs:
  site:
    file: ./conf/site.pem
  inline:
    content: |
      [hooks]
      github = {token}
  plain:
    content: nothing secret here
";

/// What [`project`] planted, for the assertions.
struct Planted {
    _tmp: tempfile::TempDir,
    /// The audit root: the directory scanned.
    repo: std::path::PathBuf,
    key: String,
    outside_key: String,
    token: String,
}

/// A project committing a private key as a secret's file and a token in
/// a config's `content:`; beside them a certificate (public), a secret
/// file the deployment provides (missing) and one outside the root.
fn project() -> Planted {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let key = rsa_key(60);
    let outside_key = rsa_key(61);
    let token = github_token(62);
    write(
        &repo.join("compose.yaml"),
        COMPOSE.replace("{token}", &token),
    );
    write(&repo.join("secrets/id_rsa"), &key);
    write(&repo.join("conf/site.pem"), certificate(63));
    write(&tmp.path().join("host.key"), &outside_key);
    Planted {
        _tmp: tmp,
        repo,
        key,
        outside_key,
        token,
    }
}

fn scan(dir: &Path, format: &str) -> crate::support::run::Run {
    drydock()
        .current_dir(dir)
        .args(["scan", ".", "--format", format])
        .run()
}

/// A finding, as the assertions compare it.
#[derive(Debug, PartialEq)]
struct Found {
    rule: String,
    path: String,
    line: u64,
    severity: String,
    message: String,
}

impl Found {
    fn new(rule: &str, path: &str, line: u64, severity: &str, message: &str) -> Found {
        Found {
            rule: rule.into(),
            path: path.into(),
            line,
            severity: severity.into(),
            message: message.into(),
        }
    }
}

/// The findings of `rules` in a JSON report.
fn found(json: &Value, rules: &[&str]) -> Vec<Found> {
    fn text(v: &Value) -> &str {
        v.as_str().unwrap()
    }
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.iter().any(|r| f["rule"] == *r))
        .map(|f| {
            Found::new(
                text(&f["rule"]),
                text(&f["location"]["path"]),
                f["location"]["line"].as_u64().unwrap(),
                text(&f["severity"]),
                text(&f["message"]),
            )
        })
        .collect()
}

/// `json`'s warnings hold `text`.
fn assert_warns(json: &Value, text: &str) {
    let warnings = json["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w == text),
        "no warning `{text}` in {warnings:#?}"
    );
}

/// Every line of a key block's body and the token: none may be printed.
fn planted_values(planted: &Planted) -> Vec<String> {
    let mut values = vec![planted.token.clone()];
    for key in [&planted.key, &planted.outside_key] {
        values.extend(
            key.lines()
                .filter(|l| !l.starts_with('-'))
                .map(str::to_string),
        );
    }
    values
}

#[test]
fn a_committed_secret_file_and_a_config_content_are_reported_at_their_lines() {
    let planted = project();
    let run = scan(&planted.repo, "json");
    assert_eq!(run.code(), Some(1), "{}", run.all());
    let json = run.json();
    let expected = [
        Found::new(
            RULE,
            "compose.yaml",
            8,
            "critical",
            "secret `db_key` reads `secrets/id_rsa`, which holds an RSA private key (line 1), committed with the project",
        ),
        Found::new(
            "file-outside-repository",
            "compose.yaml",
            10,
            "medium",
            "secrets file `../host.key` is outside the audit root: drydock did not read it, and the project depends on a file of the host it runs on",
        ),
        Found::new(
            RULE,
            "compose.yaml",
            17,
            "high",
            "config `inline` holds a GitHub token in its `content` (line 2 of it), written into the Compose file",
        ),
    ];
    assert_eq!(
        found(&json, &[RULE, "file-outside-repository"]),
        expected,
        "{json:#}"
    );
    // A missing file is no error: the deployment provides it.
    assert_eq!(json["errors"], Value::Array(Vec::new()), "{json:#}");
    let fix = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == RULE)
        .and_then(|f| f["fix"].as_str())
        .unwrap();
    assert!(fix.contains("`.gitignore`"), "{fix}");
}

#[test]
fn no_report_format_prints_what_the_files_hold() {
    let planted = project();
    for format in ["human", "json", "sarif"] {
        let run = scan(&planted.repo, format);
        assert_eq!(run.code(), Some(1), "{format}: {}", run.all());
        let all = run.all();
        for value in planted_values(&planted) {
            assert!(
                !all.contains(&value),
                "{format} prints a planted value:\n{all}"
            );
        }
    }
}

#[test]
fn a_rotated_secret_is_a_new_finding_and_the_same_one_is_not() {
    let planted = project();
    let fingerprint = |dir: &Path| {
        let json = scan(dir, "json").json();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == RULE && f["location"]["line"] == 8)
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .unwrap()
    };
    let first = fingerprint(&planted.repo);
    assert_eq!(fingerprint(&planted.repo), first);
    write(&planted.repo.join("secrets/id_rsa"), rsa_key(64));
    assert_ne!(fingerprint(&planted.repo), first);
}

#[test]
fn a_secret_file_git_ignores_is_not_read_and_the_summary_says_so() {
    // With a work tree and without one (an exported archive keeps its
    // `.gitignore`); and through `.git/info/exclude`.
    for (ignore_file, work_tree) in [
        (".gitignore", true),
        (".gitignore", false),
        (".git/info/exclude", true),
    ] {
        let planted = project();
        if work_tree {
            std::fs::create_dir_all(planted.repo.join(".git/info")).unwrap();
        }
        write(&planted.repo.join(ignore_file), "/secrets/\n");
        let run = scan(&planted.repo, "json");
        let json = run.json();
        let lines: Vec<u64> = found(&json, &[RULE]).iter().map(|f| f.line).collect();
        assert_eq!(lines, [17], "{ignore_file}: {json:#}");
        assert_warns(
            &json,
            "compose.yaml: 1 `secrets`/`configs` file(s) not read for credentials (not reported: ignored by .gitignore or .git/info/exclude, so not committed): secrets/id_rsa",
        );
        // The human summary says it too.
        let human = scan(&planted.repo, "human").all();
        assert!(
            human.contains("not reported: ignored by .gitignore"),
            "{ignore_file}: {human}"
        );
    }
}

#[test]
fn a_large_secret_file_is_read_up_to_the_cap_with_a_warning() {
    let planted = project();
    // A key at the start is found; the rest is not read.
    let mut text = planted.key.clone().into_bytes();
    text.extend(std::iter::repeat_n(b'x', 2 << 20));
    write(&planted.repo.join("secrets/id_rsa"), &text);
    let json = scan(&planted.repo, "json").json();
    let lines: Vec<u64> = found(&json, &[RULE]).iter().map(|f| f.line).collect();
    assert_eq!(lines, [8, 17], "{json:#}");
    assert_warns(
        &json,
        "compose.yaml:8:11: secret `db_key` file `secrets/id_rsa` is larger than 1 MiB: only its start was read for credentials",
    );
    assert_eq!(json["errors"], Value::Array(Vec::new()), "{json:#}");
}

#[test]
fn an_included_projects_secret_file_is_read_from_its_own_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let key = rsa_key(65);
    write(
        &tmp.path().join("compose.yaml"),
        "include:\n  - db/compose.yaml\nservices:\n  app:\n    image: example/app:1.0\n",
    );
    write(
        &tmp.path().join("db/compose.yaml"),
        "services:\n  db:\n    image: example/db:1.0\n    secrets: [db_key]\nsecrets:\n  db_key:\n    file: ./id_ecdsa\n",
    );
    write(&tmp.path().join("db/id_ecdsa"), &key);
    let run = drydock()
        .current_dir(tmp.path())
        .args(["compose", "--format", "json"])
        .run();
    let json = run.json();
    let places: Vec<(String, u64)> = found(&json, &[RULE])
        .into_iter()
        .map(|f| (f.path, f.line))
        .collect();
    assert_eq!(places, [("db/compose.yaml".to_string(), 7)], "{json:#}");
}

#[test]
fn a_token_in_an_env_file_under_a_neutral_name_is_reported_at_its_line_and_never_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let token = github_token(66);
    let inline_token = github_token(67);
    let db_password = password(68);
    write(
        &tmp.path().join("compose.yaml"),
        format!(
            "services:\n  app:\n    image: example/app:1.0\n    env_file: app.env\n    environment:\n      DATABASE_URL: postgres://app:{db_password}@db/app\nconfigs:\n  one_line:\n    content: {inline_token}\n"
        ),
    );
    write(
        &tmp.path().join("app.env"),
        format!("MODE=fast\nGH={token}\n"),
    );
    let json = scan(tmp.path(), "json").json();
    let expected = [
        Found::new(
            RULE,
            "app.env",
            2,
            "high",
            "service `app` sets `GH` to a credential written in the file: GitHub token (`ghp_****`)",
        ),
        Found::new(
            RULE,
            "compose.yaml",
            6,
            "high",
            "service `app` has a password inside the URL in `DATABASE_URL`",
        ),
        Found::new(
            RULE,
            "compose.yaml",
            9,
            "high",
            "config `one_line` holds a GitHub token in its `content` (line 1 of it), written into the Compose file",
        ),
    ];
    assert_eq!(found(&json, &[RULE]), expected, "{json:#}");
    // The snippets of the human report show the lines, not the values.
    for format in ["human", "json", "sarif"] {
        let all = scan(tmp.path(), format).all();
        for value in [&token, &inline_token, &db_password] {
            assert!(
                !all.contains(value.as_str()),
                "{format} prints a value:\n{all}"
            );
        }
    }
    let human = scan(tmp.path(), "human").stdout;
    assert!(
        human.contains("2 | GH=ghp_************************************"),
        "{human}"
    );
}
