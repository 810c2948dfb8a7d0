//! Builds [`Node`] trees from parser events, enforcing [`Limits`], and
//! splits a stream into its documents for readers that treat documents
//! independently ([`parse_each_document`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use granit_parser::{Event, Marker, Parser, ScalarStyle, Span, Tag};

use super::node::{Key, Node, Scalar, Value};
use crate::error::InputError;
use crate::text::{Pos, SourceFile, Span as TextSpan};

/// Most nodes a file may expand to, aliases included, whatever its size.
pub const DEFAULT_MAX_NODES: usize = 250_000;

/// Nodes a file may hold per byte of its text beyond [`Limits::max_nodes`]:
/// a YAML node takes at least a byte or two to write (`[a,b]`), so only
/// aliases take a file past this, and a file of many documents cannot
/// multiply the limit by its number of documents.
pub const NODES_PER_BYTE: usize = 2;

/// Bounds on what one file may cost to load.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Nodes a file may hold after aliases are expanded, all its documents
    /// together; a larger file may hold [`NODES_PER_BYTE`] per byte.
    pub max_nodes: usize,
    /// What a key written twice in one mapping is.
    pub duplicate_keys: DuplicateKeys,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: DEFAULT_MAX_NODES,
            duplicate_keys: DuplicateKeys::Error,
        }
    }
}

/// What a key written twice in one mapping is. Docker Compose rejects
/// one (and policies follow it); `kubectl` warns and keeps the last value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DuplicateKeys {
    /// An error at the second occurrence.
    #[default]
    Error,
    /// The last value wins; each duplicate is recorded in [`Stream::duplicates`].
    LastWins,
}

/// A key written twice in one mapping, read with [`DuplicateKeys::LastWins`].
#[derive(Clone, Debug)]
pub struct DuplicateKey {
    pub key: String,
    /// The later key, whose value is kept.
    pub kept: Pos,
    /// The earlier key, whose value is dropped.
    pub dropped: Pos,
}

impl std::fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: duplicate key `{}`: the value at line {} is used, the one at line {} is dropped (as kubectl does)",
            self.kept, self.key, self.kept.line, self.dropped.line
        )
    }
}

/// What building the trees of a file cost, in units that grow with the
/// input, not with the clock: complexity tests read these counters to
/// show that a file ten times larger costs about ten times the work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseWork {
    /// Nodes built, every alias expansion counted again.
    pub nodes: usize,
    /// Keys compared or hashed to find a duplicate key.
    pub key_checks: usize,
}

impl std::ops::AddAssign for ParseWork {
    fn add_assign(&mut self, other: ParseWork) {
        self.nodes += other.nodes;
        self.key_checks += other.key_checks;
    }
}

/// One document of a stream read by [`parse_each_document`].
#[derive(Debug)]
pub struct Document {
    /// Its bytes in the file's text.
    pub bytes: Range<usize>,
    /// The document (more than one only if the split missed a marker), or
    /// why it could not be read.
    pub result: Result<Vec<Node>, InputError>,
}

/// A stream read document by document.
#[derive(Debug, Default)]
pub struct Stream {
    pub documents: Vec<Document>,
    pub duplicates: Vec<DuplicateKey>,
    /// What reading the stream cost, all documents together.
    pub work: ParseWork,
}

/// Mappings at least this long index their keys in a hash map, so a
/// duplicate check costs the same for a 200 000-key ConfigMap as for a
/// container; shorter ones compare linearly, which is cheaper there.
const INDEX_KEYS_FROM: usize = 16;

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        tag: Option<String>,
        anchor: usize,
        /// Where the last key or item written in it ends (bytes).
        end: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        /// Key text to its entry, once the mapping is long.
        index: Option<HashMap<String, usize>>,
        /// The key read, and the entry it replaces (a duplicate, last wins).
        pending_key: Option<(Key, Option<usize>)>,
        merges: Vec<Node>,
        pos: Pos,
        tag: Option<String>,
        anchor: usize,
        /// Where the last key or item written in it ends (bytes).
        end: usize,
    },
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    limits: Limits,
    /// Nodes built so far, against `budget`.
    nodes: usize,
    /// Nodes this part of the file may build.
    budget: usize,
    work: ParseWork,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    documents: Vec<Node>,
    /// Added to every line: the text parsed starts at line `line_offset + 1`
    /// of the file.
    line_offset: u32,
    /// Added to every byte offset: the text parsed starts at this byte.
    byte_offset: usize,
    duplicates: Vec<DuplicateKey>,
}

/// Parses every document of a YAML stream. Empty documents are skipped.
/// Duplicates read with [`DuplicateKeys::LastWins`] are not reported here:
/// readers that keep the last value use [`parse_each_document`].
pub fn parse_documents(file: &Arc<SourceFile>, limits: Limits) -> Result<Vec<Node>, InputError> {
    parse_documents_counted(file, limits).0
}

/// [`parse_documents`], with what it cost.
pub fn parse_documents_counted(
    file: &Arc<SourceFile>,
    limits: Limits,
) -> (Result<Vec<Node>, InputError>, ParseWork) {
    let budget = node_budget(limits, file.text.len());
    let part = parse_part(file, 0..file.text.len(), 0, limits, budget);
    (part.result, part.work)
}

/// The nodes a file of `len` bytes may expand to.
fn node_budget(limits: Limits, len: usize) -> usize {
    limits.max_nodes.max(len.saturating_mul(NODES_PER_BYTE))
}

/// What [`parse_part`] read.
struct Part {
    result: Result<Vec<Node>, InputError>,
    duplicates: Vec<DuplicateKey>,
    work: ParseWork,
}

/// Parses `bytes` of the file's text (starting at a line start, after
/// `line_offset` lines), returning its documents and the duplicates read.
fn parse_part(
    file: &Arc<SourceFile>,
    bytes: Range<usize>,
    line_offset: u32,
    limits: Limits,
    budget: usize,
) -> Part {
    let mut builder = Builder {
        file,
        limits,
        nodes: 0,
        budget,
        work: ParseWork::default(),
        anchors: HashMap::new(),
        stack: Vec::new(),
        documents: Vec::new(),
        line_offset,
        byte_offset: bytes.start,
        duplicates: Vec::new(),
    };
    let text = &file.text[bytes];
    for event in Parser::new_from_str(text) {
        let step = event
            .map_err(|e| {
                let m = e.marker();
                InputError {
                    line: Some(m.line() as u32 + line_offset),
                    column: Some(m.col() as u32 + 1),
                    ..InputError::in_file(
                        file.display.as_str(),
                        format!("invalid YAML: {}", e.info()),
                    )
                }
            })
            .and_then(|(event, span)| builder.event(event, span));
        if let Err(e) = step {
            return Part {
                result: Err(e),
                duplicates: builder.duplicates,
                work: builder.work,
            };
        }
    }
    Part {
        result: Ok(builder.documents),
        duplicates: builder.duplicates,
        work: builder.work,
    }
}

/// Parses each document of a stream on its own, so that one a parser
/// cannot read (a syntax error, a key that is not a scalar) costs only
/// itself: the stream is split at the document markers `---` and `...`
/// written at column 0, which YAML forbids anywhere else at that column
/// (they end even a block scalar), and every part keeps its lines.
pub fn parse_each_document(file: &Arc<SourceFile>, limits: Limits) -> Stream {
    let mut stream = Stream::default();
    let mut budget = node_budget(limits, file.text.len());
    for (bytes, line_offset) in split_documents(&file.text) {
        let part = parse_part(file, bytes.clone(), line_offset, limits, budget);
        budget = budget.saturating_sub(part.work.nodes);
        stream.duplicates.extend(part.duplicates);
        stream.work += part.work;
        stream.documents.push(Document {
            bytes,
            result: part.result,
        });
        if budget == 0 {
            // The file's node limit is spent: the documents after this
            // one are not read (their error would be the same).
            break;
        }
    }
    stream
}

/// The documents of a stream: byte ranges, each with the number of lines
/// before it. A `---` line starts a part (with the `%` directives right
/// above it); a `...` line ends one.
fn split_documents(text: &str) -> Vec<(Range<usize>, u32)> {
    let is_marker = |line: &str, marker: &str| {
        line.strip_prefix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
    };
    let mut parts = Vec::new();
    let (mut start, mut start_line) = (0usize, 0u32);
    // The first line of a run of directives (and blank or comment lines
    // after them) that belongs to the next document.
    let mut directives: Option<(usize, u32)> = None;
    let mut offset = 0usize;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let number = number as u32;
        let end = offset + line.len();
        if is_marker(line, "---") {
            let (cut, cut_line) = directives.unwrap_or((offset, number));
            if cut > start {
                parts.push((start..cut, start_line));
            }
            (start, start_line) = (cut, cut_line);
            directives = None;
        } else if is_marker(line, "...") {
            parts.push((start..end, start_line));
            (start, start_line) = (end, number + 1);
            directives = None;
        } else if line.starts_with('%') {
            directives.get_or_insert((offset, number));
        } else if !(line.trim().is_empty() || line.starts_with('#')) {
            directives = None;
        }
        offset = end;
    }
    if start < text.len() || parts.is_empty() {
        parts.push((start..text.len(), start_line));
    }
    parts
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
            line: span.start.line() as u32 + self.line_offset,
            column: span.start.col() as u32 + 1,
            span: TextSpan {
                start: self.byte(&span.start),
                end: self.byte(&span.end),
            },
        }
    }

    /// A marker's byte in the file (the parser reads a `&str`, so it
    /// knows every marker's byte offset).
    fn byte(&self, marker: &Marker) -> usize {
        self.byte_offset + marker.byte_offset().unwrap_or_default()
    }

    fn error(&self, pos: &Pos, message: impl Into<String>) -> InputError {
        InputError::at(pos, message)
    }

    fn count(&mut self, n: usize, pos: &Pos) -> Result<(), InputError> {
        self.nodes += n;
        self.work.nodes += n;
        if self.nodes > self.budget {
            return Err(self.error(
                pos,
                format!(
                    "this file expands to more than {} YAML nodes (alias bomb?)",
                    node_budget(self.limits, self.file.text.len())
                ),
            ));
        }
        Ok(())
    }

    fn push_frame(&mut self, frame: Frame, pos: &Pos) -> Result<(), InputError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.error(
                pos,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), InputError> {
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.anchors.clear();
            }
            Event::DocumentEnd => {}
            Event::Alias(id) => self.alias(id, &span)?,
            Event::UnresolvedAlias(name) => {
                let pos = self.pos(&span);
                return Err(self.error(&pos, format!("alias *{name} has no anchor")));
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), &span)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                let pos = self.pos(&span);
                self.count(1, &pos)?;
                let frame = Frame::Seq {
                    items: Vec::new(),
                    pos: pos.clone(),
                    tag: tag_name(tag.as_deref()),
                    anchor,
                    end: pos.span.end,
                };
                self.push_frame(frame, &pos)?;
            }
            Event::MappingStart(_, anchor, tag) => {
                let pos = self.pos(&span);
                self.count(1, &pos)?;
                let frame = Frame::Map {
                    entries: Vec::new(),
                    index: None,
                    pending_key: None,
                    merges: Vec::new(),
                    pos: pos.clone(),
                    tag: tag_name(tag.as_deref()),
                    anchor,
                    end: pos.span.end,
                };
                self.push_frame(frame, &pos)?;
            }
            Event::SequenceEnd => self.end_sequence(&span)?,
            Event::MappingEnd => self.end_mapping(&span)?,
            // Comments, anchor metadata and any event kinds added later
            // carry no data.
            _ => {}
        }
        Ok(())
    }

    /// `*name`: a copy of the anchored node, counted again against the
    /// node limit and marked as reached through the alias.
    fn alias(&mut self, id: usize, span: &Span) -> Result<(), InputError> {
        let pos = self.pos(span);
        let Some(target) = self.anchors.get(&id) else {
            return Err(self.error(&pos, "alias to an unknown anchor"));
        };
        let mut node = target.clone();
        let size = subtree_size(&node);
        self.count(size, &pos)?;
        mark_via(&mut node, &pos);
        self.add(node, pos.span.end)
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: &Span,
    ) -> Result<(), InputError> {
        let pos = self.pos(span);
        self.count(1, &pos)?;
        let tag = tag_name(tag);
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
        let end = pos.span.end;
        let node = Node {
            value,
            pos,
            tag,
            via: None,
        };
        self.finish(node, anchor, end)
    }

    fn end_sequence(&mut self, span: &Span) -> Result<(), InputError> {
        let Some(Frame::Seq {
            items,
            mut pos,
            tag,
            anchor,
            end,
        }) = self.stack.pop()
        else {
            return Err(self.error(&self.pos(span), "unbalanced sequence"));
        };
        pos.span.end = self.collection_end(span, end);
        let end = pos.span.end;
        let node = Node {
            value: Value::Seq(items),
            pos,
            tag,
            via: None,
        };
        self.finish(node, anchor, end)
    }

    fn end_mapping(&mut self, span: &Span) -> Result<(), InputError> {
        let Some(Frame::Map {
            mut entries,
            merges,
            mut pos,
            tag,
            anchor,
            end,
            ..
        }) = self.stack.pop()
        else {
            return Err(self.error(&self.pos(span), "unbalanced mapping"));
        };
        pos.span.end = self.collection_end(span, end);
        let end = pos.span.end;
        apply_merges(&mut entries, merges);
        let node = Node {
            value: Value::Map(entries),
            pos,
            tag,
            via: None,
        };
        self.finish(node, anchor, end)
    }

    /// A node complete: remembered under its anchor (`0`: none), then
    /// placed into its parent.
    fn finish(&mut self, node: Node, anchor: usize, end: usize) -> Result<(), InputError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        self.add(node, end)
    }

    /// Where a collection closed by the event at `span` ends: at its `]`
    /// or `}`, or (a block collection, whose end event is empty) where the
    /// last thing written in it ends.
    fn collection_end(&self, span: &Span, last: usize) -> usize {
        if span.end.index() > span.start.index() {
            self.byte(&span.end)
        } else {
            last
        }
    }

    /// Places a finished node into its parent (or finishes a document);
    /// its text here ends at byte `end` (for an alias: the `*name`).
    fn add(&mut self, node: Node, end: usize) -> Result<(), InputError> {
        let last_wins = self.limits.duplicate_keys == DuplicateKeys::LastWins;
        let mut duplicate = None;
        if let Some(Frame::Seq { end: last, .. } | Frame::Map { end: last, .. }) =
            self.stack.last_mut()
        {
            *last = end;
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                index,
                pending_key,
                merges,
                ..
            }) => match pending_key.take() {
                None => {
                    let text = match &node.value {
                        Value::Scalar(s) => s.text.clone(),
                        Value::Null => String::new(),
                        _ => {
                            return Err(InputError::at(
                                &node.pos,
                                "a mapping key must be a scalar",
                            ));
                        }
                    };
                    if text == "<<"
                        && !last_wins
                        && (!merges.is_empty() || entries.iter().any(|(k, _)| k.text == "<<"))
                    {
                        // As Compose's YAML reader: several merges are one
                        // `<<: [*a, *b]`, not two keys.
                        return Err(InputError::at(
                            &node.pos,
                            "duplicate key `<<` (merge several mappings with `<<: [*a, *b]`)",
                        ));
                    }
                    let earlier = if text == "<<" {
                        None
                    } else {
                        match index {
                            Some(index) => {
                                self.work.key_checks += 1;
                                index.get(&text).copied()
                            }
                            None => {
                                self.work.key_checks += entries.len();
                                entries.iter().position(|(k, _)| k.text == text)
                            }
                        }
                    };
                    if let Some(i) = earlier {
                        // A duplicate: an error at the second occurrence,
                        // or the later value replaces the earlier one.
                        if !last_wins {
                            return Err(InputError::at(
                                &node.pos,
                                format!("duplicate key `{text}`"),
                            ));
                        }
                        duplicate = Some(DuplicateKey {
                            key: text.clone(),
                            kept: node.pos.clone(),
                            dropped: entries[i].0.pos.clone(),
                        });
                    }
                    let key = Key {
                        text,
                        pos: node.pos,
                    };
                    *pending_key = Some((key, earlier));
                }
                Some((key, replaces)) => {
                    let is_merge = key.text == "<<"
                        && matches!(&node.value, Value::Map(_) | Value::Seq(_))
                        && node.tag.is_none();
                    if is_merge {
                        match node.value {
                            Value::Seq(items) => {
                                for item in items {
                                    if item.as_map().is_none() {
                                        return Err(InputError::at(
                                            &item.pos,
                                            "a `<<` merge list may only hold mappings",
                                        ));
                                    }
                                    merges.push(item);
                                }
                            }
                            _ => merges.push(node),
                        }
                    } else if let Some(i) = replaces {
                        entries[i] = (key, node);
                    } else {
                        if let Some(index) = index {
                            index.insert(key.text.clone(), entries.len());
                        } else if entries.len() + 1 >= INDEX_KEYS_FROM {
                            self.work.key_checks += entries.len();
                            let mut built: HashMap<String, usize> = entries
                                .iter()
                                .enumerate()
                                .map(|(i, (k, _))| (k.text.clone(), i))
                                .collect();
                            built.insert(key.text.clone(), entries.len());
                            *index = Some(built);
                        }
                        entries.push((key, node));
                    }
                }
            },
        }
        self.duplicates.extend(duplicate);
        Ok(())
    }
}

/// `<<` merge keys: explicit keys win, then earlier merge sources win.
fn apply_merges(entries: &mut Vec<(Key, Node)>, merges: Vec<Node>) {
    if merges.is_empty() {
        return;
    }
    let mut present: HashSet<String> = entries.iter().map(|(k, _)| k.text.clone()).collect();
    for source in merges {
        let via = source.via.clone().unwrap_or_else(|| source.pos.clone());
        let Value::Map(source_entries) = source.value else {
            continue;
        };
        for (key, mut value) in source_entries {
            if !present.insert(key.text.clone()) {
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

    fn parse(text: &str) -> Result<Vec<Node>, InputError> {
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
    fn spans_cover_exactly_what_is_written() {
        let text = "a: \"q x\"  # c\nb: [x, 'y']\nc:\n  d: &z 1\n  e: [2]\n\nf: *z\n";
        let docs = parse(text).unwrap();
        let written = |pos: &Pos| &text[pos.span.start..pos.span.end];
        let (a_key, a) = docs[0].entry("a").unwrap();
        assert_eq!((written(&a_key.pos), written(&a.pos)), ("a", "\"q x\""));
        let b = docs[0].get("b").unwrap();
        assert_eq!(written(&b.pos), "[x, 'y']");
        assert_eq!(written(&b.as_seq().unwrap()[1].pos), "'y'");
        // A block mapping runs from its first key to the end of its last value.
        let c = docs[0].get("c").unwrap();
        assert_eq!(written(&c.pos), "d: &z 1\n  e: [2]");
        // An alias's value is where the anchor's is written.
        assert_eq!(written(&docs[0].get("f").unwrap().pos), "1");
    }

    #[test]
    fn spans_of_a_later_document_count_from_the_start_of_the_file() {
        let text = "a: 1\n---\nb: two\n";
        let stream = parse_each_document(&source_from_text("t.yaml", text), Limits::default());
        let b = stream.documents[1].result.as_ref().unwrap()[0]
            .get("b")
            .unwrap();
        assert_eq!(&text[b.pos.span.start..b.pos.span.end], "two");
        assert_eq!(b.pos.line, 3);
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
    fn last_wins_keeps_the_later_value_and_records_both_lines() {
        let limits = Limits {
            duplicate_keys: DuplicateKeys::LastWins,
            ..Limits::default()
        };
        let source = source_from_text("t.yaml", "a: 1\nb: 2\na: 3\n");
        let stream = parse_each_document(&source, limits);
        let docs = stream.documents[0].result.as_ref().unwrap();
        assert_eq!(docs[0].get("a").unwrap().as_str(), Some("3"));
        assert_eq!(docs[0].as_map().unwrap().len(), 2);
        let dup = &stream.duplicates[0];
        assert_eq!(
            (dup.key.as_str(), dup.kept.line, dup.dropped.line),
            ("a", 3, 1)
        );
    }

    #[test]
    fn duplicates_are_found_in_long_mappings_too() {
        let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.line, Some(101));
        let limits = Limits {
            duplicate_keys: DuplicateKeys::LastWins,
            ..Limits::default()
        };
        let stream = parse_each_document(&source_from_text("t.yaml", &text), limits);
        let docs = stream.documents[0].result.as_ref().unwrap();
        assert_eq!(docs[0].get("k7").unwrap().as_str(), Some("again"));
        assert_eq!(docs[0].as_map().unwrap().len(), 100);
        assert_eq!(stream.duplicates.len(), 1);
    }

    #[test]
    fn each_document_is_read_alone_with_its_own_lines() {
        let text = "a: 1\n---\nb: [unclosed\n---\n# c\nc: {x: 1}\n...\n%YAML 1.2\n---\nd: 4\n";
        let stream = parse_each_document(&source_from_text("t.yaml", text), Limits::default());
        let results: Vec<_> = stream.documents.iter().map(|d| &d.result).collect();
        assert_eq!(results.len(), 4, "{results:?}");
        assert_eq!(results[1].as_ref().unwrap_err().line, Some(3), "the `[`");
        let c = &results[2].as_ref().unwrap()[0];
        assert_eq!(c.get("c").unwrap().get("x").unwrap().pos.line, 6);
        let d = &results[3].as_ref().unwrap()[0];
        assert_eq!(d.entry("d").unwrap().0.pos.line, 10);
    }

    #[test]
    fn a_marker_needs_column_zero_and_an_end() {
        assert_eq!(split_documents("a: |\n  ---\n---x: 1\n").len(), 1);
        assert_eq!(split_documents("--- # c\na: 1\n--- \nb: 2\n").len(), 2);
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
