//! Checks of Kubernetes workloads beyond the Pod Security Standards, under
//! the rule ids Compose uses for the same hazards (their documentation is
//! in `compose/rules/`): a writable root filesystem, missing resource
//! limits, unpinned images, images from untrusted registries and
//! credentials written into `env`. They run
//! without `--policy`; a Pod Security policy evaluates its controls only.

use crate::compose::rules::unpinned_image::tag_and_digest;
use crate::compose::rules::untrusted_registry;
use crate::finding::{Finding, Severity, Subject};
use crate::hazards::credentials::{CredentialValue, classify, url_password};
use crate::k8s::workload::Workload;
use crate::params::Params;
use crate::yaml::Node;

/// Runs the checks on one workload.
pub fn check(workload: &Workload, subject: &Subject, params: &Params, out: &mut Vec<Finding>) {
    let spec = workload.pod_spec();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let Some(items) = spec.get(list).and_then(Node::as_seq) else {
            continue;
        };
        for (i, container) in items.iter().enumerate() {
            let route = format!("{}.{list}[{i}]", workload.spec_route);
            let name = container.get("name").and_then(Node::as_str).unwrap_or("?");
            let who = format!("{}: container `{name}`", workload.label());
            let mut push = |rule: &'static str,
                            severity: Severity,
                            node: &Node,
                            at: String,
                            message: String,
                            fix: &str| {
                out.push(Finding::new(rule, severity, subject.clone(), node, at, message).fix(fix));
            };
            let read_only = container
                .get("securityContext")
                .and_then(|s| s.get("readOnlyRootFilesystem"));
            if read_only.and_then(Node::as_bool) != Some(true) {
                let node = read_only.unwrap_or(container);
                push(
                    "writable-root-filesystem",
                    Severity::Low,
                    node,
                    format!("{route}.securityContext.readOnlyRootFilesystem"),
                    format!("{who} has a writable root filesystem"),
                    "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes",
                );
            }
            // `Bidirectional` is Compose's `rshared`, `HostToContainer` its
            // `rslave`: one rule, one tier.
            let mounts = container.get("volumeMounts").and_then(Node::as_seq);
            for (m, mount) in mounts.into_iter().flatten().enumerate() {
                let Some(mode) = mount.get("mountPropagation") else {
                    continue;
                };
                let (severity, what) = match mode.as_str() {
                    Some("Bidirectional") => (
                        Severity::Medium,
                        "shares mounts both ways with the host (Bidirectional)",
                    ),
                    Some("HostToContainer") => (
                        Severity::Low,
                        "receives the host's mounts (HostToContainer)",
                    ),
                    _ => continue,
                };
                let volume = mount.get("name").and_then(Node::as_str).unwrap_or("?");
                push(
                    "shared-mount-propagation",
                    severity,
                    mode,
                    format!("{route}.volumeMounts[{m}].mountPropagation"),
                    format!("{who}: the mount of volume `{volume}` {what}"),
                    "drop mountPropagation unless the container must see or make host mounts",
                );
            }
            // Ephemeral containers cannot have resources.
            if list != "ephemeralContainers" {
                let limits = container.get("resources").and_then(|r| r.get("limits"));
                let mut missing = Vec::new();
                if limits.and_then(|l| l.get("memory")).is_none() {
                    missing.push("memory");
                }
                if limits.and_then(|l| l.get("cpu")).is_none() {
                    missing.push("CPU");
                }
                if !missing.is_empty() {
                    push(
                        "missing-resource-limits",
                        Severity::Low,
                        container,
                        format!("{route}.resources.limits"),
                        format!("{who} has no {} limit", missing.join(" or ")),
                        "set resources.limits.memory and resources.limits.cpu",
                    );
                }
            }
            if let Some(image) = container.get("image") {
                let reference = image.as_str().unwrap_or("");
                let trusted = &params.trusted_registries;
                let untrusted = untrusted_registry::untrusted(reference, trusted)
                    .filter(|_| !is_ko_placeholder(reference));
                if let Some(registry) = untrusted {
                    push(
                        "untrusted-registry",
                        Severity::High,
                        image,
                        format!("{route}.image"),
                        untrusted_registry::message(&who, reference, &registry, trusted),
                        "pull the image from a trusted registry, or add its registry to `trusted`",
                    );
                }
                let (tag, digest) = tag_and_digest(reference);
                let problem = match (tag, digest) {
                    // `ko://import/path` is a placeholder `ko resolve`
                    // replaces with the image it builds, pinned by digest:
                    // no registry is asked for it, so no tag is pulled.
                    _ if is_ko_placeholder(reference) => None,
                    (_, Some(_)) => None,
                    (None, None) => Some((Severity::Medium, "has no tag (pulls `latest`)")),
                    (Some("latest"), None) => Some((Severity::Medium, "uses the `latest` tag")),
                    (Some(_), None) => Some((Severity::Info, "is pinned by tag, not by digest")),
                };
                if let Some((severity, what)) = problem {
                    push(
                        "unpinned-image",
                        severity,
                        image,
                        format!("{route}.image"),
                        format!("{who}: image `{reference}` {what}"),
                        "pin a version tag and its digest: name:1.2.3@sha256:…",
                    );
                }
            }
            if let Some(env) = container.get("env").and_then(Node::as_seq) {
                for (j, var) in env.iter().enumerate() {
                    let key = var.get("name").and_then(Node::as_str).unwrap_or("");
                    let Some(value_node) = var.get("value") else {
                        // valueFrom (a Secret or ConfigMap reference) is fine.
                        continue;
                    };
                    let value = value_node.as_str().unwrap_or("").trim();
                    let (severity, why) = if url_password(value).is_some() {
                        (
                            Severity::High,
                            format!("{who} has a password inside the URL in `{key}`"),
                        )
                    } else {
                        match classify(key, value) {
                            CredentialValue::NotACredential => continue,
                            CredentialValue::Literal => (
                                Severity::High,
                                format!("{who} sets `{key}` to a literal value in the manifest"),
                            ),
                            CredentialValue::Placeholder => (
                                Severity::Low,
                                format!(
                                    "{who} sets `{key}` to a placeholder: a deployment that does not replace it runs with a guessable credential"
                                ),
                            ),
                        }
                    };
                    push(
                        "plaintext-secret",
                        severity,
                        value_node,
                        format!("{route}.env[{j}].value"),
                        why,
                        "use valueFrom.secretKeyRef with a Secret",
                    );
                }
            }
        }
    }
}

/// A `ko://` image: a ko build placeholder (`ko resolve` and `ko apply`
/// build the Go package it names and write the pushed image's digest
/// reference in its place), not a registry reference. Its tag and registry
/// are decided by ko's `KO_DOCKER_REPO`, so the image rules have nothing to
/// check until it is resolved.
pub fn is_ko_placeholder(reference: &str) -> bool {
    reference.starts_with("ko://")
}
