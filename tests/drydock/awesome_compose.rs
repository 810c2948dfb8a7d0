//! Real files: docker/awesome-compose (../shared/peers/awesome-compose,
//! read in place). Every project loads, and the real high-value problems
//! in it are found at their lines.

use crate::support;

use serde_json::Value;

use crate::support::drydock;

fn scan() -> Option<Value> {
    let dir = support::peers_dir("awesome-compose")?;
    let out = drydock()
        // Hermetic: `scan` would read the images of a local engine.
        .env("DOCKER_HOST", "unix:///nonexistent/drydock-test.sock")
        .args(["scan", dir.to_str().unwrap(), "--format", "json"])
        .env_clear()
        .run();
    assert_eq!(out.code(), Some(1), "{}", out.stderr.as_str());
    Some(serde_json::from_str(&out.stdout).unwrap())
}

fn has(doc: &Value, rule: &str, path: &str, line: u64, severity: &str) -> bool {
    doc["findings"].as_array().unwrap().iter().any(|f| {
        f["rule"] == rule
            && f["location"]["path"] == path
            && f["location"]["line"] == line
            && f["severity"] == severity
    })
}

#[test]
fn loads_every_project_without_error() {
    let Some(doc) = scan() else { return };
    assert_eq!(
        doc["errors"].as_array().unwrap().len(),
        0,
        "{}",
        doc["errors"]
    );
    assert_eq!(doc["summary"]["projects"], 39);
}

#[test]
fn finds_the_real_high_value_problems() {
    let Some(doc) = scan() else { return };
    let expected = [
        (
            "runtime-socket-mount",
            "portainer/compose.yaml",
            9,
            "critical",
        ),
        (
            "runtime-socket-mount",
            "traefik-golang/compose.yaml",
            10,
            "critical",
        ),
        (
            "added-capabilities",
            "wireguard/compose.yaml",
            8,
            "critical",
        ),
        ("host-path-mount", "wireguard/compose.yaml", 22, "high"),
        ("host-namespace", "plex/compose.yaml", 5, "high"),
        (
            "plaintext-secret",
            "wordpress-mysql/compose.yaml",
            12,
            "high",
        ),
        (
            "plaintext-secret",
            "gitea-postgres/compose.yaml",
            19,
            "high",
        ),
        (
            "plaintext-secret",
            "nextcloud-postgres/compose.yaml",
            17,
            "high",
        ),
        (
            "plaintext-secret",
            "wasmedge-mysql-nginx/compose.yml",
            17,
            "high",
        ),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(rule, path, line, sev)| !has(&doc, rule, path, *line, sev))
        .collect();
    assert!(missing.is_empty(), "not found: {missing:?}");
}

#[test]
fn secrets_passed_as_compose_secrets_are_not_reported() {
    let Some(doc) = scan() else { return };
    // nginx-golang-postgres passes the database password as a secret file.
    let leaked = doc["findings"].as_array().unwrap().iter().any(|f| {
        f["rule"] == "plaintext-secret"
            && f["location"]["path"] == "nginx-golang-postgres/compose.yaml"
    });
    assert!(!leaked);
}
