//! The tree: nodes with where they were written ([`Pos`], with the bytes
//! of the value as a [`Span`]), mapping keys and scalars.

use std::fmt;
use std::sync::Arc;

use super::source::SourceFile;
use crate::error::InputError;

/// A 1-based line and column inside a source file, and the bytes of what
/// is written there.
#[derive(Clone)]
pub struct Pos {
    pub file: Arc<SourceFile>,
    pub line: u32,
    pub column: u32,
    /// The bytes of the key or value written here: a scalar with its
    /// quotes, a collection from its first to its last character.
    pub span: Span,
}

/// Byte offsets into a file's text, end exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Pos {
    /// Column 1 of a 1-based line, spanning the line's text (without its
    /// line break): for places a reader found line by line (an `.env`
    /// entry, a whole file).
    pub fn line_of(file: Arc<SourceFile>, line: u32) -> Pos {
        let before = line.saturating_sub(1) as usize;
        let start: usize = file
            .text
            .split_inclusive('\n')
            .take(before)
            .map(str::len)
            .sum();
        let text = file.text[start..].lines().next().unwrap_or("");
        let end = start + text.trim_end().len();
        Pos {
            file,
            line,
            column: 1,
            span: Span { start, end },
        }
    }
}

impl fmt::Debug for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display, self.line, self.column)
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display, self.line, self.column)
    }
}

/// A YAML node with where it was written.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    /// Where the value itself is written (for an alias: at the anchor).
    pub pos: Pos,
    /// A local tag such as `!reset` or `!override`, without the `!`.
    pub tag: Option<String>,
    /// For a value reached through an alias or a `<<` merge key: the alias
    /// site, so a finding can point at both places.
    pub via: Option<Pos>,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// Scalar text after YAML escapes; `plain` is false for quoted and block
/// scalars, which are always strings.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub text: String,
    pub plain: bool,
    /// Set when Compose interpolation put text from the environment into
    /// the value: such a value is not (only) a literal written in the file.
    pub interpolated: bool,
    /// The text as written, when interpolation changed it.
    pub raw: Option<String>,
}

/// A mapping key (always a scalar in the formats drydock reads).
#[derive(Clone, Debug)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Node {
        Node {
            value,
            pos,
            tag: None,
            via: None,
        }
    }

    /// The entries of a mapping, or `None` for any other node.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The text of a scalar (numbers and booleans included).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Looks a key up in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Mutable lookup in a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.text == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Looks a key up in a mapping and returns the key too (for its line).
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.text == key)
            .map(|(k, v)| (k, v))
    }

    /// Reads a boolean the way Docker Compose does: YAML's `true`/`false`,
    /// and the strings it converts (`yes`, `no`, `on`, `off`, `y`, `n`, any
    /// case). Anything else is `None`.
    pub fn as_bool(&self) -> Option<bool> {
        parse_bool(self.as_str()?)
    }

    /// A short name for the node's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Scalar(_) => "a scalar",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Compose's and Kubernetes' lenient boolean spellings.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

impl InputError {
    /// An error at a position of a file (or of standard input).
    pub fn at(pos: &Pos, message: impl Into<String>) -> InputError {
        InputError {
            line: Some(pos.line),
            column: Some(pos.column),
            ..InputError::in_file(pos.file.display.as_str(), message)
        }
    }
}
