//! The targets of the span-aware YAML layer and of what reads it besides
//! Compose: Kubernetes manifests and policy files.

use std::path::Path;
use std::sync::Arc;

use super::harness::{Scratch, judge, judge_against, parts};
use crate::k8s::pss::Level;
use crate::params::Params;
use crate::policy::Policy;
use crate::scan::{ManifestChecks, ManifestSource, Scanned};
use crate::yaml::{
    DuplicateKeys, Limits, Node, Pos, SourceFile, Value, parse_documents, parse_each_document,
    source_from_text,
};

/// `yaml`: the bytes, if UTF-8, read as a stream both ways (all
/// documents at once with duplicate keys an error; document by document
/// with the last duplicate winning). Every position of every node read
/// must lie within the text, on character boundaries.
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = source_from_text("fuzz.yaml", text);
    if let Ok(documents) = parse_documents(&source, Limits::default()) {
        documents.iter().for_each(|d| check_positions(d, &source));
    }
    let limits = Limits {
        duplicate_keys: DuplicateKeys::LastWins,
        ..Limits::default()
    };
    let stream = parse_each_document(&source, limits);
    for document in &stream.documents {
        assert!(
            text.get(document.bytes.clone()).is_some(),
            "a document's bytes {:?} are not a slice of the text",
            document.bytes
        );
        for node in document.result.iter().flatten() {
            check_positions(node, &source);
        }
    }
    for duplicate in &stream.duplicates {
        let _ = duplicate.to_string();
    }
}

/// Asserts that a node's position, and those of its keys and items,
/// point into `source`.
fn check_positions(node: &Node, source: &Arc<SourceFile>) {
    check_pos(&node.pos, source);
    if let Some(via) = &node.via {
        check_pos(via, source);
    }
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_positions(n, source)),
        Value::Map(entries) => {
            for (key, value) in entries {
                check_pos(&key.pos, source);
                check_positions(value, source);
            }
        }
        Value::Null | Value::Scalar(_) => {}
    }
}

fn check_pos(pos: &Pos, source: &Arc<SourceFile>) {
    assert!(
        Arc::ptr_eq(&pos.file, source),
        "a position names another file"
    );
    let span = pos.span;
    assert!(
        span.start <= span.end && source.text.get(span.start..span.end).is_some(),
        "span {span:?} of {pos} is not a slice of the {}-byte text",
        source.text.len()
    );
    assert!(
        pos.line >= 1 && pos.column >= 1,
        "position {pos} counts from 0"
    );
}

/// `k8s_manifests`: the bytes, if UTF-8, as a manifest file named on the
/// command line, audited as `drydock k8s` audits it: every control with
/// its own severity, then held to the restricted Pod Security level;
/// each judged and reported.
pub fn k8s_manifests(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = source_from_text("manifest.yaml", text);
    let params = Params::default();
    for level in [None, Some(Level::Restricted)] {
        let scanned = audit_manifest(&source, level, &params);
        judge(scanned, None, Path::new("."));
    }
}

fn audit_manifest(source: &Arc<SourceFile>, level: Option<Level>, params: &Params) -> Scanned {
    let mut scanned = Scanned::default();
    let checks = ManifestChecks { level, params };
    let input = ManifestSource {
        source: source.clone(),
        named: true,
        rendered: None,
    };
    crate::scan::run_manifest_sources(vec![input], checks, &mut scanned);
    scanned
}

/// What a fuzzed policy is applied to: a workload with findings of
/// several rules, an ignore comment and an ignore annotation.
const JUDGED_MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    drydock.io/ignore: host-path-mount
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: registry.example.com/shop/web:latest
          securityContext:
            privileged: true # drydock: ignore[privileged] reviewed
          env:
            - name: DB_PASSWORD
              value: hunter2-but-longer
          volumeMounts:
            - name: docker
              mountPath: /var/run/docker.sock
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
";

/// `policy`: the first NUL-separated part, if UTF-8, as a `.drydock.yaml`;
/// a policy that loads is then applied to a fixed manifest (its parameters
/// and Pod Security level to the audit, its rules, exceptions and compound
/// rules to the verdict), judged and reported. A second part, when there
/// is one, is read as the run's `--baseline` file (and the verdict's
/// findings are written as a new one).
pub fn policy(data: &[u8]) {
    let [policy_bytes, baseline] = parts(data, 2)[..] else {
        return;
    };
    let Ok(text) = std::str::from_utf8(policy_bytes) else {
        return;
    };
    let registry = crate::rules::registry();
    let Ok(policy) = crate::policy::parse(".drydock.yaml", "fuzz", text, &registry) else {
        return;
    };
    if baseline.is_empty() {
        apply(&policy, None);
        return;
    }
    let Ok(scratch) = Scratch::new("baseline") else {
        return;
    };
    let Ok(read) = scratch.write("baseline.json", baseline) else {
        return;
    };
    apply(&policy, Some((&read, &scratch.dir.join("written.json"))));
}

fn apply(policy: &Policy, baseline: Option<(&Path, &Path)>) {
    let source = source_from_text("manifest.yaml", JUDGED_MANIFEST);
    let scanned = audit_manifest(&source, policy.pod_security, &policy.params);
    judge_against(scanned, Some(policy), Path::new("."), baseline);
}
