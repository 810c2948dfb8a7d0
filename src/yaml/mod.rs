//! Span-aware YAML: one tree type shared by the Compose loader, the
//! Kubernetes loader and policy files.
//!
//! The tree is built from `granit-parser` events (the parser under
//! serde-saphyr) rather than through serde, because drydock needs three
//! things serde hides: the position of every key and value, the custom
//! `!reset` / `!override` tags of Compose, and where a value reached through
//! an alias or a `<<` merge key was written. Scalars stay text; each consumer
//! types them the way its format does (Compose accepts `yes`/`on` for
//! booleans, Kubernetes reads YAML 1.1 booleans too).
//!
//! Hostile input is bounded here, once for every format: nesting depth, the
//! number of nodes an alias may expand to (billion laughs), and file size.
//! Duplicate keys are errors, as in Docker Compose, unless the reader asks
//! for the last value to win ([`DuplicateKeys::LastWins`], as `kubectl`
//! does, with a warning per duplicate).

mod build;
mod routed;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use build::{
    Document, DuplicateKey, DuplicateKeys, Limits, Stream, parse_documents, parse_each_document,
};
pub use routed::Routed;

/// A file drydock read, kept for snippets and for resolving positions.
#[derive(Debug)]
pub struct SourceFile {
    /// Where the file was opened from.
    pub path: PathBuf,
    /// How reports name it: relative to the scan root, `/`-separated.
    pub display: String,
    /// The whole text.
    pub text: String,
}

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

/// An error located in a file: `path:line:col: message`.
#[derive(Clone, Debug)]
pub struct LocatedError {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl LocatedError {
    pub fn at(pos: &Pos, message: impl Into<String>) -> LocatedError {
        LocatedError {
            path: pos.file.display.clone(),
            line: Some(pos.line),
            column: Some(pos.column),
            message: message.into(),
        }
    }

    pub fn in_file(path: impl Into<String>, message: impl Into<String>) -> LocatedError {
        LocatedError {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => {
                write!(f, "{}:{}:{}: {}", self.path, l, c, one_line(&self.message))
            }
            (Some(l), None) => write!(f, "{}:{}: {}", self.path, l, one_line(&self.message)),
            _ => write!(f, "{}: {}", self.path, one_line(&self.message)),
        }
    }
}

impl std::error::Error for LocatedError {}

/// Reads a file as UTF-8 text within a size limit, naming the file (and the
/// line of the first bad byte) on failure.
pub fn read_source(
    path: PathBuf,
    display: String,
    max_bytes: u64,
) -> Result<Arc<SourceFile>, LocatedError> {
    let file = std::fs::File::open(&path)
        .map_err(|e| LocatedError::in_file(&display, format!("cannot read: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    read_opened(file, size, path, display, max_bytes)
}

/// [`read_source`] of a file already opened (through the audit boundary,
/// [`crate::boundary::Boundary::open`]) whose size is `size`; `path` is
/// the path as the configuration named it.
pub fn read_opened(
    file: std::fs::File,
    size: u64,
    path: PathBuf,
    display: String,
    max_bytes: u64,
) -> Result<Arc<SourceFile>, LocatedError> {
    use std::io::Read;
    let too_large = || {
        LocatedError::in_file(
            &display,
            format!("file is larger than the {} MiB limit", max_bytes >> 20),
        )
    };
    if size > max_bytes {
        return Err(too_large());
    }
    // Sized from the metadata so the read is one allocation, no regrowth.
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LocatedError::in_file(&display, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = 1 + bytes[..good].iter().filter(|b| **b == b'\n').count() as u32;
            return Err(LocatedError {
                path: display,
                line: Some(line),
                column: None,
                message: "invalid UTF-8".into(),
            });
        }
    };
    Ok(Arc::new(SourceFile {
        path,
        display,
        text,
    }))
}

/// A source that was not read from disk (standard input, tests).
pub fn source_from_text(display: &str, text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile {
        path: PathBuf::from(display),
        display: display.to_string(),
        text: text.to_string(),
    })
}

/// Error messages are one line, whatever a parser put in them.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
