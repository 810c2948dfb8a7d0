//! The checks Docker Compose makes on a loaded project before it runs
//! anything, with Compose's reasons: a service with neither `image` nor
//! `build`, a reference to a service, network, volume, secret or config
//! the project does not define, and a `depends_on` cycle. A project that
//! fails one cannot be deployed, so each is an input error at the line of
//! the reference; the project is still audited, so its hazards are seen
//! along with the reason it would not start.
//!
//! Only services Compose would start are checked: those without
//! `profiles`, or with one the user selected (`--profile`). drydock
//! audits every service whatever its profile; that is a choice of what to
//! audit, not a claim that `docker compose up` would accept more.
//!
//! Shape errors (a section or service that is not a mapping) are checked
//! while loading; this module sees a well-shaped model.

use std::collections::{HashMap, HashSet};

use super::model::{MountKind, parse_mount};
use crate::error::InputError;
use crate::yaml::{Node, Value};

/// The reasons Docker Compose would refuse to run a merged project, in
/// the order of its services; `profiles` are the ones the user selected.
/// `deploying` says the variables interpolated are the deployment's (a
/// project the user named): then a value they left empty is judged too.
pub fn validate_project(model: &Node, profiles: &[String], deploying: bool) -> Vec<InputError> {
    let mut errors = Vec::new();
    let Some(services) = model.get("services").and_then(Node::as_map) else {
        return errors;
    };
    let active: Vec<(&str, &Node)> = services
        .iter()
        .filter(|(_, service)| starts_by_default(service, profiles))
        .map(|(name, service)| (name.text.as_str(), service))
        .collect();
    let active_names: HashSet<&str> = active.iter().map(|(name, _)| *name).collect();
    let mut graph: HashMap<&str, Vec<(&str, &Node)>> = HashMap::new();
    for &(name, service) in &active {
        if service.get("image").is_none() && service.get("build").is_none() {
            errors.push(InputError::at(
                &service.pos,
                format!(
                    "service \"{name}\" has neither an image nor a build context specified \
                     (Docker Compose rejects the project)"
                ),
            ));
        }
        for (dependency, node) in service_dependencies(service) {
            if !active_names.contains(dependency) {
                errors.push(InputError::at(
                    &node.pos,
                    format!(
                        "service \"{name}\" depends on undefined service \"{dependency}\" \
                         (Docker Compose rejects the project{})",
                        if services.iter().any(|(k, _)| k.text == dependency) {
                            ": that service's profiles are not enabled"
                        } else {
                            ""
                        }
                    ),
                ));
                continue;
            }
            graph.entry(name).or_default().push((dependency, node));
        }
        check_resources(model, name, service, &mut errors);
        if deploying {
            check_empty_sections(service, &mut errors);
        }
    }
    errors.extend(find_cycle(&active, &graph));
    // Compose reads every service's ports while loading, whatever its
    // profiles.
    for (_, service) in services {
        check_ports(service, deploying, &mut errors);
    }
    errors
}

/// Short-syntax `ports:` entries Compose cannot read. A value that came
/// from a variable is judged only when the variables are the
/// deployment's.
fn check_ports(service: &Node, deploying: bool, errors: &mut Vec<InputError>) {
    for entry in service.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
        let Value::Scalar(scalar) = &entry.value else {
            continue;
        };
        if scalar.interpolated && !deploying {
            continue;
        }
        if let Some(reason) = super::model::port_spec_error(&scalar.text) {
            // What a variable put there is not repeated: the entry is shown
            // as written (`${DB_PORT}:80`), with Compose's reason only for
            // a literal.
            let message = match &scalar.raw {
                Some(written) if scalar.interpolated => format!(
                    "`{written}` is not a port Docker Compose reads once its variables are \
                     set (Docker Compose rejects the project)"
                ),
                _ => format!(
                    "`{}`: {reason} (Docker Compose rejects the project)",
                    scalar.text
                ),
            };
            errors.push(InputError::at(&entry.pos, message));
        }
    }
}

/// Whether Compose starts the service: it has no profiles, or one of the
/// selected ones (`*` selects every profile).
fn starts_by_default(service: &Node, selected: &[String]) -> bool {
    let Some(profiles) = service.get("profiles").and_then(Node::as_seq) else {
        return true;
    };
    profiles.is_empty()
        || selected.iter().any(|s| s == "*")
        || profiles
            .iter()
            .filter_map(Node::as_str)
            .any(|p| selected.iter().any(|s| s == p))
}

/// The services one service needs started first, with the node naming
/// each: `depends_on`, `links`, `network_mode: service:X` and
/// `volumes_from: X` (Compose turns each into a dependency).
fn service_dependencies(service: &Node) -> Vec<(&str, &Node)> {
    let mut out = Vec::new();
    match service.get("depends_on").map(|d| &d.value) {
        Some(Value::Seq(items)) => {
            out.extend(items.iter().filter_map(|n| n.as_str().map(|s| (s, n))))
        }
        Some(Value::Map(entries)) => out.extend(entries.iter().map(|(k, v)| (k.text.as_str(), v))),
        _ => {}
    }
    if let Some(links) = service.get("links").and_then(Node::as_seq) {
        for link in links {
            if let Some(text) = link.as_str() {
                out.push((text.split(':').next().unwrap_or(text), link));
            }
        }
    }
    if let Some(mode) = service.get("network_mode")
        && let Some(other) = mode.as_str().and_then(|m| m.strip_prefix("service:"))
    {
        out.push((other, mode));
    }
    if let Some(list) = service.get("volumes_from").and_then(Node::as_seq) {
        for item in list {
            if let Some(text) = item.as_str()
                && !text.starts_with("container:")
            {
                out.push((text.split(':').next().unwrap_or(text), item));
            }
        }
    }
    out
}

/// A short-syntax volume whose source is empty (`${MEDIA_DIR}:/media`
/// with the variable unset): Compose refuses the spec.
fn check_empty_sections(service: &Node, errors: &mut Vec<InputError>) {
    let Some(volumes) = service.get("volumes").and_then(Node::as_seq) else {
        return;
    };
    for item in volumes {
        if let Some(text) = item.as_str()
            && (text.starts_with(':') || text.contains("::"))
        {
            errors.push(InputError::at(
                &item.pos,
                format!(
                    "invalid volume spec `{text}`: empty section between colons \
                     (Docker Compose rejects the project; is a variable unset?)"
                ),
            ));
        }
    }
}

/// Networks, named volumes, secrets and configs a service uses must be
/// defined at the top level (the `default` network always is).
fn check_resources(model: &Node, name: &str, service: &Node, errors: &mut Vec<InputError>) {
    let defined = |section: &str, resource: &str| {
        model
            .get(section)
            .and_then(Node::as_map)
            .is_some_and(|entries| entries.iter().any(|(k, _)| k.text == resource))
    };
    let undefined = |node: &Node, what: &str, resource: &str| {
        InputError::at(
            &node.pos,
            format!(
                "service \"{name}\" refers to undefined {what} {resource} \
                 (Docker Compose rejects the project)"
            ),
        )
    };
    let network_names: Vec<(&str, &Node)> = match service.get("networks").map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|n| n.as_str().map(|s| (s, n)))
            .collect(),
        Some(Value::Map(entries)) => entries.iter().map(|(k, v)| (k.text.as_str(), v)).collect(),
        _ => Vec::new(),
    };
    for (network, node) in network_names {
        if network != "default" && !defined("networks", network) {
            errors.push(undefined(node, "network", network));
        }
    }
    if let Some(volumes) = service.get("volumes").and_then(Node::as_seq) {
        for item in volumes {
            let Some(mount) = parse_mount(item) else {
                continue;
            };
            if mount.kind == MountKind::Volume
                && let Some(source) = mount.source.as_deref()
                && !source.is_empty()
                && !defined("volumes", source)
            {
                errors.push(undefined(item, "volume", source));
            }
        }
    }
    for (section, what) in [("secrets", "secret"), ("configs", "config")] {
        let Some(items) = service.get(section).and_then(Node::as_seq) else {
            continue;
        };
        for item in items {
            let source = match &item.value {
                Value::Scalar(s) => Some(s.text.as_str()),
                Value::Map(_) => item.get("source").and_then(Node::as_str),
                _ => None,
            };
            if let Some(source) = source
                && !defined(section, source)
            {
                errors.push(undefined(item, what, source));
            }
        }
    }
}

/// The first dependency cycle, named as Compose names it (`a -> b -> a`),
/// at the reference that closes it.
fn find_cycle(
    active: &[(&str, &Node)],
    graph: &HashMap<&str, Vec<(&str, &Node)>>,
) -> Option<InputError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Unvisited,
        OnPath,
        Done,
    }
    let mut marks: HashMap<&str, Mark> =
        active.iter().map(|(n, _)| (*n, Mark::Unvisited)).collect();
    for &(start, _) in active {
        if marks[start] != Mark::Unvisited {
            continue;
        }
        // Iterative depth-first search: (service, index of the next edge).
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::OnPath);
        while let Some(&mut (service, ref mut next)) = path.last_mut() {
            let edges = graph.get(service).map(Vec::as_slice).unwrap_or_default();
            let Some(&(dependency, node)) = edges.get(*next) else {
                marks.insert(service, Mark::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match marks.get(dependency).copied() {
                Some(Mark::OnPath) => {
                    let from = path.iter().position(|(s, _)| *s == dependency).unwrap_or(0);
                    let mut names: Vec<&str> = path[from..].iter().map(|(s, _)| *s).collect();
                    names.push(dependency);
                    return Some(InputError::at(
                        &node.pos,
                        format!(
                            "dependency cycle detected: {} (Docker Compose rejects the project)",
                            names.join(" -> ")
                        ),
                    ));
                }
                Some(Mark::Unvisited) => {
                    marks.insert(dependency, Mark::OnPath);
                    path.push((dependency, 0));
                }
                _ => {}
            }
        }
    }
    None
}
