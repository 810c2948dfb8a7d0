//! What a Dockerfile is made of, as the parser (`parse`) reads it: parser
//! directives, instructions with their flags, arguments and heredocs, and
//! for every piece the bytes of the file it was written in, so a finding
//! can point at the exact token — even inside a `RUN` that spans ten
//! continuation lines.

use std::ops::Range;
use std::sync::Arc;

use crate::text::{Pos, SourceFile, Span};

/// A parsed Dockerfile.
#[derive(Debug)]
pub struct Dockerfile {
    pub file: Arc<SourceFile>,
    /// `# syntax=`, `# escape=`, `# check=` at the top of the file.
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless `# escape=` says `` ` ``.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Byte offset of the start of each line, for positions.
    line_starts: Vec<usize>,
}

impl Dockerfile {
    pub(super) fn new(
        file: Arc<SourceFile>,
        directives: Vec<Directive>,
        escape: char,
        instructions: Vec<Instruction>,
    ) -> Dockerfile {
        let line_starts = std::iter::once(0)
            .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Dockerfile {
            file,
            directives,
            escape,
            instructions,
            line_starts,
        }
    }

    /// The line and column (1-based, in characters) where `span` starts,
    /// with the span itself.
    pub fn pos(&self, span: Span) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= span.start);
        let start = self.line_starts[line.saturating_sub(1)];
        let column = self.file.text[start..span.start.min(self.file.text.len())]
            .chars()
            .count()
            + 1;
        Pos {
            file: self.file.clone(),
            line: line as u32,
            column: column as u32,
            span,
        }
    }
}

/// A parser directive (`# escape=\``).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased (`syntax`, `escape`, `check`).
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// One instruction, continuation lines and heredocs included.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// Upper-cased (`RUN`).
    pub keyword: String,
    pub keyword_span: Span,
    /// `--mount=…`, `--from=…`, in order.
    pub flags: Vec<Flag>,
    pub args: Args,
    /// `<<EOF` bodies, in the order their markers appear.
    pub heredocs: Vec<Heredoc>,
    /// From the keyword to the end of the last continuation line
    /// (heredoc bodies not included).
    pub span: Span,
    /// The instruction an `ONBUILD` wraps.
    pub onbuild: Option<Box<Instruction>>,
}

impl Instruction {
    /// The value of the flag `--name`, the last one when repeated.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }
}

/// `--name=value` (or a bare `--name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// An instruction's arguments: the JSON (exec) form, or the text of the
/// shell form.
#[derive(Clone, Debug)]
pub enum Args {
    Json(Vec<Word>),
    Shell(Text),
}

/// A piece of text and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// Text joined from one or more pieces of the file (continuation lines
/// without their escape and line break, comment lines inside them left
/// out), with where each piece came from: any range of the text maps back
/// to the file.
#[derive(Clone, Debug, Default)]
pub struct Text {
    pub text: String,
    /// `(offset in text, offset in file)` of each piece, in order.
    pieces: Vec<(usize, usize)>,
}

impl Text {
    /// Appends `piece`, written at `file_offset`.
    pub(super) fn push(&mut self, piece: &str, file_offset: usize) {
        if piece.is_empty() {
            return;
        }
        self.pieces.push((self.text.len(), file_offset));
        self.text.push_str(piece);
    }

    /// The file offset of a text offset (the end of the text maps just
    /// past its last piece).
    pub fn file_offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|&(t, _)| t <= at).max(1) - 1;
        match self.pieces.get(i) {
            Some(&(t, f)) => f + (at - t),
            None => 0,
        }
    }

    /// The file bytes of a range of the text: from its first byte to just
    /// past its last (which may be lines later).
    pub fn span(&self, range: Range<usize>) -> Span {
        let start = self.file_offset(range.start);
        let end = if range.end > range.start {
            self.file_offset(range.end - 1) + 1
        } else {
            start
        };
        Span { start, end }
    }

    /// A sub-range of the text as a [`Text`] of its own.
    pub fn slice(&self, range: Range<usize>) -> Text {
        let mut out = Text::default();
        let mut at = range.start;
        while at < range.end {
            let i = self.pieces.partition_point(|&(t, _)| t <= at).max(1) - 1;
            let piece_end = self
                .pieces
                .get(i + 1)
                .map_or(self.text.len(), |&(t, _)| t)
                .min(range.end);
            out.push(&self.text[at..piece_end], self.file_offset(at));
            at = piece_end;
        }
        out
    }

    /// Whitespace-separated words, as `FROM`, `USER`, `EXPOSE` read them.
    pub fn words(&self) -> Vec<Word> {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in self.text.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    words.push(self.word(s..i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push(self.word(s..self.text.len()));
        }
        words
    }

    /// The word at a range of the text.
    pub fn word(&self, range: Range<usize>) -> Word {
        Word {
            text: self.text[range.clone()].to_string(),
            span: self.span(range),
        }
    }
}

/// A heredoc: `<<EOF` (or `<<-EOF`, `<<"EOF"`) and the lines up to `EOF`.
#[derive(Clone, Debug)]
pub struct Heredoc {
    pub name: String,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub strip_tabs: bool,
    /// `<<"EOF"` / `<<'EOF'`: no expansion in the body.
    pub quoted: bool,
    /// The marker in the instruction line.
    pub marker: Span,
    /// The body lines (tabs stripped for `<<-`), each with where it is.
    pub body: Text,
}
