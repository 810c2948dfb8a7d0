//! The Dockerfile parser, following BuildKit's (`docker/dockerfile:1`):
//!
//! - parser directives (`# syntax=`, `# escape=`, `# check=`) at the top,
//!   until the first line that is not one;
//! - comment lines (`#` first, after leading whitespace) and blank lines
//!   between instructions, and inside continuations;
//! - a line ending in the escape character (`\`, or `` ` `` after
//!   `# escape=\``) continues on the next; the pieces are joined without
//!   the escape and the line break, each keeping where it was written;
//! - the keyword, leading `--flag[=value]`s, and the arguments: the JSON
//!   (exec) form when they are a JSON array of strings, else the text;
//! - heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`, several per instruction) for
//!   `RUN`, `COPY` and `ADD`: their bodies are the lines after the
//!   instruction, up to each terminator;
//! - `ONBUILD` wraps another instruction.
//!
//! Errors name the file and line: binary data (a NUL byte), an unknown
//! instruction (a template: `{{ … }}`), an instruction longer than [`MAX_INSTRUCTION`], an unterminated heredoc,
//! an `escape` that is neither `\` nor `` ` ``, `ONBUILD ONBUILD`.

use std::sync::Arc;

use super::syntax::{Args, Directive, Dockerfile, Flag, Heredoc, Instruction, Text, Word};
use crate::error::InputError;
use crate::text::{Pos, SourceFile, Span};

/// Longest instruction (continuation lines joined) read.
pub const MAX_INSTRUCTION: usize = 1 << 20;

/// Instructions whose arguments may be a JSON array.
const JSON_FORM: [&str; 8] = [
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "COPY",
    "ADD",
    "VOLUME",
    "HEALTHCHECK",
];

/// The instructions BuildKit knows; any other word starting a line is an
/// error, as `docker build` makes it.
const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Instructions that take heredocs.
const HEREDOC_FORM: [&str; 3] = ["RUN", "COPY", "ADD"];

/// The lines of a text: (start offset, the line without its `\n` or
/// `\r\n`).
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let line = piece.strip_suffix('\n').unwrap_or(piece);
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push((start, line));
        start += piece.len();
    }
    out
}

/// Parses a Dockerfile.
pub fn parse(file: Arc<SourceFile>) -> Result<Dockerfile, InputError> {
    let source = file.clone();
    let text = source.text.as_str();
    let lines = lines(text);
    let error_at = |offset: usize, message: String| {
        let line = text[..offset].matches('\n').count() as u32 + 1;
        InputError::at(
            &Pos {
                file: file.clone(),
                line,
                column: 1,
                span: Span {
                    start: offset,
                    end: offset,
                },
            },
            message,
        )
    };
    let too_long = |start: usize| {
        error_at(
            start,
            format!(
                "the instruction is longer than {} KiB",
                MAX_INSTRUCTION >> 10
            ),
        )
    };
    if let Some(nul) = text.find('\0') {
        return Err(error_at(
            nul,
            "not a Dockerfile: the file holds NUL bytes (binary data)".into(),
        ));
    }
    let (directives, mut i) = directives(&lines);
    let escape = match directives.iter().find(|d| d.name == "escape") {
        None => '\\',
        Some(d) => match d.value.as_str() {
            "\\" => '\\',
            "`" => '`',
            other => {
                return Err(error_at(
                    d.span.start,
                    format!("the escape directive must be \\ or `, not `{other}`"),
                ));
            }
        },
    };
    let mut instructions = Vec::new();
    while i < lines.len() {
        let (start, line) = lines[i];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        // The logical line: this one and its continuations.
        let mut joined = Text::default();
        let lead = line.len() - trimmed.len();
        let mut piece = (start + lead, trimmed);
        let end;
        loop {
            let (offset, content) = piece;
            match continued(content, escape) {
                Some(body) => {
                    joined.push(body, offset);
                    if joined.text.len() > MAX_INSTRUCTION {
                        return Err(too_long(start));
                    }
                    i += 1;
                    // Comment and blank lines inside a continuation are left out.
                    while i < lines.len() {
                        let t = lines[i].1.trim_start();
                        if t.is_empty() || t.starts_with('#') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    match lines.get(i) {
                        Some(&(next_start, next)) => {
                            let t = next.trim_start();
                            piece = (next_start + next.len() - t.len(), t);
                        }
                        None => {
                            end = offset + content.len();
                            break;
                        }
                    }
                }
                None => {
                    let content = content.trim_end();
                    joined.push(content, offset);
                    end = offset + content.len();
                    i += 1;
                    break;
                }
            }
        }
        if joined.text.len() > MAX_INSTRUCTION {
            return Err(too_long(start));
        }
        let mut instruction = instruction(
            &joined,
            Span {
                start: start + lead,
                end,
            },
        );
        if let Some(trigger) = instruction.onbuild.as_deref()
            && trigger.keyword == "ONBUILD"
        {
            return Err(error_at(
                trigger.keyword_span.start,
                "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed (BuildKit refuses it)".into(),
            ));
        }
        for keyword in std::iter::once(&instruction).chain(instruction.onbuild.as_deref()) {
            let empty = matches!(&keyword.args, Args::Shell(t) if t.text.trim().is_empty());
            if empty && ["USER", "FROM", "WORKDIR"].contains(&keyword.keyword.as_str()) {
                return Err(error_at(
                    keyword.keyword_span.start,
                    format!("{} needs an argument", keyword.keyword),
                ));
            }
            if !KEYWORDS.contains(&keyword.keyword.as_str()) {
                let shown: String = keyword.keyword.chars().take(40).collect();
                return Err(error_at(
                    keyword.keyword_span.start,
                    format!("unknown instruction `{shown}`"),
                ));
            }
        }
        if HEREDOC_FORM.contains(&instruction.keyword.as_str())
            && let Args::Shell(args) = &instruction.args
        {
            for (name, strip_tabs, quoted, marker) in heredoc_markers(args) {
                let mut body = Text::default();
                let mut terminated = false;
                while i < lines.len() {
                    let (line_start, line) = lines[i];
                    i += 1;
                    let stripped = if strip_tabs {
                        line.trim_start_matches('\t')
                    } else {
                        line
                    };
                    if stripped == name {
                        terminated = true;
                        break;
                    }
                    let offset = line_start + (line.len() - stripped.len());
                    body.push(stripped, offset);
                    body.push("\n", offset + stripped.len());
                }
                if !terminated {
                    return Err(error_at(
                        marker.start,
                        format!("the heredoc <<{name} has no terminating `{name}` line"),
                    ));
                }
                instruction.heredocs.push(Heredoc {
                    name,
                    strip_tabs,
                    quoted,
                    marker,
                    body,
                });
            }
        }
        instructions.push(instruction);
    }
    Ok(Dockerfile::new(file, directives, escape, instructions))
}

/// The directives at the top of the file, and the index of the first line
/// after them.
fn directives(lines: &[(usize, &str)]) -> (Vec<Directive>, usize) {
    let mut found: Vec<Directive> = Vec::new();
    for (i, &(start, line)) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix('#') else {
            return (found, i);
        };
        let Some((name, value)) = rest.split_once('=') else {
            return (found, i);
        };
        let name = name.trim().to_ascii_lowercase();
        if !["syntax", "escape", "check"].contains(&name.as_str())
            || found.iter().any(|d| d.name == name)
        {
            return (found, i);
        }
        found.push(Directive {
            name,
            value: value.trim().to_string(),
            span: Span {
                start,
                end: start + line.trim_end().len(),
            },
        });
    }
    (found, lines.len())
}

/// A line's content without its continuation (`None` when it does not
/// continue): the escape character last (trailing blanks allowed), not
/// itself escaped — `C:\\Windows\\` ends no continuation, as in
/// BuildKit, whose pattern is `([^\\])\\[ \t]*$|^\\[ \t]*$`.
fn continued(content: &str, escape: char) -> Option<&str> {
    let body = content.trim_end_matches([' ', '\t']).strip_suffix(escape)?;
    match body.chars().last() {
        Some(c) if c == escape => None,
        _ => Some(body),
    }
}

/// Splits a logical line into keyword, flags and arguments; for
/// `ONBUILD`, its trigger too. A trigger that is itself `ONBUILD` is
/// not split further: BuildKit refuses the chain (and so does
/// [`parse`]), and a chain as long as the line would cost a stack frame
/// and a copy of the line per link.
fn instruction(joined: &Text, span: Span) -> Instruction {
    let mut outer = split_instruction(joined, span);
    if outer.keyword == "ONBUILD"
        && let Args::Shell(inner) = &outer.args
        && !inner.text.is_empty()
    {
        let inner_span = inner.span(0..inner.text.len());
        outer.onbuild = Some(Box::new(split_instruction(inner, inner_span)));
    }
    outer
}

/// Keyword, flags and arguments of one instruction (for `ONBUILD`, its
/// trigger as text).
fn split_instruction(joined: &Text, span: Span) -> Instruction {
    let text = joined.text.as_str();
    let keyword_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let keyword = text[..keyword_end].to_ascii_uppercase();
    let keyword_span = joined.span(0..keyword_end);
    let mut at = keyword_end;
    let skip_space = |at: usize| {
        at + text[at..]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(text.len() - at)
    };
    at = skip_space(at);
    if keyword == "ONBUILD" {
        return Instruction {
            keyword,
            keyword_span,
            flags: Vec::new(),
            args: Args::Shell(joined.slice(at..text.len())),
            heredocs: Vec::new(),
            span,
            onbuild: None,
        };
    }
    let mut flags = Vec::new();
    while text[at..].starts_with("--") {
        let end = at
            + text[at..]
                .find(char::is_whitespace)
                .unwrap_or(text.len() - at);
        let flag = &text[at + 2..end];
        if flag.is_empty() {
            break;
        }
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (flag.to_string(), None),
        };
        flags.push(Flag {
            name,
            value,
            span: joined.span(at..end),
        });
        at = skip_space(end);
    }
    let rest = joined.slice(at..text.len());
    let args = if JSON_FORM.contains(&keyword.as_str()) && rest.text.starts_with('[') {
        match json_strings(&rest) {
            Some(words) => Args::Json(words),
            None => Args::Shell(rest),
        }
    } else {
        Args::Shell(rest)
    };
    Instruction {
        keyword,
        keyword_span,
        flags,
        args,
        heredocs: Vec::new(),
        span,
        onbuild: None,
    }
}

/// A JSON array of strings, each with where it is written; `None` when the
/// text is not one (then it is the shell form, as BuildKit reads it).
fn json_strings(text: &Text) -> Option<Vec<Word>> {
    let values: Vec<String> = serde_json::from_str(&text.text).ok()?;
    // Each string's place: the quoted tokens of the array, in order.
    let bytes = text.text.as_bytes();
    let mut words = Vec::with_capacity(values.len());
    let mut at = 0;
    for value in values {
        let open = at + text.text[at..].find('"')?;
        let mut close = open + 1;
        while close < bytes.len() && bytes[close] != b'"' {
            close += if bytes[close] == b'\\' { 2 } else { 1 };
        }
        words.push(Word {
            text: value,
            span: text.span(open..(close + 1).min(bytes.len())),
        });
        at = close + 1;
    }
    Some(words)
}

/// The heredoc markers of an instruction's arguments, outside quotes:
/// (name, strip tabs, quoted, where the marker is).
fn heredoc_markers(args: &Text) -> Vec<(String, bool, bool, Span)> {
    let text = args.text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == b'<'
                && text.get(i + 1) == Some(&b'<')
                && text.get(i + 2) != Some(&b'<') =>
            {
                let start = i;
                let mut j = i + 2;
                let strip_tabs = text.get(j) == Some(&b'-');
                if strip_tabs {
                    j += 1;
                }
                let quote_char = match text.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        j += 1;
                        Some(q)
                    }
                    _ => None,
                };
                let name_start = j;
                while j < text.len() && (text[j].is_ascii_alphanumeric() || text[j] == b'_') {
                    j += 1;
                }
                if j > name_start {
                    let name = args.text[name_start..j].to_string();
                    if let Some(q) = quote_char {
                        if text.get(j) != Some(&q) {
                            i += 1;
                            continue;
                        }
                        j += 1;
                    }
                    out.push((name, strip_tabs, quote_char.is_some(), args.span(start..j)));
                    i = j;
                    continue;
                }
            }
            None => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: "Dockerfile".into(),
            display: "Dockerfile".into(),
            text: text.to_string(),
        })
    }

    /// The error parsing `text` gives, as the report shows it.
    fn error_of(text: &str) -> Option<String> {
        parse(file(text)).err().map(|e| e.to_string())
    }

    fn parsed(text: &str) -> Dockerfile {
        parse(file(text)).unwrap_or_else(|e| panic!("{e}"))
    }

    fn at(d: &Dockerfile, span: Span) -> (u32, u32, String) {
        let pos = d.pos(span);
        (
            pos.line,
            pos.column,
            d.file.text[span.start..span.end].to_string(),
        )
    }

    fn shell(i: &Instruction) -> &Text {
        match &i.args {
            Args::Shell(t) => t,
            Args::Json(_) => panic!("{i:?} is in the JSON form"),
        }
    }

    #[test]
    fn reads_directives_then_instructions() {
        let d = parsed(
            "# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM alpine\n# escape=\\\nRUN echo a `\n  b\n",
        );
        let names: Vec<&str> = d.directives.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["syntax", "escape", "check"]);
        assert_eq!(d.escape, '`');
        assert_eq!(d.instructions.len(), 2);
        assert_eq!(shell(&d.instructions[1]).text, "echo a b");
    }

    #[test]
    fn joins_continuations_and_keeps_every_position() {
        let d = parsed(
            "FROM debian\nRUN apt-get update \\\n  # a comment inside\n\n    && apt-get install -y \\\n       netcat-traditional\n",
        );
        let run = &d.instructions[1];
        assert_eq!(run.keyword, "RUN");
        let text = shell(run);
        assert_eq!(
            text.text,
            "apt-get update && apt-get install -y netcat-traditional"
        );
        let word = text
            .words()
            .into_iter()
            .last()
            .unwrap_or_else(|| panic!("no word"));
        assert_eq!(at(&d, word.span), (6, 8, "netcat-traditional".into()));
        assert_eq!(at(&d, run.span).0, 2);
        assert_eq!(d.pos(run.span).line, 2);
    }

    #[test]
    fn reads_flags_and_the_json_form() {
        let d = parsed(
            "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache --network=host go build\nCMD [\"/app\", \"--port\", \"8080\"]\nENTRYPOINT [not json\n",
        );
        assert_eq!(d.instructions[0].flags[0].name, "platform");
        let run = &d.instructions[1];
        assert_eq!(
            run.flag("mount").and_then(|f| f.value.as_deref()),
            Some("type=cache,target=/root/.cache")
        );
        assert_eq!(
            at(&d, run.flag("network").map(|f| f.span).unwrap_or_default()),
            (2, 44, "--network=host".into())
        );
        match &d.instructions[2].args {
            Args::Json(words) => {
                assert_eq!(words[1].text, "--port");
                assert_eq!(at(&d, words[1].span), (3, 14, "\"--port\"".into()));
            }
            Args::Shell(_) => panic!("CMD is JSON"),
        }
        assert_eq!(shell(&d.instructions[3]).text, "[not json");
    }

    #[test]
    fn reads_heredocs() {
        let d = parsed(
            "FROM alpine\nRUN <<EOF cat > /a && <<-'TWO' sh\napk add socat\nFROM not-an-instruction\nEOF\n\techo two\n\tTWO\nCOPY <<EOF /etc/motd\nhello\nEOF\n",
        );
        assert_eq!(d.instructions.len(), 3);
        let run = &d.instructions[1];
        assert_eq!(run.heredocs.len(), 2);
        assert_eq!(
            run.heredocs[0].body.text,
            "apk add socat\nFROM not-an-instruction\n"
        );
        assert!(run.heredocs[1].strip_tabs && run.heredocs[1].quoted);
        assert_eq!(run.heredocs[1].body.text, "echo two\n");
        let socat = run.heredocs[0].body.word(8..13);
        assert_eq!(at(&d, socat.span), (3, 9, "socat".into()));
        assert_eq!(d.instructions[2].heredocs[0].body.text, "hello\n");
    }

    #[test]
    fn wraps_onbuild() {
        let d = parsed("FROM alpine\nONBUILD RUN --network=none apk add curl\n");
        let inner = d.instructions[1]
            .onbuild
            .as_deref()
            .unwrap_or_else(|| panic!("no inner"));
        assert_eq!(inner.keyword, "RUN");
        assert_eq!(inner.flags[0].name, "network");
        assert_eq!(at(&d, inner.keyword_span), (2, 9, "RUN".into()));
    }

    #[test]
    fn refuses_what_buildkit_refuses() {
        let error = error_of("FROM a\nRUN <<EOF\necho\n");
        assert_eq!(
            error.as_deref(),
            Some("Dockerfile:2:1: the heredoc <<EOF has no terminating `EOF` line")
        );
        assert!(parse(file("# escape=x\nFROM a\n")).is_err());
        let error = error_of("FROM a\n{{ template }}\n");
        assert_eq!(
            error.as_deref(),
            Some("Dockerfile:2:1: unknown instruction `{{`")
        );
        let long = format!("FROM a\nRUN {}\n", "x".repeat(MAX_INSTRUCTION + 1));
        assert!(parse(file(&long)).is_err());
        let error = parse(file("FROM a\nRUN \0\n")).err();
        assert_eq!(error.and_then(|e| e.line), Some(2));
    }

    #[test]
    fn refuses_chained_onbuild_however_long_the_chain() {
        let error = error_of("FROM a\nONBUILD ONBUILD RUN x\n");
        assert_eq!(
            error.as_deref(),
            Some(
                "Dockerfile:2:1: chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed (BuildKit refuses it)"
            )
        );
        // One stack frame per link would overflow a test thread's stack.
        let chain = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(100_000));
        assert!(parse(file(&chain)).is_err());
    }

    #[test]
    fn an_escaped_escape_ends_no_continuation_as_in_buildkit() {
        let d = parsed("FROM a\nCOPY a.dll C:\\\\Windows\\\\\nENV B 1\nRUN echo \\\n  \\\n  b\n");
        assert_eq!(d.instructions.len(), 4);
        assert_eq!(shell(&d.instructions[3]).text, "echo b");
    }
}
