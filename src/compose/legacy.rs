//! The Compose file format version 1: services at the top level, with no
//! `services:` key (docker-compose 1.x, still common in older
//! repositories). Docker Compose v2 refuses it; drydock reads its services
//! so that their hazards are still seen, and reports the format itself
//! (`legacy-compose-format`).

use crate::yaml::{Key, Node, Value};

use super::keys;

/// Keys of a version 1 service that later formats renamed or dropped.
/// `net` is read as `network_mode`; the others carry nothing a rule reads.
pub const V1_ONLY_KEYS: &[&str] = &["log_driver", "log_opt", "dockerfile"];

/// Keys that mark a mapping as a service.
const SERVICE_HINTS: &[&str] = &[
    "image",
    "build",
    "command",
    "ports",
    "volumes",
    "environment",
    "links",
    "net",
    "restart",
    "privileged",
];

/// Whether a Compose file is in the version 1 format: no `services` or
/// `version`, and every other top-level key (not an extension) holds a
/// mapping that looks like a service.
pub fn is_v1(doc: &Node) -> bool {
    let Some(entries) = doc.as_map() else {
        return false;
    };
    let mut services = 0;
    for (key, value) in entries {
        if key.text.starts_with("x-") {
            continue;
        }
        if keys::TOP_LEVEL.contains(&key.text.as_str()) {
            return false;
        }
        let looks_like_service = value.as_map().is_some_and(|service| {
            service
                .iter()
                .any(|(k, _)| SERVICE_HINTS.contains(&k.text.as_str()))
        });
        if !looks_like_service {
            return false;
        }
        services += 1;
    }
    services > 0
}

/// The same file in today's shape: its services under `services:` (every
/// value keeps its position), `net` read as `network_mode`.
pub fn to_services(doc: Node) -> Node {
    let pos = doc.pos.clone();
    let Value::Map(entries) = doc.value else {
        return Node::new(Value::Map(Vec::new()), pos);
    };
    let (extensions, mut services): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(k, _)| k.text.starts_with("x-"));
    for (_, service) in &mut services {
        if let Value::Map(attributes) = &mut service.value
            && !attributes.iter().any(|(k, _)| k.text == "network_mode")
            && let Some((key, _)) = attributes.iter_mut().find(|(k, _)| k.text == "net")
        {
            key.text = "network_mode".into();
        }
    }
    let mut top = extensions;
    top.push((
        Key {
            text: "services".into(),
            pos: pos.clone(),
        },
        Node::new(Value::Map(services), pos.clone()),
    ));
    Node::new(Value::Map(top), pos)
}
