//! Merging Compose files, overrides and `extends`, with the Compose
//! specification's rules: mappings merge key by key (the later file wins);
//! sequences append, except `command`, `entrypoint` and `healthcheck.test`,
//! which are replaced; `ports`, `volumes`, `secrets` and `configs` are unique
//! by their key (target, or ip/published/target/protocol) and a later entry
//! replaces an earlier one; `environment`, `labels` and the other key/value
//! lists merge by key whichever syntax each file used; `cap_add`-style lists
//! are unions. `!reset` removes a value, `!override` replaces it whole.

use std::collections::HashMap;

use super::model::{parse_mount, parse_port};
use crate::yaml::{Key, Node, Value};

/// Attributes (relative to a service) whose value replaces the earlier one.
const REPLACED: [&str; 3] = ["command", "entrypoint", "healthcheck.test"];

/// Key/value attributes that may be written as a list of `K=V` or a mapping.
const KEY_VALUE: [&str; 9] = [
    "environment",
    "labels",
    "annotations",
    "sysctls",
    "build.args",
    "build.labels",
    "build.additional_contexts",
    "deploy.labels",
    "extra_hosts",
];

/// Lists whose items are unique by their text.
const UNIQUE_TEXT: [&str; 13] = [
    "cap_add",
    "cap_drop",
    "security_opt",
    "dns",
    "dns_opt",
    "dns_search",
    "profiles",
    "tmpfs",
    "expose",
    "links",
    "env_file",
    "devices",
    "device_cgroup_rules",
];

/// Lists that are really mappings keyed by name when written as a list.
const NAME_LIST: [&str; 2] = ["networks", "depends_on"];

/// Attributes written as one string or a list of strings: a string is a
/// list of one, so a file using either form merges with the other.
const STRING_OR_LIST: [&str; 4] = ["env_file", "dns", "dns_search", "tmpfs"];

/// What merging cost, in units that grow with the input (complexity tests
/// read it instead of the clock).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeWork {
    /// Entries and items of the later file merged into the earlier one.
    pub entries: usize,
    /// Keys compared or hashed to find where an entry or item goes.
    pub key_checks: usize,
}

impl std::ops::AddAssign for MergeWork {
    fn add_assign(&mut self, other: MergeWork) {
        self.entries += other.entries;
        self.key_checks += other.key_checks;
    }
}

/// Merges a whole file model (`over`) onto `base`.
pub fn merge_documents(base: &mut Node, over: Node) -> MergeWork {
    let mut merger = Merger::default();
    merger.documents(base, over);
    merger.work
}

/// Merges one service definition onto another (also used by `extends`).
pub fn merge_service(base: &mut Node, over: Node) -> MergeWork {
    let mut merger = Merger::default();
    merger.merge_into(base, over, "");
    merger.work
}

/// Removes `!reset` values and `!override` tags left in a model that had
/// nothing to merge with.
pub fn strip_tags(node: &mut Node) {
    node.tag = node.tag.take().filter(|t| t != "reset" && t != "override");
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|(_, v)| v.tag.as_deref() != Some("reset"));
            entries.iter_mut().for_each(|(_, v)| strip_tags(v));
        }
        Value::Seq(items) => {
            items.retain(|v| v.tag.as_deref() != Some("reset"));
            items.iter_mut().for_each(strip_tags);
        }
        _ => {}
    }
}

/// Where each key of a mapping is: every lookup is one hash, so merging a
/// mapping of n entries into one of m costs n + m, not n × m.
struct KeyIndex {
    positions: HashMap<String, usize>,
    removed: Vec<bool>,
}

impl KeyIndex {
    fn new(entries: &[(Key, Node)], work: &mut MergeWork) -> KeyIndex {
        work.key_checks += entries.len();
        let mut positions = HashMap::with_capacity(entries.len());
        for (i, (key, _)) in entries.iter().enumerate() {
            // A key written twice was refused by the YAML reader; the
            // first one is the one a linear search would find.
            positions.entry(key.text.clone()).or_insert(i);
        }
        KeyIndex {
            positions,
            removed: vec![false; entries.len()],
        }
    }

    /// The entry for `key`, added (null) at the end when missing.
    fn slot<'a>(
        &mut self,
        entries: &'a mut Vec<(Key, Node)>,
        key: &Key,
        work: &mut MergeWork,
    ) -> &'a mut Node {
        work.key_checks += 1;
        let i = match self.positions.get(&key.text) {
            Some(&i) => i,
            None => {
                self.positions.insert(key.text.clone(), entries.len());
                entries.push((key.clone(), Node::new(Value::Null, key.pos.clone())));
                self.removed.push(false);
                entries.len() - 1
            }
        };
        &mut entries[i].1
    }

    /// Marks `key`'s entry for removal (`!reset`).
    fn remove(&mut self, key: &str, work: &mut MergeWork) {
        work.key_checks += 1;
        if let Some(i) = self.positions.remove(key) {
            self.removed[i] = true;
        }
    }

    /// Drops the entries marked for removal.
    fn apply_removals(self, entries: &mut Vec<(Key, Node)>) {
        if self.removed.contains(&true) {
            let mut flags = self.removed.into_iter();
            entries.retain(|_| !flags.next().unwrap_or(false));
        }
    }
}

/// A mapping `node` holds (it becomes an empty one if it holds anything
/// else).
fn entries_of(node: &mut Node) -> &mut Vec<(Key, Node)> {
    if !matches!(node.value, Value::Map(_)) {
        node.value = Value::Map(Vec::new());
    }
    let Value::Map(entries) = &mut node.value else {
        unreachable!("just made a mapping")
    };
    entries
}

/// One merge, counting its work.
#[derive(Default)]
struct Merger {
    work: MergeWork,
}

impl Merger {
    fn documents(&mut self, base: &mut Node, over: Node) {
        let Value::Map(over_entries) = over.value else {
            return;
        };
        let entries = entries_of(base);
        let mut index = KeyIndex::new(entries, &mut self.work);
        for (key, value) in over_entries {
            self.work.entries += 1;
            let section = match key.text.as_str() {
                "services" => Some(true),
                "networks" | "volumes" | "secrets" | "configs" | "models" => Some(false),
                _ => None,
            };
            match section {
                // `!reset` on a section empties it (`merge_named`).
                Some(services) => {
                    let slot = index.slot(entries, &key, &mut self.work);
                    self.merge_named(slot, value, services);
                }
                None if value.tag.as_deref() == Some("reset") => {
                    index.remove(&key.text, &mut self.work);
                }
                None => {
                    let slot = index.slot(entries, &key, &mut self.work);
                    self.set_slot(slot, &key, value, "");
                }
            }
        }
        index.apply_removals(entries);
    }

    /// `services:` and the other top-level sections: entries merge by name.
    fn merge_named(&mut self, target: &mut Node, over: Node, services: bool) {
        if over.tag.as_deref() == Some("reset") {
            *target = Node::new(Value::Map(Vec::new()), over.pos);
            return;
        }
        let Value::Map(over_entries) = over.value else {
            if target.is_null() {
                *target = over;
            }
            return;
        };
        if target.is_null() {
            target.value = Value::Map(Vec::new());
            target.pos = over.pos;
        }
        let entries = entries_of(target);
        let mut index = KeyIndex::new(entries, &mut self.work);
        for (name, definition) in over_entries {
            self.work.entries += 1;
            if services {
                if definition.tag.as_deref() == Some("reset") {
                    index.remove(&name.text, &mut self.work);
                    continue;
                }
                let slot = index.slot(entries, &name, &mut self.work);
                if slot.is_null() {
                    let mut definition = definition;
                    strip_tags(&mut definition);
                    *slot = definition;
                } else if definition.is_null() && definition.tag.is_none() {
                    // `name:` with nothing under it adds nothing.
                } else {
                    self.merge_into(slot, definition, "");
                }
            } else if definition.tag.as_deref() == Some("reset") {
                index.remove(&name.text, &mut self.work);
            } else {
                let slot = index.slot(entries, &name, &mut self.work);
                self.set_slot(slot, &name, definition, "");
            }
        }
        index.apply_removals(entries);
    }

    /// Sets `slot` (the entry `key` of a mapping at `parent`) to the merge
    /// of its value and `value`. A `!reset` value is left to the caller,
    /// which removes the entry.
    fn set_slot(&mut self, slot: &mut Node, key: &Key, value: Node, parent: &str) {
        let path = if parent.is_empty() {
            key.text.clone()
        } else {
            format!("{parent}.{}", key.text)
        };
        if slot.is_null() && !matches!(value.value, Value::Null) {
            let mut value = value;
            strip_tags(&mut value);
            *slot = normalise(value, &path);
            return;
        }
        self.merge_into(slot, value, &path);
    }

    /// Merges the entries of a mapping into another, key by key, each key
    /// found through an index: linear in the two mappings' sizes (an
    /// `environment` of 10 000 keys extended by 250 services stays cheap).
    fn merge_maps(
        &mut self,
        existing: &mut Vec<(Key, Node)>,
        entries: Vec<(Key, Node)>,
        parent: &str,
    ) {
        let mut index = KeyIndex::new(existing, &mut self.work);
        for (key, value) in entries {
            self.work.entries += 1;
            if value.tag.as_deref() == Some("reset") {
                index.remove(&key.text, &mut self.work);
                continue;
            }
            let slot = index.slot(existing, &key, &mut self.work);
            self.set_slot(slot, &key, value, parent);
        }
        index.apply_removals(existing);
    }

    /// Merges `over` into `base`, where both sit at attribute `path` of a
    /// service (or of the top level, for non-service paths).
    fn merge_into(&mut self, base: &mut Node, over: Node, path: &str) {
        match over.tag.as_deref() {
            Some("reset") => {
                *base = Node::new(Value::Null, over.pos);
                return;
            }
            Some("override") => {
                let mut over = over;
                strip_tags(&mut over);
                *base = normalise(over, path);
                return;
            }
            _ => {}
        }
        if REPLACED.contains(&path) {
            let mut over = over;
            strip_tags(&mut over);
            *base = over;
            return;
        }
        let over = normalise(over, path);
        if KEY_VALUE.contains(&path)
            || NAME_LIST.contains(&path)
            || STRING_OR_LIST.contains(&path)
            || path == "build"
        {
            let normalised = normalise(
                std::mem::replace(base, Node::new(Value::Null, over.pos.clone())),
                path,
            );
            *base = normalised;
        }
        match (&mut base.value, over.value) {
            (Value::Map(existing), Value::Map(entries)) => self.merge_maps(existing, entries, path),
            (Value::Seq(items), Value::Seq(new_items)) => {
                self.merge_sequences(items, new_items, path);
            }
            (_, value) => {
                let mut node = Node {
                    value,
                    pos: over.pos,
                    tag: None,
                    via: over.via,
                };
                strip_tags(&mut node);
                *base = node;
            }
        }
    }

    /// Appends `new_items`; in a list unique by a key (`ports`, `volumes`,
    /// `cap_add`…) an item replaces the earlier one with its key. Each
    /// item's key is worked out once and found through an index.
    fn merge_sequences(&mut self, items: &mut Vec<Node>, new_items: Vec<Node>, path: &str) {
        self.work.entries += new_items.len();
        let Some(key) = unique_key(path) else {
            for mut item in new_items {
                strip_tags(&mut item);
                items.push(item);
            }
            return;
        };
        self.work.key_checks += items.len();
        let mut positions: HashMap<String, usize> = HashMap::with_capacity(items.len());
        for (i, old) in items.iter().enumerate() {
            if let Some(k) = key(old) {
                positions.entry(k).or_insert(i);
            }
        }
        for mut item in new_items {
            strip_tags(&mut item);
            self.work.key_checks += 1;
            match key(&item) {
                Some(k) => match positions.get(&k) {
                    Some(&i) => items[i] = item,
                    None => {
                        positions.insert(k, items.len());
                        items.push(item);
                    }
                },
                None => items.push(item),
            }
        }
    }
}

/// What makes items of the list at `path` the same item, for the lists
/// whose items are unique.
fn unique_key(path: &str) -> Option<fn(&Node) -> Option<String>> {
    match path {
        "volumes" => Some(|n| parse_mount(n).map(|m| m.target)),
        "ports" => Some(|n| {
            parse_port(n).map(|p| {
                format!(
                    "{}|{}|{}|{}",
                    p.host_ip.unwrap_or_default(),
                    p.published.unwrap_or_default(),
                    p.target,
                    p.protocol
                )
            })
        }),
        "secrets" | "configs" => Some(|n| match &n.value {
            Value::Scalar(s) => Some(s.text.clone()),
            Value::Map(_) => n
                .get("target")
                .or_else(|| n.get("source"))
                .and_then(Node::as_str)
                .map(str::to_string),
            _ => None,
        }),
        p if UNIQUE_TEXT.contains(&p) => Some(|n| n.as_str().map(str::to_string)),
        _ => None,
    }
}

/// Rewrites the list syntax of key/value and name attributes as a mapping,
/// and a string `build:` as `{context: ...}`, so two files using different
/// syntaxes merge by key.
fn normalise(node: Node, path: &str) -> Node {
    if path == "build" {
        if let Value::Scalar(_) = &node.value {
            let key = Key {
                text: "context".into(),
                pos: node.pos.clone(),
            };
            let pos = node.pos.clone();
            return Node::new(Value::Map(vec![(key, node)]), pos);
        }
        return node;
    }
    if STRING_OR_LIST.contains(&path) {
        if let Value::Scalar(_) = &node.value {
            let pos = node.pos.clone();
            return Node::new(Value::Seq(vec![node]), pos);
        }
        return node;
    }
    let is_kv = KEY_VALUE.contains(&path);
    if !(is_kv || NAME_LIST.contains(&path)) {
        return node;
    }
    let Value::Seq(items) = node.value else {
        return node;
    };
    let mut entries: Vec<(Key, Node)> = Vec::with_capacity(items.len());
    // Where each key is in `entries`: a key written twice keeps its last
    // value, at the later place.
    let mut index: HashMap<String, usize> = HashMap::with_capacity(items.len());
    let mut replaced = Vec::with_capacity(items.len());
    for item in items {
        let Value::Scalar(scalar) = &item.value else {
            continue;
        };
        let (name, value) = match (is_kv, scalar.text.split_once('=')) {
            (true, Some((k, v))) => (k.to_string(), Some(v.to_string())),
            _ => (scalar.text.clone(), None),
        };
        let key = Key {
            text: name,
            pos: item.pos.clone(),
        };
        let value_node = match value {
            Some(v) => {
                let mut n = item.clone();
                if let Value::Scalar(s) = &mut n.value {
                    s.text = v;
                }
                n
            }
            None => Node {
                value: Value::Null,
                pos: item.pos.clone(),
                tag: None,
                via: item.via.clone(),
            },
        };
        if let Some(earlier) = index.insert(key.text.clone(), entries.len()) {
            replaced[earlier] = true;
        }
        entries.push((key, value_node));
        replaced.push(false);
    }
    if replaced.contains(&true) {
        let mut flags = replaced.into_iter();
        entries.retain(|_| !flags.next().unwrap_or(false));
    }
    Node {
        value: Value::Map(entries),
        pos: node.pos,
        tag: node.tag,
        via: node.via,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse_documents, source_from_text};

    fn doc(text: &str) -> Node {
        parse_documents(&source_from_text("t.yaml", text), Limits::default())
            .unwrap()
            .remove(0)
    }

    fn merged(a: &str, b: &str) -> Node {
        let mut base = doc(a);
        merge_documents(&mut base, doc(b));
        base.get("services").unwrap().get("s").unwrap().clone()
    }

    fn texts(node: &Node) -> Vec<String> {
        node.as_seq()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn follows_the_specification_merge_rules() {
        let s = merged(
            "services:\n  s:\n    image: a\n    command: [x, y]\n    cap_add: [NET_ADMIN]\n    volumes: ['foo:/work', '/data']\n    environment: [A=1, B=2]\n    dns: [1.1.1.1]\n",
            "services:\n  s:\n    image: b\n    command: [z]\n    cap_add: [NET_ADMIN, SYS_TIME]\n    volumes: ['bar:/work']\n    environment: {B: '3', C: '4'}\n    dns: [8.8.8.8]\n",
        );
        assert_eq!(s.get("image").unwrap().as_str(), Some("b"));
        assert_eq!(texts(s.get("command").unwrap()), ["z"]);
        assert_eq!(texts(s.get("cap_add").unwrap()), ["NET_ADMIN", "SYS_TIME"]);
        assert_eq!(texts(s.get("volumes").unwrap()), ["bar:/work", "/data"]);
        assert_eq!(texts(s.get("dns").unwrap()), ["1.1.1.1", "8.8.8.8"]);
        let env = s.get("environment").unwrap();
        assert_eq!(env.get("A").unwrap().as_str(), Some("1"));
        assert_eq!(env.get("B").unwrap().as_str(), Some("3"));
        assert_eq!(env.get("C").unwrap().as_str(), Some("4"));
    }

    #[test]
    fn a_key_written_twice_keeps_its_last_value_at_the_later_place() {
        let model = merged(
            "services:\n  s:\n    environment: [A=1, B=2, A=3]\n",
            "services:\n  s:\n    environment:\n      C: \"4\"\n      B: !reset null\n",
        );
        let env = model.get("environment").unwrap();
        let pairs: Vec<(String, String)> = env
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.text.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("A".to_string(), "3".to_string()),
                ("C".to_string(), "4".to_string())
            ]
        );
    }

    #[test]
    fn reset_removes_and_override_replaces() {
        let s = merged(
            "services:\n  s:\n    ports: ['8080:80']\n    environment: {FOO: BAR}\n    cap_add: [A]\n",
            "services:\n  s:\n    ports: !reset []\n    environment:\n      FOO: !reset null\n    cap_add: !override [B]\n",
        );
        assert!(s.get("ports").is_none());
        assert!(s.get("environment").unwrap().get("FOO").is_none());
        assert_eq!(texts(s.get("cap_add").unwrap()), ["B"]);
    }
}
