//! `drydock k8s` as a user runs it: every workload kind, Lists, several
//! documents, standard input, annotations, bad input, and `scan` finding
//! manifests by content.

use serde_json::Value;

use crate::support::drydock;

/// A privileged container, indented for a pod spec at `indent` spaces.
fn pod_spec(indent: usize) -> String {
    let pad = " ".repeat(indent);
    format!(
        "{pad}containers:\n{pad}- name: app\n{pad}  image: example/app:1.0\n{pad}  securityContext:\n{pad}    privileged: true\n"
    )
}

fn wrap(kind: &str) -> String {
    match kind {
        "Pod" => format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n{}",
            pod_spec(2)
        ),
        "PodTemplate" => format!(
            "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: w\ntemplate:\n  spec:\n{}",
            pod_spec(4)
        ),
        "CronJob" => format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n{}",
            pod_spec(10)
        ),
        other => format!(
            "apiVersion: apps/v1\nkind: {other}\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n{}",
            pod_spec(6)
        ),
    }
}

fn privileged_lines(doc: &Value) -> Vec<u64> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "privileged")
        .map(|f| f["location"]["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn every_workload_kind_is_checked_at_the_right_line() {
    let kinds = [
        "Pod",
        "PodTemplate",
        "ReplicationController",
        "ReplicaSet",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
    ];
    for kind in kinds {
        let text = wrap(kind);
        let line = text
            .lines()
            .position(|l| l.contains("privileged: true"))
            .unwrap() as u64
            + 1;
        let out = drydock()
            .args(["k8s", "-", "--format", "json"])
            .stdin(&text)
            .run();
        assert_eq!(out.code(), Some(1), "{kind}: {}", out.stderr.as_str());
        let doc = out.json();
        assert_eq!(privileged_lines(&doc), vec![line], "{kind}");
        assert_eq!(doc["findings"][0]["subject"]["object_kind"], kind);
    }
}

#[test]
fn lists_and_multi_document_files_are_read_and_other_objects_ignored() {
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: c}}\n- apiVersion: v1\n  kind: Pod\n  metadata: {{name: p}}\n  spec:\n{}",
        pod_spec(4)
    );
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&list)
        .run();
    assert_eq!(privileged_lines(&out.json()), vec![15]);
    let multi = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---\n{}---\n{}",
        wrap("Pod"),
        wrap("Job")
    );
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&multi)
        .run();
    let doc = out.json();
    assert_eq!(privileged_lines(&doc).len(), 2);
    assert_eq!(doc["summary"]["workloads"], 2);
}

#[test]
fn a_pss_policy_gates_exactly_on_denial() {
    let allowed = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: example/app:1.0\n";
    let out = drydock()
        .args(["k8s", "-", "--policy", "pss-baseline"])
        .stdin(allowed)
        .run();
    assert_eq!(out.code(), Some(0));
    let out = drydock()
        .args(["k8s", "-", "--policy", "pss-restricted"])
        .stdin(allowed)
        .run();
    assert_eq!(out.code(), Some(1));
    let out = drydock()
        .args(["k8s", "-", "--policy", "pss-nope"])
        .stdin(allowed)
        .run();
    assert_eq!(out.code(), Some(2));
}

#[test]
fn the_ignore_annotation_suppresses_named_rules() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    drydock.io/ignore: privileged\n    drydock.io/ignore-reason: a node agent\nspec:\n  containers:\n  - name: app\n    image: example/app:1.0\n    securityContext:\n      privileged: true\n";
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(text)
        .run();
    let doc = out.json();
    assert!(privileged_lines(&doc).is_empty());
    assert!(doc["warnings"].to_string().contains("suppressed"));
}

#[test]
fn credentials_sockets_and_unpinned_images_are_found_without_a_policy() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: example/app\n        env:\n        - name: DB_PASSWORD\n          value: hunter2\n        - name: TOKEN\n          valueFrom: {secretKeyRef: {name: s, key: t}}\n      volumes:\n      - name: sock\n        hostPath: {path: /var/run/docker.sock}\n";
    let doc = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(text)
        .run()
        .json();
    let rules: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("plaintext-secret".into(), 12)),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("runtime-socket-mount".into(), 17)),
        "{rules:?}"
    );
    assert!(rules.contains(&("unpinned-image".into(), 9)), "{rules:?}");
    assert!(
        !rules.iter().any(|(_, l)| *l == 14),
        "valueFrom is not a literal: {rules:?}"
    );
}

#[test]
fn a_secret_name_is_not_a_secret_and_a_placeholder_is_low_issue_10() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - name: speaker\n        image: example/speaker:0.14@sha256:0000000000000000000000000000000000000000000000000000000000000000\n        env:\n        - name: SPEAKER_ML_SECRET_NAME\n          value: memberlist\n        - name: SPEAKER_ML_SECRET\n          valueFrom: {secretKeyRef: {name: memberlist, key: secretkey}}\n        - name: STORE_TOKEN_REFRESH_INTERVAL\n          value: \"60\"\n        - name: ADMIN_PASSWORD\n          value: changeme\n        - name: API_KEY\n          value: $(API_KEY_FROM_SECRET)\n";
    let doc = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(text)
        .run()
        .json();
    let found: Vec<(u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "plaintext-secret")
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found, vec![(18, "low".to_string())], "{doc:#}");
}

#[test]
fn bad_manifests_are_located_errors_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "not-yaml.yaml",
            "apiVersion: v1\nkind: Pod\nspec: [unclosed\n",
            3,
        ),
        (
            "scalar.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\njust text\n",
            5,
        ),
        (
            "no-kind.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {}\n---\napiVersion: v1\nmetadata: {name: b}\n",
            6,
        ),
        (
            "bad-spec.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec: [1, 2]\n",
            6,
        ),
    ];
    for (name, text, _) in &cases {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("good.yaml"), wrap("Pod")).unwrap();
    let out = drydock()
        .args(["k8s", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2));
    let doc = out.json();
    for (name, _, line) in &cases {
        let error = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == *name)
            .unwrap_or_else(|| panic!("no error for {name}: {}", doc["errors"]));
        assert_eq!(error["line"], *line, "{name}: {error}");
        assert!(!error["message"].as_str().unwrap().contains('\n'));
    }
    assert_eq!(
        privileged_lines(&doc).len(),
        1,
        "good.yaml is still reported"
    );
}

#[test]
fn scan_finds_manifests_by_content_next_to_compose_projects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("deploy")).unwrap();
    std::fs::write(dir.path().join("deploy/app.yaml"), wrap("Deployment")).unwrap();
    std::fs::write(
        dir.path().join("deploy/values.yaml"),
        "replicas: 3\nimage: app\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n",
    )
    .unwrap();
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    let doc = out.json();
    assert_eq!(doc["summary"]["projects"], 1);
    assert_eq!(doc["summary"]["workloads"], 1);
    assert_eq!(
        doc["errors"].as_array().unwrap().len(),
        0,
        "{}",
        doc["errors"]
    );
    let privileged = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "privileged")
        .unwrap();
    assert_eq!(privileged["location"]["path"], "deploy/app.yaml");
}

fn findings_of<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn line_of(text: &str, needle: &str) -> u64 {
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

/// Issue 10: kubectl warns about a key written twice and keeps the last
/// value; drydock does the same instead of refusing the manifest.
#[test]
fn a_duplicate_key_in_a_manifest_warns_and_the_last_value_wins_issue_10() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector:\n    matchLabels: {app: a}\n  selector:\n    matchLabels: {app: b}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      containers:\n      - name: app\n        image: example/app:1.0\n        securityContext:\n          privileged: true\n";
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(text)
        .run();
    assert_eq!(out.code(), Some(1), "{}", out.stderr.as_str());
    let doc = out.json();
    assert_eq!(
        privileged_lines(&doc),
        vec![line_of(text, "privileged: true")]
    );
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("duplicate key `selector`")
            && warnings.contains("line 7 is used")
            && warnings.contains("line 5 is dropped"),
        "{warnings}"
    );
    // The human report prints it too.
    let out = drydock().args(["k8s", "-"]).stdin(text).run();
    let human = out.stdout.as_str();
    assert!(
        human.contains("warning: (standard input):7:3: duplicate key `selector`"),
        "{human}"
    );
    // The last value is the one audited, whichever it is.
    let later_false = text.replace(
        "privileged: true\n",
        "privileged: true\n          privileged: false\n",
    );
    let doc = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&later_false)
        .run()
        .json();
    assert!(privileged_lines(&doc).is_empty(), "{}", doc["findings"]);
    let later_true = text.replace(
        "privileged: true\n",
        "privileged: false\n          privileged: true\n",
    );
    let doc = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&later_true)
        .run()
        .json();
    assert_eq!(privileged_lines(&doc), vec![17]);
}

/// Issue 10: the Compose reader still refuses a duplicate key, as Docker
/// Compose does.
#[test]
fn a_duplicate_key_in_compose_is_still_an_error_issue_10() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("compose.yaml");
    std::fs::write(&file, "services:\n  web:\n    image: a:1\n    image: b:1\n").unwrap();
    let out = drydock()
        .args(["compose", "-f", file.to_str().unwrap(), "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2));
    let doc = out.json();
    assert_eq!(doc["errors"][0]["line"], 4, "{}", doc["errors"]);
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate key `image`")
    );
}

const HOST_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n  - name: app\n    image: example/app:1.0\n    securityContext:\n      privileged: true\n";

/// Issue 10: a document that cannot be read is an error at its line, and
/// the other documents of the stream are still audited, in every format.
#[test]
fn a_broken_document_does_not_hide_the_others_issue_10() {
    let text = format!(
        "{HOST_POD}---\napiVersion: v1\nkind: ConfigMap\ndata: {{a: [unclosed\n---\n{}",
        wrap("Job")
    );
    let privileged = line_of(&text, "privileged: true");
    let host = line_of(&text, "hostNetwork");
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&text)
        .run();
    assert_eq!(out.code(), Some(2), "an input error is still exit 2");
    let doc = out.json();
    let lines = privileged_lines(&doc);
    assert_eq!(
        lines.len(),
        2,
        "the Pod and the Job after the broken document"
    );
    assert_eq!(lines[0], privileged);
    let host_namespace = findings_of(&doc, "host-namespace");
    assert_eq!(host_namespace[0]["location"]["line"], host);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["line"], 14, "{errors:?}");
    assert_eq!(doc["summary"]["workloads"], 2);

    let out = drydock().args(["k8s", "-"]).stdin(&text).run();
    assert_eq!(out.code(), Some(2));
    let human = out.stdout.as_str();
    assert!(human.contains("error: (standard input):14:"), "{human}");
    assert!(human.contains("runs privileged"), "{human}");

    let out = drydock()
        .args(["k8s", "-", "--format", "sarif"])
        .stdin(&text)
        .run();
    assert_eq!(out.code(), Some(2));
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "privileged"
        && r["locations"][0]["physicalLocation"]["region"]["startLine"] == privileged));
}

/// Issue 10: a ConfigMap with a duplicate key after a Pod only warns.
#[test]
fn a_duplicate_key_in_a_later_document_only_warns_issue_10() {
    let text = format!(
        "{HOST_POD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  a: one\n  a: two\n"
    );
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&text)
        .run();
    assert_eq!(out.code(), Some(1), "{}", out.stderr.as_str());
    let doc = out.json();
    assert_eq!(
        privileged_lines(&doc),
        vec![line_of(&text, "privileged: true")]
    );
    assert_eq!(
        findings_of(&doc, "host-namespace")[0]["location"]["line"],
        line_of(&text, "hostNetwork")
    );
    assert!(
        doc["warnings"]
            .to_string()
            .contains(":17:3: duplicate key `a`"),
        "{}",
        doc["warnings"]
    );
    assert!(doc["errors"].as_array().unwrap().is_empty());
}

/// A Pod whose one container has `security_context` (YAML lines at 4
/// spaces under the container) and the pod-level `extra` lines.
fn pod_with(security_context: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{extra}  containers:\n  - name: app\n    image: example/app:1.0\n    securityContext:\n{security_context}"
    )
}

fn messages(doc: &Value, rule: &str) -> Vec<String> {
    findings_of(doc, rule)
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn k8s_json(text: &str, policy: Option<&str>) -> Value {
    let mut args = vec!["k8s", "-", "--format", "json"];
    if let Some(p) = policy {
        args.extend(["--policy", p]);
    }
    drydock().args(&args).stdin(text).run().json()
}

/// Issue 10: without a Pod Security level a finding names the lowest
/// level's control it breaks; at restricted, the restricted override.
#[test]
fn without_a_level_findings_name_the_lowest_control_they_break_issue_10() {
    let text = pod_with(
        "      capabilities: {add: [SYS_ADMIN, CHOWN]}\n",
        "  volumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n",
    );
    let doc = k8s_json(&text, None);
    let socket = messages(&doc, "runtime-socket-mount");
    assert!(
        socket[0].ends_with("(Pod Security control hostPathVolumes)"),
        "{socket:?}"
    );
    let caps = messages(&doc, "added-capabilities");
    let sys_admin = caps.iter().find(|m| m.contains("SYS_ADMIN")).unwrap();
    assert!(
        sys_admin.ends_with("control capabilities_baseline)"),
        "{sys_admin}"
    );
    // CHOWN is allowed at baseline: only restricted denies it.
    let chown = caps.iter().find(|m| m.contains("CHOWN")).unwrap();
    assert!(
        chown.ends_with("control capabilities_restricted)"),
        "{chown}"
    );

    let doc = k8s_json(&text, Some("pss-restricted"));
    let socket = messages(&doc, "runtime-socket-mount");
    assert!(
        socket[0].ends_with("control restrictedVolumes)"),
        "{socket:?}"
    );
    let caps = messages(&doc, "added-capabilities");
    assert!(
        caps.iter()
            .all(|m| m.ends_with("control capabilities_restricted)")),
        "{caps:?}"
    );
}

/// Issue 10: Pod Security admission compares capability names exactly, so
/// `drop: [all]` does not satisfy restricted; the message says why.
#[test]
fn dropping_lowercase_all_is_explained_issue_10() {
    let doc = k8s_json(&pod_with("      capabilities: {drop: [all]}\n", ""), None);
    let not_dropped = messages(&doc, "capabilities-not-dropped");
    assert_eq!(not_dropped.len(), 1);
    assert!(
        not_dropped[0].contains("drops `all`, which is not `ALL`")
            && not_dropped[0].contains("case-sensitive"),
        "{not_dropped:?}"
    );
    let doc = k8s_json(&pod_with("      capabilities: {drop: [ALL]}\n", ""), None);
    assert!(messages(&doc, "capabilities-not-dropped").is_empty());
    let doc = k8s_json(
        &pod_with("      capabilities: {drop: [NET_RAW]}\n", ""),
        None,
    );
    let not_dropped = messages(&doc, "capabilities-not-dropped");
    assert!(
        not_dropped[0].contains("does not drop ALL capabilities"),
        "{not_dropped:?}"
    );
    assert!(!not_dropped[0].contains("is not `ALL`"));
}

/// Issue 10: a container with a non-zero runAsUser does not run as root;
/// restricted still requires runAsNonRoot, and the message says only that.
#[test]
fn a_non_zero_run_as_user_is_not_called_root_issue_10() {
    let run_as_root = |doc: &Value| messages(doc, "root-user");
    let doc = k8s_json(&pod_with("      runAsUser: 1000\n", ""), None);
    let root = run_as_root(&doc);
    assert_eq!(root.len(), 1, "{root:?}");
    assert!(!root[0].contains("may run as root"), "{root:?}");
    assert!(root[0].contains("runs as uid 1000, not root"), "{root:?}");
    // The pod's runAsUser applies to the container too.
    let doc = k8s_json(
        &pod_with(
            "      privileged: false\n",
            "  securityContext: {runAsUser: 2000}\n",
        ),
        None,
    );
    assert!(
        run_as_root(&doc)[0].contains("runs as uid 2000"),
        "{:?}",
        run_as_root(&doc)
    );
    // The restricted level still denies the pod.
    let out = drydock()
        .args(["k8s", "-", "--policy", "pss-restricted"])
        .stdin(pod_with("      runAsUser: 1000\n", ""))
        .run();
    assert_eq!(out.code(), Some(1));
    for uid_zero_or_unset in ["      runAsUser: 0\n", "      privileged: false\n"] {
        let doc = k8s_json(&pod_with(uid_zero_or_unset, ""), None);
        assert!(
            run_as_root(&doc)
                .iter()
                .any(|m| m.contains("may run as root")),
            "{:?}",
            run_as_root(&doc)
        );
    }
}

/// Issue 10: `ko://` names a Go package ko builds and pins by digest, not
/// an image in a registry: it does not "pull latest".
#[test]
fn a_ko_placeholder_is_not_an_unpinned_image_issue_10() {
    let ko = pod_with("      privileged: false\n", "")
        .replace("example/app:1.0", "ko://example.com/cmd/app");
    let doc = k8s_json(&ko, None);
    assert!(
        messages(&doc, "unpinned-image").is_empty(),
        "{}",
        doc["findings"]
    );
    let plain = ko.replace("ko://example.com/cmd/app", "example.com/cmd/app");
    let doc = k8s_json(&plain, None);
    assert!(messages(&doc, "unpinned-image")[0].contains("pulls `latest`"));
}

/// `scan DIR` in JSON with `path` as the whole `PATH` (the stand-in
/// tools), which must exit with `code`.
fn scan_with_tools(dir: &std::path::Path, path: &std::path::Path, code: i32) -> Value {
    let out = drydock()
        .args(["scan", dir.to_str().unwrap(), "--format", "json"])
        .env("PATH", path)
        .run();
    assert_eq!(out.code(), Some(code), "{}", out.stderr.as_str());
    out.json()
}

/// A script line printing `text` with shell builtins only (`PATH` holds
/// nothing else), from a file written beside `bin`.
fn print_text(bin: &std::path::Path, name: &str, text: &str) -> String {
    let file = bin.with_file_name(format!("{name}.out"));
    std::fs::write(&file, text).unwrap();
    format!(
        "while IFS= read -r l; do printf '%s\\n' \"$l\"; done < '{}'\n",
        file.display()
    )
}

/// Writes an executable shell script `name` into `bin`.
fn stand_in(bin: &std::path::Path, name: &str, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).unwrap();
    let path = bin.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A tree with a Helm chart whose template would not parse as YAML.
fn tree_with_chart() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("charts/app");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("charts/db/templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "privileged: true\n").unwrap();
    std::fs::write(
        chart.join("templates/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  {{- if .Values.privileged }}\n  x: 1\n  {{- end }}\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("charts/db/Chart.yaml"),
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("charts/db/templates/sts.yaml"),
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: {{ .Release.Name }}-db}\n",
    )
    .unwrap();
    dir
}

/// What the stand-in `helm` prints: two documents of one template, one of
/// the subchart, as `helm template` names them.
const HELM_OUTPUT: &str = "---\n# Source: app/charts/db/templates/sts.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: db}\n---\n# Source: app/templates/deploy.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  containers:\n  - name: app\n    image: example/app:1.0\n---\n# Source: app/templates/deploy.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec:\n  containers:\n  - name: app\n    image: example/app:1.0\n    securityContext:\n      privileged: true\n";

/// Issue 10: a chart is rendered with `helm template` (the one on PATH),
/// with `--helm-values`, and its findings name the template file.
#[test]
fn scan_renders_a_helm_chart_and_names_the_template_issue_10() {
    let dir = tree_with_chart();
    let bin = dir.path().join("bin");
    let args_file = dir.path().join("helm-args");
    stand_in(
        &bin,
        "helm",
        &format!(
            "printf '%s\\n' \"$@\" > '{}'\n{}",
            args_file.display(),
            print_text(&bin, "helm", HELM_OUTPUT)
        ),
    );
    let values = dir.path().join("prod-values.yaml");
    std::fs::write(&values, "replicas: 2\n").unwrap();
    let out = drydock()
        .args([
            "scan",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--helm-values",
            values.to_str().unwrap(),
        ])
        .env("PATH", &bin)
        .run();
    let stderr = out.stderr.as_str();
    assert_eq!(out.code(), Some(1), "{stderr}");
    let doc = out.json();
    assert!(
        doc["errors"].as_array().unwrap().is_empty(),
        "{}",
        doc["errors"]
    );
    assert_eq!(doc["summary"]["workloads"], 2);
    let privileged = findings_of(&doc, "privileged");
    assert_eq!(privileged.len(), 1);
    let location = &privileged[0]["location"];
    assert_eq!(location["path"], "charts/app/templates/deploy.yaml");
    // The template's rendered output is its two documents (9 lines, then
    // 11): `privileged` is on line 20 of it.
    assert_eq!(location["line"], 20, "{location}");
    assert!(
        location["note"]
            .as_str()
            .unwrap()
            .contains("rendered output")
    );
    assert!(
        privileged[0]["message"]
            .as_str()
            .unwrap()
            .contains("helm template")
    );
    let args: Vec<String> = std::fs::read_to_string(&args_file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let chart = dir.path().join("charts/app");
    assert_eq!(
        args,
        [
            "template",
            "drydock",
            chart.to_str().unwrap(),
            "-f",
            values.to_str().unwrap()
        ],
        "the subchart is rendered by its parent, not on its own"
    );
}

/// Issue 10: without `helm`, a chart is skipped with a notice, and its
/// templates are never read as manifests.
#[test]
fn scan_without_helm_skips_a_chart_with_a_notice_issue_10() {
    let dir = tree_with_chart();
    let empty = dir.path().join("no-tools");
    std::fs::create_dir_all(&empty).unwrap();
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .env("PATH", &empty)
        .run();
    let all = format!("{}{}", out.stdout.as_str(), out.stderr.as_str());
    assert_eq!(out.code(), Some(0), "{all}");
    assert!(!all.contains("mapping key must be a scalar"), "{all}");
    let doc = out.json();
    let skipped = doc["not_audited"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["path"], "charts/app");
    assert!(
        skipped[0]["message"]
            .as_str()
            .unwrap()
            .contains("helm template charts/app | drydock k8s -"),
        "{skipped:?}"
    );
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap()])
        .env("PATH", &empty)
        .run();
    let human = out.stdout.as_str();
    assert!(
        human.contains("not audited: charts/app: Helm chart not rendered"),
        "{human}"
    );
    assert!(human.contains("1 input(s) not audited"), "{human}");
}

/// Issue 10: a failing `helm template` is a warning naming the chart and
/// helm's first line on stderr, and the chart is listed as not audited.
#[test]
fn a_failing_helm_template_is_a_warning_and_the_chart_not_audited_issue_10() {
    let dir = tree_with_chart();
    let bin = dir.path().join("bin");
    stand_in(
        &bin,
        "helm",
        "echo 'Error: found in Chart.yaml, but missing in charts/ directory: db' >&2\necho 'more' >&2\nexit 1\n",
    );
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .env("PATH", &bin)
        .run();
    assert_eq!(out.code(), Some(0));
    let doc = out.json();
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("charts/app: helm template failed: Error: found in Chart.yaml")
            && !warnings.contains("more"),
        "{warnings}"
    );
    assert_eq!(doc["not_audited"][0]["path"], "charts/app");
}

/// A tree with a kustomization: a resource and a patch beside it.
fn tree_with_kustomization() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let k = dir.path().join("deploy");
    std::fs::create_dir_all(&k).unwrap();
    std::fs::write(
        k.join("kustomization.yaml"),
        "resources:\n- pod.yaml\npatches:\n- path: patch.yaml\n",
    )
    .unwrap();
    std::fs::write(k.join("pod.yaml"), wrap("Pod")).unwrap();
    // A patch is a partial object: read as a manifest it would be an error.
    std::fs::write(
        k.join("patch.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: 3\n",
    )
    .unwrap();
    dir
}

/// Issue 10: a kustomization is rendered with `kustomize build` and its
/// findings are named by the kustomization file.
#[test]
fn scan_renders_a_kustomization_issue_10() {
    let dir = tree_with_kustomization();
    let bin = dir.path().join("bin");
    let args_file = dir.path().join("kustomize-args");
    stand_in(
        &bin,
        "kustomize",
        &format!(
            "printf '%s\\n' \"$@\" > '{}'\n{}",
            args_file.display(),
            print_text(&bin, "kustomize", &wrap("Deployment"))
        ),
    );
    let doc = scan_with_tools(dir.path(), &bin, 1);
    assert!(
        doc["errors"].as_array().unwrap().is_empty(),
        "{}",
        doc["errors"]
    );
    let privileged = findings_of(&doc, "privileged");
    assert_eq!(
        privileged.len(),
        1,
        "only the rendered output: {}",
        doc["findings"]
    );
    assert_eq!(
        privileged[0]["location"]["path"],
        "deploy/kustomization.yaml"
    );
    assert_eq!(privileged[0]["location"]["line"], 12);
    let args = std::fs::read_to_string(&args_file).unwrap();
    assert_eq!(
        args,
        format!("build\n{}\n", dir.path().join("deploy").display())
    );
}

/// Issue 10: without kustomize or kubectl, the resources are audited as
/// plain manifests (not the patch), with a notice.
#[test]
fn scan_without_kustomize_audits_the_resources_with_a_notice_issue_10() {
    let dir = tree_with_kustomization();
    let empty = dir.path().join("no-tools");
    std::fs::create_dir_all(&empty).unwrap();
    let doc = scan_with_tools(dir.path(), &empty, 1);
    assert!(
        doc["errors"].as_array().unwrap().is_empty(),
        "the patch is not read: {}",
        doc["errors"]
    );
    let privileged = findings_of(&doc, "privileged");
    assert_eq!(privileged.len(), 1);
    assert_eq!(privileged[0]["location"]["path"], "deploy/pod.yaml");
    assert!(
        doc["warnings"]
            .to_string()
            .contains("deploy/kustomization.yaml: kustomization not rendered"),
        "{}",
        doc["warnings"]
    );
}

const TEMPLATE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n  - name: app\n    image: example/app:1.0\n";

/// Issue 10: a template outside a chart, named on the command line, is an
/// input error that says what it is; found by `scan`, it is not audited.
#[test]
fn an_unrendered_template_is_said_to_be_one_issue_10() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, format!("{}---\n{TEMPLATE}", wrap("Job"))).unwrap();
    let out = drydock()
        .args(["k8s", file.to_str().unwrap(), "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2));
    let doc = out.json();
    let error = &doc["errors"][0];
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        error["line"],
        line_of(&text, "{{ .Release.Name }}"),
        "{error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("looks like an unrendered template"),
        "{error}"
    );
    assert_eq!(privileged_lines(&doc).len(), 1, "the Job is still audited");

    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(1), "only the Job's finding fails the gate");
    let doc = out.json();
    assert!(
        doc["errors"].as_array().unwrap().is_empty(),
        "{}",
        doc["errors"]
    );
    assert!(
        doc["not_audited"][0]["message"]
            .as_str()
            .unwrap()
            .contains("helm template")
    );
    // Template syntax inside strings of a valid manifest is just text.
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alerts}\ndata:\n  slack.tmpl: |\n    {{ define \"x\" }}{{ .CommonLabels.alertname }}{{ end }}\n";
    std::fs::write(&file, config).unwrap();
    let out = drydock().args(["k8s", file.to_str().unwrap()]).run();
    assert_eq!(out.code(), Some(0), "{}", out.stdout.as_str());
}

/// Issue 10: with the real `kubectl kustomize` (or `kustomize`) when this
/// machine has one; CI does not install it, so without it the test says so
/// and checks nothing.
#[test]
fn scan_renders_a_kustomization_with_the_real_tool_when_present_issue_10() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .any(|d| d.join("kubectl").is_file() || d.join("kustomize").is_file());
    if !found {
        crate::support::skipped("neither kubectl nor kustomize is on PATH");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let k = dir.path().join("deploy");
    std::fs::create_dir_all(&k).unwrap();
    std::fs::write(
        k.join("kustomization.yaml"),
        "resources:\n- pod.yaml\nnamespace: shop\n",
    )
    .unwrap();
    std::fs::write(k.join("pod.yaml"), wrap("Pod")).unwrap();
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    let doc = out.json();
    assert!(
        doc["errors"].as_array().unwrap().is_empty(),
        "{}",
        doc["errors"]
    );
    let privileged = findings_of(&doc, "privileged");
    assert_eq!(privileged.len(), 1, "{}", doc["findings"]);
    assert_eq!(
        privileged[0]["location"]["path"],
        "deploy/kustomization.yaml"
    );
    assert_eq!(
        privileged[0]["subject"]["namespace"], "shop",
        "the rendered object"
    );
}

/// A chart holding a symlink out of the repository, and a kustomization
/// naming a remote resource, are never handed to their renderer: `helm`
/// follows symlinks (a host file could end up in the rendered output) and
/// `kustomize build` would fetch the remote resource.
#[test]
fn scan_does_not_render_what_would_read_outside_the_repository_issue_10() {
    let dir = tree_with_chart();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("charts/app/files.txt")).unwrap();
    let k = dir.path().join("deploy");
    std::fs::create_dir_all(&k).unwrap();
    std::fs::write(
        k.join("kustomization.yaml"),
        "resources:\n- pod.yaml\n- https://example.com/team/base?ref=v1\n",
    )
    .unwrap();
    std::fs::write(k.join("pod.yaml"), wrap("Pod")).unwrap();
    let bin = dir.path().join("bin");
    let ran = dir.path().join("renderer-ran");
    for tool in ["helm", "kustomize"] {
        stand_in(&bin, tool, &format!("echo {tool} > '{}'\n", ran.display()));
    }
    let out = drydock()
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .env("PATH", &bin)
        .run();
    assert!(!ran.exists(), "a renderer ran");
    let doc = out.json();
    let skipped: Vec<String> = doc["not_audited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].starts_with("charts/app: Helm chart not rendered: its symlink `files.txt`"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].starts_with("deploy/kustomization.yaml: kustomization not rendered: `kustomization.yaml` names a remote resource"),
        "{skipped:?}"
    );
}

/// NET_ADMIN reconfigures the network namespace it is in: medium in the
/// pod's own, high with `hostNetwork: true`; the same tiers as Compose.
#[test]
fn net_admin_is_high_only_on_the_host_network_issue_10() {
    let pod = |host_network: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: vpn}}\nspec:\n{host_network}  containers:\n  - name: vpn\n    image: example/vpn:1.0\n    securityContext:\n      capabilities:\n        add: [NET_ADMIN]\n"
        )
    };
    for (host_network, expected) in [("", "medium"), ("  hostNetwork: true\n", "high")] {
        let doc = drydock()
            .args(["k8s", "-", "--format", "json"])
            .stdin(pod(host_network))
            .run()
            .json();
        let severities: Vec<&str> = findings_of(&doc, "added-capabilities")
            .iter()
            .map(|f| f["severity"].as_str().unwrap())
            .collect();
        assert_eq!(severities, [expected], "{doc:#}");
    }
}

/// A hostPath every container mounts `readOnly: true` is ranked read-only,
/// as a Compose `:ro` bind is, and the message says why it matters.
#[test]
fn a_read_only_host_path_is_ranked_read_only_and_says_why_issue_10() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  containers:\n  - name: agent\n    image: example/agent:1.0\n    volumeMounts:\n    - {name: logs, mountPath: /var/lib/docker/containers, readOnly: true}\n    - {name: tz, mountPath: /etc/localtime, readOnly: true}\n    - {name: root, mountPath: /host, readOnly: true}\n    - {name: state, mountPath: /var/lib/docker/containers-rw}\n  volumes:\n  - {name: logs, hostPath: {path: /var/lib/docker/containers}}\n  - {name: tz, hostPath: {path: /etc/localtime}}\n  - {name: root, hostPath: {path: /}}\n  - {name: state, hostPath: {path: /var/lib/docker/volumes}}\n";
    let doc = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(text)
        .run()
        .json();
    let found: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "host-path-mount" || f["rule"] == "runtime-socket-mount")
        .map(|f| {
            (
                f["location"]["line"].to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let lines: Vec<(&str, &str)> = found
        .iter()
        .map(|(line, severity, _)| (line.as_str(), severity.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            ("14", "medium"),
            ("15", "low"),
            ("16", "critical"),
            ("17", "high")
        ],
        "{found:#?}"
    );
    assert!(
        found[2].2.contains("which holds the runtime socket"),
        "{found:#?}"
    );
}

/// A kustomization whose build fails still has its resources audited as
/// plain manifests, and the warning quotes the tool's error, not the
/// deprecation notice printed before it.
#[test]
fn a_failing_kustomize_build_still_audits_the_resources_issue_10() {
    let dir = tree_with_kustomization();
    let bin = dir.path().join("bin");
    stand_in(
        &bin,
        "kustomize",
        "echo \"# Warning: 'commonLabels' is deprecated. Please use 'labels' instead.\" >&2\necho \"Error: accumulating resources: missing.yaml: no such file or directory\" >&2\nexit 1\n",
    );
    let doc = scan_with_tools(dir.path(), &bin, 1);
    let privileged = findings_of(&doc, "privileged");
    assert_eq!(privileged.len(), 1, "{}", doc["findings"]);
    assert_eq!(privileged[0]["location"]["path"], "deploy/pod.yaml");
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("Error: accumulating resources: missing.yaml"),
        "{warnings}"
    );
    assert!(!warnings.contains("commonLabels"), "{warnings}");
}

/// `mountPropagation` is Compose's bind propagation under other names:
/// Bidirectional is `rshared` (medium), HostToContainer `rslave` (low).
#[test]
fn mount_propagation_is_shared_mount_propagation_issue_10() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: csi}\nspec:\n  containers:\n  - name: node\n    image: example/csi:1.0\n    volumeMounts:\n    - {name: kubelet, mountPath: /var/lib/kubelet, mountPropagation: Bidirectional}\n    - {name: host, mountPath: /host, mountPropagation: HostToContainer}\n    - {name: data, mountPath: /data, mountPropagation: None}\n  volumes:\n  - {name: kubelet, hostPath: {path: /var/lib/kubelet}}\n  - {name: host, hostPath: {path: /mnt}}\n  - {name: data, emptyDir: {}}\n";
    let doc = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(text)
        .run()
        .json();
    let found: Vec<(u64, &str)> = findings_of(&doc, "shared-mount-propagation")
        .iter()
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [(9, "medium"), (10, "low")], "{doc:#}");
}

/// A manifest of many documents, each under the node limit on its own but
/// together an alias bomb: the documents read before the limit are
/// audited, the first one past the limit is the one error, the rest are
/// not read, and the run ends at once (the limit used
/// to be counted per document, so 300 such documents grew to 54 million
/// nodes).
#[test]
fn an_alias_bomb_spread_over_many_documents_stops_at_the_file_limit() {
    let ones = vec!["1"; 50].join(",");
    let bomb = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bomb}}\ndata:\n  a: &a [{ones}]\n  b: &b [{}]\n  c: [{}]\n",
        vec!["*a"; 60].join(","),
        vec!["*b"; 60].join(",")
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: example/app:1.0\n    securityContext: {privileged: true}\n";
    let mut text = format!("{pod}---\n");
    text.push_str(&vec![bomb; 300].join("---\n"));
    let out = drydock()
        .args(["k8s", "-", "--format", "json"])
        .stdin(&text)
        .run();
    assert_eq!(out.code(), Some(2), "{}", out.stderr.as_str());
    let doc = out.json();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        1,
        "one error, not one per document: {errors:?}"
    );
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("alias bomb"), "{message}");
    assert_eq!(privileged_lines(&doc), vec![8]);
}

/// Standard input is bounded like a file: more than the 64 MiB limit is a
/// one-line error, not 64 MiB and more held in memory.
#[test]
fn a_manifest_on_standard_input_past_the_size_limit_is_refused() {
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
    text.push_str(&"#".repeat(65 << 20));
    let out = drydock().args(["k8s", "-"]).stdin(&text).run();
    assert_eq!(out.code(), Some(2), "{}", out.stderr.as_str());
    assert!(
        out.stdout
            .as_str()
            .contains("error: (standard input): file is larger than the 64 MiB limit"),
        "{}",
        out.stdout.as_str()
    );
}
