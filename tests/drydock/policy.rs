//! Policy files as a user writes them: `.drydock.yaml` found by walking up
//! from the scan root, `--policy FILE`, rule settings, exceptions with
//! expiry (the date comes from `DRYDOCK_TODAY`, never the clock), and
//! `drydock policy check`.

use std::path::Path;

use serde_json::Value;

use crate::support::drydock;

const COMPOSE: &str = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n  agent:\n    image: agent:1.0\n    privileged: true\n";

/// (rule, service, severity) of every finding.
fn findings(doc: &Value) -> Vec<(String, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"]["service"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn repo(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("deploy/app")).unwrap();
    std::fs::write(dir.path().join("deploy/app/compose.yaml"), COMPOSE).unwrap();
    std::fs::write(dir.path().join(".drydock.yaml"), policy).unwrap();
    dir
}

const POLICY: &str = "fail-on: high
rules:
  unpinned-image: off
  missing-resource-limits: info
exceptions:
  - rule: privileged
    service: agent
    path: deploy/**/compose.yaml
    reason: loads the NIC driver; SEC-123
    expires: 2027-01-31
";

#[test]
fn the_repository_policy_is_found_above_the_scan_root_and_applied() {
    let dir = repo(POLICY);
    let out = drydock()
        .current_dir(dir.path().join("deploy"))
        .args(["scan", "app", "--images", "none", "--format", "json"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    let doc = out.json();
    let found = findings(&doc);
    let privileged: Vec<&String> = found
        .iter()
        .filter(|(r, _, _)| r == "privileged")
        .map(|(_, s, _)| s)
        .collect();
    assert_eq!(privileged, ["web"], "agent's is excepted: {doc}");
    assert!(
        !found.iter().any(|(r, _, _)| r == "unpinned-image"),
        "off: {doc}"
    );
    assert!(
        found
            .iter()
            .filter(|(r, _, _)| r == "missing-resource-limits")
            .all(|(_, _, s)| s == "info"),
        "{doc}"
    );
    assert_eq!(doc["summary"]["excepted"], 1, "{doc}");
    assert_eq!(out.code(), Some(1), "web is still privileged");
}

#[test]
fn an_expired_exception_no_longer_applies_and_says_so() {
    let dir = repo(POLICY);
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .env("DRYDOCK_TODAY", "2027-02-01")
        .run();
    let doc = out.json();
    let privileged = findings(&doc)
        .into_iter()
        .filter(|(r, _, _)| r == "privileged")
        .count();
    assert_eq!(privileged, 2, "{doc}");
    // The lapsed decision is a finding at its line in the policy file.
    let expired = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "expired-exception")
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(expired["location"]["path"], ".drydock.yaml");
    assert_eq!(expired["location"]["line"], 6);
    assert_eq!(expired["location"]["route"], "exceptions[0]");
    assert_eq!(expired["severity"], "low");
    assert_eq!(
        expired["message"],
        "the exception for `privileged` expired on 2027-01-31 and no longer applies (loads the NIC driver; SEC-123)"
    );
    // Named like the scanned files: relative to the scan root.
    let below = drydock()
        .current_dir(dir.path().join("deploy"))
        .args(["scan", "app", "--images", "none", "--format", "json"])
        .env("DRYDOCK_TODAY", "2027-02-01")
        .run()
        .json();
    assert!(
        below["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "expired-exception"
                && f["location"]["path"] == "../../.drydock.yaml"),
        "{below}"
    );
    // It shows with its line in the human report too.
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none"])
        .env("DRYDOCK_TODAY", "2027-02-01")
        .run();
    let text = out.stdout.as_str();
    assert!(
        text.contains("low[expired-exception]") && text.contains("--> .drydock.yaml:6:5"),
        "{text}"
    );
    // The last day still counts.
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .env("DRYDOCK_TODAY", "2027-01-31")
        .run();
    assert_eq!(out.json()["summary"]["excepted"], 1);
}

#[test]
fn policy_flag_overrides_the_repository_file() {
    let dir = repo(POLICY);
    std::fs::write(dir.path().join("strict.yaml"), "fail-on: info\n").unwrap();
    let out = drydock()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--images",
            "none",
            "--policy",
            "strict.yaml",
            "--format",
            "json",
        ])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    let doc = out.json();
    assert_eq!(doc["summary"]["excepted"], 0, "{doc}");
    assert_eq!(doc["summary"]["fail_on"], "info", "{doc}");
}

#[test]
fn policy_check_reports_every_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "extend: pss-baseline\nfail-on: hgh\nrules:\n  privilegd: off\nexceptions:\n  - rule: privileged\n    servce: x\n    expires: 2026-02-30\n",
    )
    .unwrap();
    let out = drydock()
        .current_dir(dir.path())
        .args(["policy", "check", "bad.yaml"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    let stderr = out.stderr.as_str();
    assert_eq!(out.code(), Some(2), "{stderr}");
    for want in [
        "bad.yaml:1:1: unknown policy key `extend`; did you mean `extends`?",
        "bad.yaml:2:10: `fail-on` must be",
        "bad.yaml:4:3: no rule `privilegd`; did you mean `privileged`?",
        "bad.yaml:7:5: unknown exception key `servce`; did you mean `service`?",
        "bad.yaml:6:5: an exception needs a `reason`",
        "bad.yaml:8:14: `expires` must be a date",
    ] {
        assert!(stderr.contains(want), "missing {want:?} in:\n{stderr}");
    }
    assert_eq!(stderr.lines().count(), 6, "{stderr}");

    std::fs::write(dir.path().join("good.yaml"), POLICY).unwrap();
    let out = drydock()
        .current_dir(dir.path())
        .args(["policy", "check", "good.yaml"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    assert_eq!(out.code(), Some(0));
    assert!(out.stdout.contains("1 exception(s)"));
}

#[test]
fn a_broken_repository_policy_is_an_input_error_and_the_run_goes_on() {
    let dir = repo("fail-on: sometimes\n");
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    let doc = out.json();
    assert_eq!(out.code(), Some(2));
    assert_eq!(doc["errors"][0]["line"], 1, "{doc}");
    assert!(
        !findings(&doc).is_empty(),
        "the projects are still reported"
    );
}

#[test]
fn a_policy_extends_a_preset() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.yaml"), "extends: pss-baseline\n").unwrap();
    let out = drydock()
        .current_dir(dir.path())
        .args(["k8s", "pod.yaml", "--policy", "p.yaml", "--format", "json"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    // The preset's settings came in: its gate (`fail-on: info`) and
    // exactly the baseline controls, which admit this pod (every control
    // would report several findings on it).
    let doc = out.json();
    assert_eq!(doc["summary"]["fail_on"], "info", "{doc}");
    assert_eq!(doc["summary"]["findings"], 0, "{doc}");
    assert_eq!(out.code(), Some(0), "{doc}");
}

#[test]
fn an_explicit_fail_on_wins_over_the_policy() {
    let dir = repo("fail-on: info\n");
    let out = drydock()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--images",
            "none",
            "--fail-on",
            "critical",
            "--format",
            "json",
        ])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    assert_eq!(out.json()["summary"]["fail_on"], "critical");
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run();
    assert_eq!(out.json()["summary"]["fail_on"], "info");
}

#[test]
fn the_policy_examples_of_the_readme_and_the_docs_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for page in std::fs::read_dir(root.join("docs")).unwrap() {
        let page = page.unwrap().path();
        if page.extension().is_some_and(|e| e == "md") {
            readme.push_str(&std::fs::read_to_string(page).unwrap());
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for block in readme.split("```yaml\n").skip(1) {
        let body = block.split("\n```").next().unwrap();
        if !body.starts_with("# .drydock.yaml") {
            continue;
        }
        let file = dir.path().join(format!("example-{checked}.yaml"));
        std::fs::write(&file, body).unwrap();
        let out = drydock()
            .current_dir(dir.path())
            .args(["policy", "check", file.to_str().unwrap()])
            .env("DRYDOCK_TODAY", "2026-01-01")
            .run();
        assert_eq!(out.code(), Some(0), "{body}\n{}", out.stderr.as_str());
        checked += 1;
    }
    assert!(checked >= 2, "the README has policy examples");
}

const TUNED_POLICY: &str = "rules:
  added-capabilities:
    allowed: [NET_ADMIN]
  host-path-mount:
    sensitive-paths: [/srv/keys]
  untrusted-registry:
    trusted: [docker.io/library, registry.example.com]
";

const TUNED_COMPOSE: &str = "services:
  vpn:
    image: registry.example.com/vpn:1.0
    cap_add: [NET_ADMIN, SYS_ADMIN]
    volumes:
      - /srv/keys/vpn:/keys
      - /var/log:/logs:ro
  web:
    image: nginx:1.27
  fork:
    image: someone/nginx:1.27
  built:
    build: .
    image: someone/app:1
";

const TUNED_MANIFEST: &str = "apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: app
      image: ghcr.io/acme/api:1
";

/// (rule, file:line, severity) of the findings of `rules`, sorted.
fn located(doc: &Value, rules: &[&str]) -> Vec<String> {
    let mut found: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn rule_parameters_tune_what_the_rules_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), TUNED_COMPOSE).unwrap();
    std::fs::write(dir.path().join("pod.yaml"), TUNED_MANIFEST).unwrap();
    let rules = [
        "added-capabilities",
        "host-path-mount",
        "untrusted-registry",
    ];
    let scanned = || {
        drydock()
            .current_dir(dir.path())
            .args(["scan", ".", "--images", "none", "--format", "json"])
            .env("DRYDOCK_TODAY", "2026-11-27")
            .run()
            .json()
    };
    let untuned = scanned();
    assert_eq!(
        located(&untuned, &rules),
        [
            "added-capabilities compose.yaml:4 critical",
            // NET_ADMIN in the service's own network namespace.
            "added-capabilities compose.yaml:4 medium",
            // /srv/keys/vpn is one application's data directory.
            "host-path-mount compose.yaml:7 low",
        ],
        "{untuned}"
    );

    std::fs::write(dir.path().join(".drydock.yaml"), TUNED_POLICY).unwrap();
    let tuned = scanned();
    assert_eq!(
        located(&tuned, &rules),
        [
            // NET_ADMIN is allowed; SYS_ADMIN is not.
            "added-capabilities compose.yaml:4 critical",
            // /srv/keys is ranked like /etc; /var/log keeps its rank.
            "host-path-mount compose.yaml:6 high",
            "host-path-mount compose.yaml:7 low",
            // someone/nginx is docker.io/someone, outside docker.io/library;
            // the built service names its own image.
            "untrusted-registry compose.yaml:11 high",
            // ghcr.io/acme is not trusted.
            "untrusted-registry pod.yaml:8 high",
        ],
        "{tuned}"
    );
    let pod = tuned["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "untrusted-registry" && f["location"]["path"] == "pod.yaml")
        .unwrap();
    assert_eq!(
        pod["message"],
        "Pod/api: container `app` runs image `ghcr.io/acme/api:1` from `ghcr.io`, outside the trusted registries (docker.io/library, registry.example.com)"
    );
}

#[test]
fn compose_and_k8s_find_the_repository_policy_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("deploy")).unwrap();
    std::fs::write(
        dir.path().join("deploy/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("deploy/compose.yaml"), COMPOSE).unwrap();
    std::fs::write(
        dir.path().join(".drydock.yaml"),
        "extends: pss-baseline\nrules:\n  privileged: off\n",
    )
    .unwrap();
    let k8s = drydock()
        .current_dir(dir.path())
        .args(["k8s", "deploy", "--format", "json"])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run()
        .json();
    assert_eq!(k8s["summary"]["fail_on"], "info", "{k8s}");
    assert_eq!(k8s["summary"]["findings"], 0, "{k8s}");
    let compose = drydock()
        .current_dir(dir.path())
        .args([
            "compose",
            "--project-directory",
            "deploy",
            "--format",
            "json",
        ])
        .env("DRYDOCK_TODAY", "2026-11-27")
        .run()
        .json();
    assert!(
        !findings(&compose).iter().any(|(r, _, _)| r == "privileged"),
        "{compose}"
    );
    assert_eq!(compose["summary"]["turned_off"], 2, "{compose}");
}
