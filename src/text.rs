//! Texts drydock read and places in them: a [`SourceFile`] (kept for
//! snippets), a [`Pos`] (line, column and the bytes of what is written
//! there). Below every reader, the findings and the errors that point
//! into them.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// The bytes of the last `needle` in what is written here, when it is
    /// written there as it is (not escaped, not folded over lines).
    pub fn rfind(&self, needle: &str) -> Option<Span> {
        let written = self.file.text.get(self.span.start..self.span.end)?;
        let at = written.rfind(needle).filter(|_| !needle.is_empty())?;
        let start = self.span.start + at;
        Some(Span {
            start,
            end: start + needle.len(),
        })
    }

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
