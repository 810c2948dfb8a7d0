//! Reading Kubernetes manifests: every document of every file, `List`
//! items, and the pod spec of each workload kind (Pod, PodTemplate,
//! ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet,
//! Job, CronJob), with the position of every value kept, as a
//! [`Workload`]. Other objects are parsed and ignored. What is checked in
//! a workload is not here (see the list in `k8s/mod.rs`).
//!
//! kubectl is the reference for what is valid: documents are independent
//! (one that cannot be read is an error at its line, and the others are
//! still read), and a key written twice keeps its last value with a
//! warning.

use std::sync::Arc;

use crate::error::InputError;
use crate::yaml::{DuplicateKeys, Limits, Node, SourceFile, Value};

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
        ignored_rules(&self.object)
    }

    /// `Kind/name`, for messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// Rule ids an object's `drydock.io/ignore` annotation suppresses
/// (comma-separated), and the reason given in `drydock.io/ignore-reason`.
fn ignored_rules(object: &Node) -> (Vec<String>, Option<String>) {
    let annotations = object.get("metadata").and_then(|m| m.get("annotations"));
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

/// A `Secret` or a `ConfigMap`: an object that holds data, checked for
/// credentials written into the repository.
#[derive(Debug)]
pub struct DataObject {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub object: Node,
}

impl DataObject {
    /// `Kind/name`, for messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// Rule ids its `drydock.io/ignore` annotation suppresses, and the
    /// reason given.
    pub fn ignored_rules(&self) -> (Vec<String>, Option<String>) {
        ignored_rules(&self.object)
    }
}

/// What one manifest text holds.
#[derive(Debug, Default)]
pub struct Loaded {
    pub workloads: Vec<Workload>,
    /// Secrets and ConfigMaps.
    pub data_objects: Vec<DataObject>,
    /// Documents (or `List` items) that could not be read, each at its
    /// line; the others are still read.
    pub errors: Vec<InputError>,
    /// Documents that could not be read and hold `{{ … }}`: unrendered
    /// Helm or Go templates, at the line where reading failed.
    pub templates: Vec<InputError>,
    /// A key written twice: kubectl warns and keeps the last value.
    pub warnings: Vec<String>,
}

/// What a document that fails to parse and holds template syntax is told.
pub const TEMPLATE_MESSAGE: &str = "looks like an unrendered template (Helm/Go template syntax); render it first: helm template … | drydock k8s -";

/// Reads the workloads of one manifest text, each document on its own.
pub fn load(source: &Arc<SourceFile>) -> Loaded {
    // The node limit grows with the file (`yaml::NODES_PER_BYTE`), so a
    // large bundle of manifests is read whole while a small file that
    // aliases expand past it is refused.
    let limits = Limits {
        duplicate_keys: DuplicateKeys::LastWins,
        ..Limits::default()
    };
    let stream = crate::yaml::parse_each_document(source, limits);
    let mut loaded = Loaded {
        warnings: stream.duplicates.iter().map(|d| d.to_string()).collect(),
        ..Loaded::default()
    };
    for document in stream.documents {
        let text = &source.text[document.bytes];
        match document.result {
            Ok(nodes) => {
                for node in nodes.into_iter().filter(|n| !n.is_null()) {
                    collect(node, &mut loaded);
                }
            }
            // A template's `{{ .Values.x }}` is a flow mapping used as a
            // key, or worse, to a YAML parser: say what the file is.
            // Only a document that fails is called a template: `{{ }}`
            // inside strings (Argo parameters, Alertmanager templates in
            // a ConfigMap) is valid and read as text.
            Err(mut error) if looks_like_template(text) => {
                error.message = TEMPLATE_MESSAGE.to_string();
                loaded.templates.push(error);
            }
            Err(error) => loaded.errors.push(error),
        }
    }
    loaded
}

/// Whether a text holds Go template actions (`{{ … }}`).
pub fn looks_like_template(text: &str) -> bool {
    text.find("{{")
        .is_some_and(|start| text[start..].contains("}}"))
}

/// Whether a document looks like a Kubernetes object (for `scan`, which
/// finds manifests by content).
pub fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion:") && text.contains("kind:")
}

/// Adds the workloads, Secrets and ConfigMaps of one object (or `List`) to
/// `out`; an object that cannot be read is an error, and its siblings are
/// still read.
fn collect(object: Node, out: &mut Loaded) {
    if let Err(error) = collect_one(object, out) {
        out.errors.push(error);
    }
}

fn collect_one(object: Node, out: &mut Loaded) -> Result<(), InputError> {
    if object.as_map().is_none() {
        return Err(InputError::at(
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
            .ok_or_else(|| InputError::at(&k.pos, "`kind` must be a string"))?
            .to_string(),
        None => {
            return Err(InputError::at(
                &object.pos,
                "not a Kubernetes object: no `kind`",
            ));
        }
    };
    if object.get("apiVersion").is_none() {
        return Err(InputError::at(
            &object.pos,
            format!("not a Kubernetes object: `{kind}` has no `apiVersion`"),
        ));
    }
    if kind == "List" || kind.ends_with("List") {
        match object.get("items").map(|i| &i.value) {
            Some(Value::Seq(items)) => {
                for item in items.clone() {
                    collect(item, out);
                }
            }
            Some(Value::Null) | None => {}
            Some(_) => {
                let items = object.get("items").unwrap_or(&object);
                return Err(InputError::at(&items.pos, "`items` must be a list"));
            }
        }
        return Ok(());
    }
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
    let core = object.get("apiVersion").and_then(Node::as_str) == Some("v1");
    if core && (kind == "Secret" || kind == "ConfigMap") {
        out.data_objects.push(DataObject {
            kind,
            name,
            namespace,
            object,
        });
        return Ok(());
    }
    let Some((spec_route, meta_route)) = pod_routes(&kind) else {
        return Ok(());
    };
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
            return Err(InputError::at(
                &spec.pos,
                format!(
                    "{}: `{spec_route}` must be a mapping, found {}",
                    workload.label(),
                    spec.kind_name()
                ),
            ));
        }
        None => {
            return Err(InputError::at(
                &workload.object.pos,
                format!("{}: no pod spec at `{spec_route}`", workload.label()),
            ));
        }
    }
    out.workloads.push(workload);
    Ok(())
}
