//! The join of Compose services and the images they run (`scan --images`):
//! compound rules under each service's effective user, root filesystem and
//! no-new-privileges, on generated images.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::fixtures;
use crate::support::image::{BuiltImage, Image, Layer};
use serde_json::Value;

use crate::support::drydock;

/// Root by default; an exec-capable netcat, a setuid helper no
/// distribution ships, and a server binary owned by uid 10001.
fn toolbox() -> Image {
    let layer = Layer::new()
        .dir("etc", 0o755, 0, 0)
        .file("etc/passwd", 0o644, 0, 0, fixtures::base_passwd())
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/nc", 0o755, 0, 0, fixtures::netcat_traditional())
        .dir("usr/local", 0o755, 0, 0)
        .dir("usr/local/bin", 0o755, 0, 0)
        .file(
            "usr/local/bin/helper",
            0o4755,
            0,
            0,
            fixtures::plain_elf("helper"),
        )
        .dir("app", 0o755, 10001, 10001)
        .file(
            "app/server",
            0o755,
            10001,
            10001,
            fixtures::plain_elf("server"),
        )
        .created_by("COPY . /");
    Image::new().tag("acme/toolbox:2").layer(layer)
}

const COMPOSE: &str = r#"services:
  rootnc:
    image: docker.io/acme/toolbox:2
  hardened:
    image: acme/toolbox:2
    user: "10001"
    read_only: true
    security_opt: [no-new-privileges:true]
  appuser:
    image: acme/toolbox:2
    user: "10001"
    security_opt: [no-new-privileges:true]
  readonly:
    image: acme/toolbox:2
    read_only: true
    security_opt: [no-new-privileges:true]
  rootnnp:
    image: acme/toolbox:2
    security_opt: [no-new-privileges:true]
  elsewhere:
    image: acme/other:1
"#;

fn scan(dir: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let out = drydock()
        .arg("scan")
        .arg(dir.join("project"))
        .arg("--images")
        .arg(dir.join("images"))
        .args(["--format", "json"])
        .args(extra)
        .run();
    let doc = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", out.stderr.as_str());
    });
    (out.code(), doc)
}

fn setup() -> tempfile::TempDir {
    setup_with(COMPOSE).0
}

/// `project/compose.yaml` and the toolbox image in `images/`.
fn setup_with(compose: &str) -> (tempfile::TempDir, BuiltImage) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("project")).unwrap();
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::write(dir.path().join("project/compose.yaml"), compose).unwrap();
    let built = toolbox().write_docker_oci(&dir.path().join("images/toolbox.tar"));
    (dir, built)
}

/// (rule, service) of every compound finding.
fn compound(doc: &Value) -> BTreeSet<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            [
                "remote-shell-toolkit",
                "setuid-escalation-path",
                "writable-binaries-at-runtime",
            ]
            .contains(&f["rule"].as_str().unwrap())
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"]["service"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn compound_rules_follow_each_services_effective_runtime() {
    let dir = setup();
    let (_, doc) = scan(dir.path(), &[]);
    let want: BTreeSet<(String, String)> = [
        // root, writable root filesystem, no no-new-privileges
        ("remote-shell-toolkit", "rootnc"),
        ("setuid-escalation-path", "rootnc"),
        // root with no-new-privileges, but the root filesystem is writable
        ("remote-shell-toolkit", "rootnnp"),
        // `user: "10001"` overrides the image's root: the image is checked
        // again as 10001, who owns /app/server
        ("writable-binaries-at-runtime", "appuser"),
    ]
    .iter()
    .map(|(r, s)| (r.to_string(), s.to_string()))
    .collect();
    assert_eq!(compound(&doc), want, "{doc}");
}

#[test]
fn a_compound_finding_names_the_service_line_and_the_image_path() {
    let dir = setup();
    let (code, doc) = scan(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let findings = doc["findings"].as_array().unwrap();
    let chain = findings
        .iter()
        .find(|f| f["rule"] == "remote-shell-toolkit" && f["subject"]["service"] == "rootnc")
        .unwrap();
    assert_eq!(chain["location"]["path"], "compose.yaml");
    assert_eq!(chain["location"]["line"], 3);
    let netcat = &chain["related"][0];
    assert_eq!(netcat["kind"], "image");
    assert_eq!(netcat["path"], "/usr/bin/nc");
    assert_eq!(netcat["layer"]["index"], 0);
    assert!(chain["message"].as_str().unwrap().contains("Falco"));

    let writable = findings
        .iter()
        .find(|f| f["rule"] == "writable-binaries-at-runtime")
        .unwrap();
    let paths: Vec<&str> = writable["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert!(paths.contains(&"/app/server"), "{writable}");
    assert!(
        writable["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["route"] == "services.appuser.user"),
        "{writable}"
    );

    // The image's own findings point back at the services that run it.
    let netcat_finding = findings
        .iter()
        .find(|f| f["rule"] == "exec-capable-netcat")
        .unwrap();
    let runners = netcat_finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["note"]
                .as_str()
                .is_some_and(|n| n.starts_with("run by service"))
        })
        .count();
    assert_eq!(runners, 5, "{netcat_finding}");
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("service `elsewhere` (acme/other:1)"),
        "{warnings}"
    );
}

#[test]
fn without_the_image_there_is_no_compound_finding() {
    let dir = setup();
    std::fs::remove_file(dir.path().join("images/toolbox.tar")).unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    assert!(compound(&doc).is_empty(), "{doc}");
}

#[test]
fn an_ignore_of_a_compound_rule_is_unused_only_when_images_were_read() {
    let dir = setup();
    let ignored = COMPOSE.replace(
        "  rootnc:\n    image:",
        "  rootnc:\n    # drydock: ignore[remote-shell-toolkit] debug image, never deployed\n    image:",
    );
    std::fs::write(dir.path().join("project/compose.yaml"), ignored).unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    let found = compound(&doc);
    assert!(
        !found.contains(&("remote-shell-toolkit".into(), "rootnc".into())),
        "{doc}"
    );
    assert!(
        found.contains(&("remote-shell-toolkit".into(), "rootnnp".into())),
        "{doc}"
    );
    assert_eq!(doc["summary"]["ignored"], 1, "{doc}");

    // Without the image the rule cannot fire, so the comment is not unused.
    std::fs::remove_file(dir.path().join("images/toolbox.tar")).unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    let rules = doc["findings"].to_string();
    assert!(!rules.contains("unused-ignore"), "{rules}");
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: shell
          image: acme/toolbox:2
        - name: nonroot
          image: acme/toolbox:2
          securityContext:
            runAsNonRoot: true
        - name: owner
          image: acme/toolbox:2
          securityContext:
            runAsUser: 10001
            allowPrivilegeEscalation: false
"#;

#[test]
fn kubernetes_containers_are_joined_with_their_own_security_context() {
    let dir = setup();
    std::fs::write(dir.path().join("project/compose.yaml"), "services: {}\n").unwrap();
    std::fs::write(dir.path().join("project/api.yaml"), DEPLOYMENT).unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    let found: BTreeSet<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject"]["kind"] == "k8s-workload")
        .filter(|f| {
            f["rule"].as_str().unwrap().contains("-at-runtime")
                || f["rule"] == "remote-shell-toolkit"
                || f["rule"] == "setuid-escalation-path"
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: BTreeSet<(String, u64)> = [
        // `shell` (image line 10): root, writable, may escalate
        ("remote-shell-toolkit", 10),
        ("setuid-escalation-path", 10),
        // `nonroot` (line 12): the kubelet will not start it as root, so
        // no remote shell; but it may escalate through the setuid helper
        ("setuid-escalation-path", 12),
        // `owner` (line 16): uid 10001 owns /app/server, writable root;
        // allowPrivilegeEscalation: false stops the setuid path
        ("writable-binaries-at-runtime", 16),
    ]
    .iter()
    .map(|(r, l)| (r.to_string(), *l))
    .collect();
    assert_eq!(found, want, "{doc}");
    let chain = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "writable-binaries-at-runtime")
        .unwrap();
    assert!(
        chain["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment/api, container `owner` runs image"),
        "{chain}"
    );
}

const DECLARING_POLICY: &str = r#"compound-rules:
  setuid-helper-as-root:
    title: Root service whose image has a setuid helper
    severity: medium
    description: Our images carry no setuid helpers when they run as root.
    when:
      - image: setuid-file
        severity: high
        note: a setuid helper
      - user: root
    message: "{service} runs `{image}` as {user} with {parts}"
    fix: remove the helper from the image
rules:
  setuid-escalation-path: off
exceptions:
  - rule: setuid-helper-as-root
    service: rootnnp
    reason: the migration job, retired in Q1
"#;

#[test]
fn a_policy_declares_its_own_compound_rule() {
    let dir = setup();
    std::fs::write(dir.path().join("project/.drydock.yaml"), DECLARING_POLICY).unwrap();
    let ignored = COMPOSE.replace(
        "  readonly:\n    image:",
        "  readonly:\n    # drydock: ignore[setuid-helper-as-root] read-only, audited\n    image:",
    );
    std::fs::write(dir.path().join("project/compose.yaml"), ignored).unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    let findings = doc["findings"].as_array().unwrap();
    let declared: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "setuid-helper-as-root")
        .collect();
    // Root services: rootnc, rootnnp (excepted) and readonly (ignored);
    // hardened and appuser run as 10001.
    let services: Vec<&str> = declared
        .iter()
        .map(|f| f["subject"]["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["rootnc"], "{doc}");
    let finding = declared[0];
    assert_eq!(finding["severity"], "medium");
    assert_eq!(finding["location"]["route"], "services.rootnc.image");
    assert_eq!(
        finding["message"],
        "service `rootnc` runs `docker.io/acme/toolbox:2` as root with a setuid helper (`/usr/local/bin/helper`)"
    );
    assert_eq!(finding["related"][0]["path"], "/usr/local/bin/helper");
    assert_eq!(finding["related"][0]["note"], "a setuid helper");
    assert_eq!(finding["fix"], "remove the helper from the image");
    assert_eq!(doc["summary"]["excepted"], 1, "{doc}");
    assert_eq!(doc["summary"]["ignored"], 1, "{doc}");
    // The policy turned the built-in rule off.
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "setuid-escalation-path"),
        "{doc}"
    );

    // SARIF describes the declared rule with its declaration.
    let out = drydock()
        .arg("scan")
        .arg(dir.path().join("project"))
        .arg("--images")
        .arg(dir.path().join("images"))
        .args(["--format", "sarif"])
        .run();
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "setuid-helper-as-root")
        .unwrap_or_else(|| panic!("{sarif}"));
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("- image: setuid-file"),
        "{rule}"
    );

    // `rules` and `explain` in the repository know it.
    let explain = drydock()
        .current_dir(dir.path().join("project"))
        .args(["explain", "setuid-helper-as-root"])
        .run();
    let text = explain.stdout.as_str();
    assert!(
        text.contains("Our images carry no setuid helpers"),
        "{text}"
    );
    let listed = drydock()
        .current_dir(dir.path().join("project"))
        .arg("rules")
        .run();
    assert!(listed.stdout.contains("setuid-helper-as-root"));
}

#[test]
fn a_broken_declaration_is_reported_with_every_line() {
    let dir = setup();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "compound-rules:\n  netcat-anywhere:\n    title: Netcat\n    when:\n      - image: exec-capable-netcatt\n      - service: root-usr\n    message: \"{service} {imag}\"\nrules:\n  netcat-anywhere: high\n",
    )
    .unwrap();
    let out = drydock().args(["policy", "check"]).arg(&policy).run();
    assert_eq!(out.code(), Some(2));
    let stderr = out.stderr.as_str();
    for expected in [
        ":2:3: compound rule `netcat-anywhere` needs a `severity`",
        ":5:16: no image rule `exec-capable-netcatt`; did you mean `exec-capable-netcat`?",
        ":6:18: no Compose or Kubernetes rule `root-usr`; did you mean `root-user`?",
        ":7:14: `message` names `{imag}`; did you mean `{image}`?",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // The declared id is known to `rules:` even though it is broken.
    assert!(!stderr.contains("no rule `netcat-anywhere`"), "{stderr}");
}

#[test]
fn network_tool_lists_come_from_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("project")).unwrap();
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::write(
        dir.path().join("project/compose.yaml"),
        "services:\n  tools:\n    image: acme/tools:1\n",
    )
    .unwrap();
    let layer = Layer::new()
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/curl", 0o755, 0, 0, fixtures::plain_elf("curl"))
        .file("usr/bin/dig", 0o755, 0, 0, fixtures::plain_elf("dig"));
    Image::new()
        .tag("acme/tools:1")
        .layer(layer)
        .write_docker_oci(&dir.path().join("images/tools.tar"));
    let tools = |doc: &Value| -> Vec<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "network-tool")
            .map(|f| f["location"]["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, doc) = scan(dir.path(), &[]);
    assert_eq!(tools(&doc), ["/usr/bin/dig"], "{doc}");

    std::fs::write(
        dir.path().join("project/.drydock.yaml"),
        "rules:\n  network-tool:\n    tools: [curl]\n    allowed: [dig]\n",
    )
    .unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    assert_eq!(tools(&doc), ["/usr/bin/curl"], "{doc}");

    // `drydock image` reads the repository's policy too.
    let out = drydock()
        .current_dir(dir.path().join("project"))
        .args([
            "image",
            "--input",
            "../images/tools.tar",
            "--format",
            "json",
        ])
        .run();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(tools(&doc), ["/usr/bin/curl"], "{doc}");
}

#[test]
fn a_reference_pinned_by_digest_joins_the_image_with_that_digest() {
    let (dir, built) = setup_with("");
    let other = format!("sha256:{}", "0".repeat(64));
    let compose = format!(
        "services:\n  mirror:\n    image: registry.example.com/mirror/toolbox@{manifest}\n  pinned:\n    image: acme/toolbox:2@{manifest}\n  stale:\n    image: acme/toolbox:2@{other}\n  by-id:\n    image: {config}\n",
        manifest = built.manifest_digest,
        config = built.config_digest,
    );
    std::fs::write(dir.path().join("project/compose.yaml"), compose).unwrap();
    let (_, doc) = scan(dir.path(), &[]);
    let joined: BTreeSet<String> = compound(&doc)
        .into_iter()
        .filter(|(rule, _)| rule == "remote-shell-toolkit")
        .map(|(_, service)| service)
        .collect();
    // The digest decides, whatever the name: the mirror's name differs,
    // and `stale` names the right tag with another digest.
    assert_eq!(
        joined,
        ["by-id", "mirror", "pinned"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        "{doc}"
    );
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains(&format!("service `stale` (acme/toolbox:2@{other})")),
        "{warnings}"
    );
}

#[test]
fn an_exception_names_an_image_by_any_of_its_digests() {
    let (dir, built) = setup_with("services:\n  app:\n    image: acme/toolbox:2\n");
    let excepted = |image: &str| {
        std::fs::write(
            dir.path().join("project/.drydock.yaml"),
            format!(
                "exceptions:\n  - rule: exec-capable-netcat\n    image: \"{image}\"\n    reason: the debug image\n"
            ),
        )
        .unwrap();
        let (_, doc) = scan(dir.path(), &[]);
        doc["summary"]["excepted"].as_u64().unwrap()
    };
    // The manifest digest, as a registry or `docker images --digests`
    // shows it; the image id; the name.
    assert_eq!(
        excepted(&format!("acme/toolbox@{}", built.manifest_digest)),
        1
    );
    assert_eq!(excepted(&built.config_digest), 1);
    assert_eq!(excepted("acme/toolbox:2"), 1);
    // Another digest, or another tag, is another image.
    assert_eq!(
        excepted(&format!("acme/toolbox@sha256:{}", "1".repeat(64))),
        0
    );
    assert_eq!(excepted("acme/toolbox:3"), 0);
}
