//! Kubernetes manifests: every document of every file, `List` items, and
//! the pod spec of each workload kind (Pod, PodTemplate,
//! ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet,
//! Job, CronJob), with the position of every value kept. Other objects are
//! parsed and ignored. The Pod Security Standards controls are in [`pss`].

pub mod pss;
pub mod rules;

use std::sync::Arc;

use crate::yaml::{Limits, LocatedError, Node, SourceFile, Value, parse_documents};

/// Largest manifest file read (rendered Helm charts can be big).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// A workload: an object that runs pods.
#[derive(Debug)]
pub struct Workload {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The object.
    pub object: Node,
    /// The route from the object to its pod spec (`spec.template.spec`).
    pub spec_route: String,
    /// The route from the object to the pod template's metadata.
    pub meta_route: String,
}

impl Workload {
    /// The node at a dotted route from the object.
    fn at(&self, route: &str) -> Option<&Node> {
        let mut node = &self.object;
        for key in route.split('.').filter(|k| !k.is_empty()) {
            node = node.get(key)?;
        }
        Some(node)
    }

    pub fn pod_spec(&self) -> &Node {
        self.at(&self.spec_route).unwrap_or(&self.object)
    }

    /// The pod template's annotations (for a Pod, its own).
    pub fn annotations(&self) -> Vec<(&str, &Node)> {
        self.at(&self.meta_route)
            .and_then(|m| m.get("annotations"))
            .and_then(Node::as_map)
            .map(|entries| entries.iter().map(|(k, v)| (k.text.as_str(), v)).collect())
            .unwrap_or_default()
    }

    /// Rule ids the object's `drydock.io/ignore` annotation suppresses
    /// (comma-separated), and the reason given in
    /// `drydock.io/ignore-reason`.
    pub fn ignored_rules(&self) -> (Vec<String>, Option<String>) {
        let annotations = self
            .object
            .get("metadata")
            .and_then(|m| m.get("annotations"));
        let text = |key: &str| {
            annotations
                .and_then(|a| a.get(key))
                .and_then(Node::as_str)
                .map(str::to_string)
        };
        let rules = text("drydock.io/ignore")
            .map(|list| {
                list.split(',')
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        (rules, text("drydock.io/ignore-reason"))
    }

    /// `Kind/name`, for messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// Where each workload kind keeps its pod spec and template metadata.
fn pod_routes(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "Pod" => ("spec", "metadata"),
        "PodTemplate" => ("template.spec", "template.metadata"),
        "ReplicationController"
        | "ReplicaSet"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "Job" => ("spec.template.spec", "spec.template.metadata"),
        "CronJob" => (
            "spec.jobTemplate.spec.template.spec",
            "spec.jobTemplate.spec.template.metadata",
        ),
        _ => return None,
    })
}

/// Reads the workloads of one manifest text.
pub fn load(source: &Arc<SourceFile>) -> Result<Vec<Workload>, LocatedError> {
    let limits = Limits {
        max_nodes: 4_000_000,
        ..Limits::default()
    };
    let mut workloads = Vec::new();
    for document in parse_documents(source, limits)? {
        if document.is_null() {
            continue;
        }
        collect(document, &mut workloads)?;
    }
    Ok(workloads)
}

/// Whether a document looks like a Kubernetes object (for `scan`, which
/// finds manifests by content).
pub fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion:") && text.contains("kind:")
}

fn collect(object: Node, out: &mut Vec<Workload>) -> Result<(), LocatedError> {
    if object.as_map().is_none() {
        return Err(LocatedError::at(
            &object.pos,
            format!(
                "a manifest document must be a mapping, found {}",
                object.kind_name()
            ),
        ));
    }
    let kind = match object.get("kind") {
        Some(k) => k
            .as_str()
            .ok_or_else(|| LocatedError::at(&k.pos, "`kind` must be a string"))?
            .to_string(),
        None => {
            return Err(LocatedError::at(
                &object.pos,
                "not a Kubernetes object: no `kind`",
            ));
        }
    };
    if object.get("apiVersion").is_none() {
        return Err(LocatedError::at(
            &object.pos,
            format!("not a Kubernetes object: `{kind}` has no `apiVersion`"),
        ));
    }
    if kind == "List" || kind.ends_with("List") {
        match object.get("items").map(|i| &i.value) {
            Some(Value::Seq(items)) => {
                for item in items.clone() {
                    collect(item, out)?;
                }
            }
            Some(Value::Null) | None => {}
            Some(_) => {
                let items = object.get("items").unwrap_or(&object);
                return Err(LocatedError::at(&items.pos, "`items` must be a list"));
            }
        }
        return Ok(());
    }
    let Some((spec_route, meta_route)) = pod_routes(&kind) else {
        return Ok(());
    };
    let metadata = object.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("(unnamed)")
        .to_string();
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Node::as_str)
        .map(str::to_string);
    let workload = Workload {
        kind,
        name,
        namespace,
        object,
        spec_route: spec_route.to_string(),
        meta_route: meta_route.to_string(),
    };
    match workload.at(spec_route) {
        Some(spec) if spec.as_map().is_some() => {}
        Some(spec) => {
            return Err(LocatedError::at(
                &spec.pos,
                format!(
                    "{}: `{spec_route}` must be a mapping, found {}",
                    workload.label(),
                    spec.kind_name()
                ),
            ));
        }
        None => {
            return Err(LocatedError::at(
                &workload.object.pos,
                format!("{}: no pod spec at `{spec_route}`", workload.label()),
            ));
        }
    }
    out.push(workload);
    Ok(())
}
