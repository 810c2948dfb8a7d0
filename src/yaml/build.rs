//! Builds [`Node`] trees from parser events, enforcing [`Limits`].

use std::collections::HashMap;
use std::sync::Arc;

use granit_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::{Key, LocatedError, Node, Pos, Scalar, SourceFile, Value};

/// Bounds on what one file may cost to load.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Nodes a document may hold after aliases are expanded.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: 250_000,
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        tag: Option<String>,
        anchor: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        merges: Vec<Node>,
        pos: Pos,
        tag: Option<String>,
        anchor: usize,
    },
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    limits: Limits,
    nodes: usize,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    documents: Vec<Node>,
}

/// Parses every document of a YAML stream. Empty documents are skipped.
pub fn parse_documents(file: &Arc<SourceFile>, limits: Limits) -> Result<Vec<Node>, LocatedError> {
    let mut builder = Builder {
        file,
        limits,
        nodes: 0,
        anchors: HashMap::new(),
        stack: Vec::new(),
        documents: Vec::new(),
    };
    for event in Parser::new_from_str(&file.text) {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            LocatedError {
                path: file.display.clone(),
                line: Some(m.line() as u32),
                column: Some(m.col() as u32 + 1),
                message: format!("invalid YAML: {}", e.info()),
            }
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

fn tag_name(tag: Option<&Tag>) -> Option<String> {
    let tag = tag?;
    if tag.is_yaml_core_schema() {
        return Some(format!("!!{}", tag.suffix()));
    }
    Some(tag.suffix().to_string())
}

impl Builder<'_> {
    fn pos(&self, span: &Span) -> Pos {
        Pos {
            file: self.file.clone(),
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
        }
    }

    fn error(&self, pos: &Pos, message: impl Into<String>) -> LocatedError {
        LocatedError::at(pos, message)
    }

    fn count(&mut self, n: usize, pos: &Pos) -> Result<(), LocatedError> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(self.error(
                pos,
                format!(
                    "document expands to more than {} nodes (alias bomb?)",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn push_frame(&mut self, frame: Frame, pos: &Pos) -> Result<(), LocatedError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.error(
                pos,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), LocatedError> {
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.anchors.clear();
                self.nodes = 0;
            }
            Event::DocumentEnd => {}
            Event::Alias(id) => {
                let pos = self.pos(&span);
                let Some(target) = self.anchors.get(&id) else {
                    return Err(self.error(&pos, "alias to an unknown anchor"));
                };
                let mut node = target.clone();
                let size = subtree_size(&node);
                self.count(size, &pos)?;
                mark_via(&mut node, &pos);
                self.add(node)?;
            }
            Event::UnresolvedAlias(name) => {
                let pos = self.pos(&span);
                return Err(self.error(&pos, format!("alias *{name} has no anchor")));
            }
            Event::Scalar(text, style, anchor, tag) => {
                let pos = self.pos(&span);
                self.count(1, &pos)?;
                let tag = tag_name(tag.as_deref());
                let plain = style == ScalarStyle::Plain && tag.as_deref() != Some("!!str");
                let value = if plain && is_null(&text) || tag.as_deref() == Some("!!null") {
                    Value::Null
                } else {
                    Value::Scalar(Scalar {
                        text: text.into_owned(),
                        plain,
                        interpolated: false,
                        raw: None,
                    })
                };
                let node = Node {
                    value,
                    pos,
                    tag,
                    via: None,
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.add(node)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                let pos = self.pos(&span);
                self.count(1, &pos)?;
                let frame = Frame::Seq {
                    items: Vec::new(),
                    pos: pos.clone(),
                    tag: tag_name(tag.as_deref()),
                    anchor,
                };
                self.push_frame(frame, &pos)?;
            }
            Event::MappingStart(_, anchor, tag) => {
                let pos = self.pos(&span);
                self.count(1, &pos)?;
                let frame = Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    merges: Vec::new(),
                    pos: pos.clone(),
                    tag: tag_name(tag.as_deref()),
                    anchor,
                };
                self.push_frame(frame, &pos)?;
            }
            Event::SequenceEnd => {
                let Some(Frame::Seq {
                    items,
                    pos,
                    tag,
                    anchor,
                }) = self.stack.pop()
                else {
                    return Err(self.error(&self.pos(&span), "unbalanced sequence"));
                };
                let node = Node {
                    value: Value::Seq(items),
                    pos,
                    tag,
                    via: None,
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.add(node)?;
            }
            Event::MappingEnd => {
                let Some(Frame::Map {
                    mut entries,
                    merges,
                    pos,
                    tag,
                    anchor,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(self.error(&self.pos(&span), "unbalanced mapping"));
                };
                apply_merges(&mut entries, merges);
                let node = Node {
                    value: Value::Map(entries),
                    pos,
                    tag,
                    via: None,
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.add(node)?;
            }
            // Comments, anchor metadata and any event kinds added later
            // carry no data.
            _ => {}
        }
        Ok(())
    }

    /// Places a finished node into its parent (or finishes a document).
    fn add(&mut self, node: Node) -> Result<(), LocatedError> {
        let file = self.file;
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                merges,
                ..
            }) => match pending_key.take() {
                None => {
                    let text = match &node.value {
                        Value::Scalar(s) => s.text.clone(),
                        Value::Null => String::new(),
                        _ => {
                            return Err(LocatedError::at(
                                &node.pos,
                                "a mapping key must be a scalar",
                            ));
                        }
                    };
                    // A duplicate key is an error at the second occurrence.
                    if text != "<<" && entries.iter().any(|(k, _)| k.text == text) {
                        return Err(LocatedError::at(
                            &node.pos,
                            format!("duplicate key `{text}`"),
                        ));
                    }
                    *pending_key = Some(Key {
                        text,
                        pos: node.pos,
                    });
                }
                Some(key) => {
                    let is_merge = key.text == "<<"
                        && matches!(&node.value, Value::Map(_) | Value::Seq(_))
                        && node.tag.is_none();
                    if is_merge {
                        match node.value {
                            Value::Seq(items) => {
                                for item in items {
                                    if item.as_map().is_none() {
                                        return Err(LocatedError::at(
                                            &item.pos,
                                            "a `<<` merge list may only hold mappings",
                                        ));
                                    }
                                    merges.push(item);
                                }
                            }
                            _ => merges.push(node),
                        }
                    } else {
                        let _ = file;
                        entries.push((key, node));
                    }
                }
            },
        }
        Ok(())
    }
}

/// `<<` merge keys: explicit keys win, then earlier merge sources win.
fn apply_merges(entries: &mut Vec<(Key, Node)>, merges: Vec<Node>) {
    for source in merges {
        let via = source.via.clone().unwrap_or_else(|| source.pos.clone());
        let Value::Map(source_entries) = source.value else {
            continue;
        };
        for (key, mut value) in source_entries {
            if entries.iter().any(|(k, _)| k.text == key.text) {
                continue;
            }
            if value.via.is_none() {
                value.via = Some(via.clone());
            }
            entries.push((key, value));
        }
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn subtree_size(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(subtree_size).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(_, v)| 1 + subtree_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

fn mark_via(node: &mut Node, via: &Pos) {
    if node.via.is_none() {
        node.via = Some(via.clone());
    }
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| mark_via(n, via)),
        Value::Map(entries) => entries.iter_mut().for_each(|(_, n)| mark_via(n, via)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::source_from_text;

    fn parse(text: &str) -> Result<Vec<Node>, LocatedError> {
        parse_documents(&source_from_text("t.yaml", text), Limits::default())
    }

    #[test]
    fn positions_are_one_based() {
        let docs = parse("a:\n  b: 1\n").unwrap();
        let b = docs[0].get("a").unwrap().entry("b").unwrap();
        assert_eq!((b.0.pos.line, b.0.pos.column), (2, 3));
        assert_eq!((b.1.pos.line, b.1.pos.column), (2, 6));
    }

    #[test]
    fn merge_keys_keep_explicit_values_and_record_the_alias_site() {
        let text = "x: &d {p: true, q: 1}\ny: &e {q: 2, r: 3}\ns:\n  q: 9\n  <<: [*d, *e]\n";
        let docs = parse(text).unwrap();
        let s = docs[0].get("s").unwrap();
        assert_eq!(s.get("q").unwrap().as_str(), Some("9"));
        assert_eq!(s.get("r").unwrap().as_str(), Some("3"));
        let p = s.get("p").unwrap();
        assert_eq!(p.pos.line, 1);
        assert_eq!(p.via.as_ref().unwrap().line, 5);
    }

    #[test]
    fn rejects_duplicate_keys_at_the_second_one() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn stops_an_alias_bomb() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            text.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn stops_deep_nesting() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("nesting") || err.message.contains("recursion limit"),
            "{err}"
        );
    }

    #[test]
    fn keeps_local_tags() {
        let docs = parse("ports: !reset []\n").unwrap();
        assert_eq!(docs[0].get("ports").unwrap().tag.as_deref(), Some("reset"));
    }
}
