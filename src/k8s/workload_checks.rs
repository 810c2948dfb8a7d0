//! Checks of Kubernetes workloads beyond the Pod Security Standards, under
//! the rule ids Compose uses for the same hazards (their documentation is
//! in `catalog/`): a writable root filesystem, shared mount
//! propagation, missing resource limits, unpinned images, images from
//! untrusted registries and credentials written into `env`. One function
//! per hazard, each looking at one container. They run without
//! `--policy`; a Pod Security policy evaluates its controls only.

use crate::catalog::{
    missing_resource_limits, plaintext_secret, shared_mount_propagation, unpinned_image,
    untrusted_registry, writable_root_filesystem,
};
use crate::finding::{Finding, Severity, Subject};
use crate::hazards::credentials::{CredentialValue, classify, url_password};
use crate::hazards::image_ref::{self, tag_and_digest};
use crate::k8s::pod::{At, ContainerCtx, ContainerKind, PodCtx, lookup};
use crate::params::Params;
use crate::rule::RuleMeta;
use crate::yaml::Node;

/// Runs the checks on one workload's pod.
pub fn check(pod: &PodCtx, subject: &Subject, params: &Params, out: &mut Vec<Finding>) {
    for container in &pod.containers {
        let mut found = Found {
            subject,
            who: format!("{}: container `{}`", pod.label(), container.name),
            out: &mut *out,
        };
        for check in CHECKS {
            check(container, params, &mut found);
        }
    }
}

/// The checks, in the order they run on each container.
const CHECKS: [fn(&ContainerCtx, &Params, &mut Found); 5] = [
    writable_root_filesystem,
    shared_mount_propagation,
    missing_resource_limits,
    image,
    plaintext_secret,
];

/// Where a check adds its findings about one container.
struct Found<'a> {
    subject: &'a Subject,
    /// `Kind/name: container `app``, for messages.
    who: String,
    out: &'a mut Vec<Finding>,
}

impl Found<'_> {
    fn push(&mut self, rule: &RuleMeta, severity: Severity, at: At, message: String, fix: &str) {
        self.push_finding(rule, severity, at, message, fix, None);
    }

    /// [`Found::push`] for a finding whose line holds a credential at
    /// `hidden`, which the human report does not show.
    fn push_finding(
        &mut self,
        rule: &RuleMeta,
        severity: Severity,
        at: At,
        message: String,
        fix: &str,
        hidden: Option<crate::text::Span>,
    ) {
        let (node, route) = at;
        let mut finding = Finding::new(
            rule.id,
            severity,
            self.subject.clone(),
            node,
            route,
            message,
        )
        .fix(fix);
        if let Some(span) = hidden {
            finding = finding.hiding(span);
        }
        self.out.push(finding);
    }
}

fn writable_root_filesystem(c: &ContainerCtx, _: &Params, found: &mut Found) {
    // Unset, it points at the container (not a boolean either).
    let at = c.at_or_container("securityContext.readOnlyRootFilesystem");
    if at.0.as_bool() != Some(true) {
        let message = format!("{} has a writable root filesystem", found.who);
        found.push(
            &writable_root_filesystem::META,
            Severity::Low,
            at,
            message,
            "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes",
        );
    }
}

/// `Bidirectional` is Compose's `rshared`, `HostToContainer` its `rslave`:
/// one rule, one tier.
fn shared_mount_propagation(c: &ContainerCtx, _: &Params, found: &mut Found) {
    for (mount, route) in c.items("volumeMounts") {
        let Some((mode, route)) = lookup(mount, &route, "mountPropagation") else {
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
        let message = format!("{}: the mount of volume `{volume}` {what}", found.who);
        found.push(
            &shared_mount_propagation::META,
            severity,
            (mode, route),
            message,
            "drop mountPropagation unless the container must see or make host mounts",
        );
    }
}

fn missing_resource_limits(c: &ContainerCtx, _: &Params, found: &mut Found) {
    // Ephemeral containers cannot have resources.
    if c.kind == ContainerKind::Ephemeral {
        return;
    }
    let limits = c.at("resources.limits").map(|(n, _)| n);
    let mut missing = Vec::new();
    if limits.and_then(|l| l.get("memory")).is_none() {
        missing.push("memory");
    }
    if limits.and_then(|l| l.get("cpu")).is_none() {
        missing.push("CPU");
    }
    if !missing.is_empty() {
        let message = format!("{} has no {} limit", found.who, missing.join(" or "));
        found.push(
            &missing_resource_limits::META,
            Severity::Low,
            // On the container: where the missing limits would go.
            (c.node, format!("{}.resources.limits", c.route)),
            message,
            "set resources.limits.memory and resources.limits.cpu",
        );
    }
}

/// `untrusted-registry` and `unpinned-image`.
fn image(c: &ContainerCtx, params: &Params, found: &mut Found) {
    let Some((image, route)) = c.at("image") else {
        return;
    };
    let reference = image.as_str().unwrap_or("");
    let trusted = &params.trusted_registries;
    let untrusted =
        image_ref::untrusted(reference, trusted).filter(|_| !is_ko_placeholder(reference));
    if let Some(registry) = untrusted {
        let message = image_ref::message(&found.who, reference, &registry, trusted);
        found.push(
            &untrusted_registry::META,
            Severity::High,
            (image, route.clone()),
            message,
            "pull the image from a trusted registry, or add its registry to `trusted`",
        );
    }
    let problem = match tag_and_digest(reference) {
        // `ko://import/path` is a placeholder `ko resolve` replaces with
        // the image it builds, pinned by digest: no registry is asked for
        // it, so no tag is pulled.
        _ if is_ko_placeholder(reference) => None,
        (_, Some(_)) => None,
        (None, None) => Some((Severity::Medium, "has no tag (pulls `latest`)")),
        (Some("latest"), None) => Some((Severity::Medium, "uses the `latest` tag")),
        (Some(_), None) => Some((Severity::Info, "is pinned by tag, not by digest")),
    };
    if let Some((severity, what)) = problem {
        let message = format!("{}: image `{reference}` {what}", found.who);
        found.push(
            &unpinned_image::META,
            severity,
            (image, route),
            message,
            "pin a version tag and its digest: name:1.2.3@sha256:…",
        );
    }
}

/// A credential written as a literal `env` value.
fn plaintext_secret(c: &ContainerCtx, _: &Params, found: &mut Found) {
    for (var, route) in c.items("env") {
        let key = var.get("name").and_then(Node::as_str).unwrap_or("");
        // valueFrom (a Secret or ConfigMap reference) is fine.
        let Some((value_node, route)) = lookup(var, &route, "value") else {
            continue;
        };
        let value = value_node.as_str().unwrap_or("").trim();
        let who = &found.who;
        let whole = value_node.pos.span;
        let (severity, why, hidden) = if let Some(password) = url_password(value) {
            (
                Severity::High,
                format!("{who} has a password inside the URL in `{key}`"),
                Some(value_node.pos.rfind(password).unwrap_or(whole)),
            )
        } else {
            match classify(key, value) {
                CredentialValue::NotACredential => continue,
                CredentialValue::Literal => (
                    Severity::High,
                    format!("{who} sets `{key}` to a literal value in the manifest"),
                    Some(whole),
                ),
                CredentialValue::Placeholder => (
                    Severity::Low,
                    format!(
                        "{who} sets `{key}` to a placeholder: a deployment that does not replace it runs with a guessable credential"
                    ),
                    None,
                ),
            }
        };
        found.push_finding(
            &plaintext_secret::META,
            severity,
            (value_node, route),
            why,
            "use valueFrom.secretKeyRef with a Secret",
            hidden,
        );
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
