//! What the human and HTML reports show of a place: a line of a file by
//! its number (indexed once per file), the bytes of it to highlight, a
//! credential's value masked, and the lines that name a place in an
//! image.

use std::ops::Range;

use crate::finding::{ImageLocation, Location, Place};
use crate::yaml::Span;

/// Line `number` (1-based) of `text`, without its line break, and the byte
/// of `text` it starts at.
#[cfg(test)]
pub(super) fn line_at(text: &str, number: u32) -> Option<(usize, &str)> {
    line_in(text, &line_starts(text), number)
}

/// The byte each line of `text` starts at (none for an empty text).
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|i| i + 1)
        .filter(|&start| start < text.len());
    std::iter::once(0).chain(breaks).collect()
}

/// Line `number` of `text` whose lines start at `starts`.
pub(super) fn line_in<'t>(
    text: &'t str,
    starts: &[usize],
    number: u32,
) -> Option<(usize, &'t str)> {
    let index = (number as usize).checked_sub(1)?;
    let start = *starts.get(index)?;
    let end = starts.get(index + 1).copied().unwrap_or(text.len());
    let line = &text[start..end];
    let line = line.strip_suffix('\n').unwrap_or(line);
    Some((start, line.strip_suffix('\r').unwrap_or(line)))
}

/// The line starts of the file the last finding was in. Findings come
/// sorted by file, so each file is indexed once, and a finding's line is
/// found by its number instead of by reading its file from the top (which
/// made a report of 5 000 services take seconds).
#[derive(Default)]
pub(super) struct LineCache<'a> {
    path: Option<&'a str>,
    starts: Vec<usize>,
}

impl<'a> LineCache<'a> {
    pub(super) fn line(
        &mut self,
        path: &'a str,
        text: &'a str,
        number: u32,
    ) -> Option<(usize, &'a str)> {
        if self.path != Some(path) {
            self.path = Some(path);
            self.starts = line_starts(text);
        }
        line_in(text, &self.starts, number)
    }
}

/// The bytes of `line` (which starts at byte `start` of its file) to
/// highlight: exactly what the rule pointed at when the parser recorded
/// it on this line; for a value that runs on past the line (a block
/// mapping, a block scalar) or a place no parser read, from the column
/// up to a trailing comment or the end of the line.
pub(super) fn highlight(loc: &Location, start: usize, line: &str) -> Range<usize> {
    let end = start + line.len();
    match loc.span {
        Some(span) if start <= span.start && span.start <= span.end && span.end <= end => {
            // An empty span (a key with no text) still marks one character.
            let from = span.start - start;
            let one = line[from..].chars().next().map_or(0, char::len_utf8);
            from..(span.end - start).max(from + one)
        }
        _ => value_span(line, loc.column),
    }
}

/// The byte range of the value starting at `column` (1-based, characters)
/// on `line`, up to a trailing comment or the end of the line.
pub(super) fn value_span(line: &str, column: u32) -> Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let end = rest.find(" #").unwrap_or(rest.len());
    let trimmed = rest[..end].trim_end().len();
    start..start + trimmed.max(usize::from(start < line.len()))
}

/// `sha256:0123456789ab…` shortened for reading.
pub(super) fn short(digest: &str) -> &str {
    let end = digest.find(':').map_or(0, |i| i + 1) + 12;
    digest.get(..end).unwrap_or(digest)
}

/// One line naming a place, for related locations. A place in the same
/// image as the finding is named by layer and path only.
pub(super) fn describe(place: &Place, primary: &Place) -> String {
    match place {
        Place::Config(l) => format!("{}:{}:{}", l.path, l.line, l.column),
        Place::Image(l) => {
            let same_image = matches!(primary, Place::Image(p) if p.digest == l.digest);
            let mut parts = Vec::new();
            if !same_image {
                parts.push(format!("image {} ({})", l.image, short(&l.digest)));
            }
            if let Some(path) = &l.path {
                parts.push(path.clone());
            }
            if let Some(layer) = &l.layer {
                parts.push(format!("(layer {})", layer.index));
            }
            parts.join(" ")
        }
    }
}

/// The lines that say where an image finding is.
pub(super) fn image_lines(l: &ImageLocation) -> Vec<String> {
    let mut lines = vec![format!("image {} ({})", l.image, short(&l.digest))];
    if let Some(layer) = &l.layer {
        let step = match layer.created_by.char_indices().nth(100) {
            _ if layer.created_by.is_empty() => String::new(),
            Some((cut, _)) => format!(": {}…", &layer.created_by[..cut]),
            None => format!(": {}", layer.created_by),
        };
        lines.push(format!(
            "layer {} ({}){step}",
            layer.index,
            short(&layer.diff_id)
        ));
    }
    match (&l.path, l.line) {
        (Some(path), Some(line)) => lines.push(format!("path {path}, line {line}")),
        (Some(path), None) => lines.push(format!("path {path}")),
        _ => {}
    }
    lines
}

/// `line` (which starts at byte `start` of `file`) with the bytes of a
/// credential's value (`hidden`, in `file`) shown as `*`, but for its
/// first characters: a quarter of them, four at most (`ghp_****…`, a
/// password's first two). Each character is replaced by as many `*` as
/// it has bytes, so the highlight's byte range is unchanged.
pub(super) fn masked(file: &str, start: usize, line: &str, hidden: Span) -> String {
    let value = file.get(hidden.start..hidden.end).unwrap_or("");
    let keep = (value.chars().count() / 4).min(4);
    let shown_until = value
        .char_indices()
        .nth(keep)
        .map_or(hidden.end, |(i, _)| hidden.start + i);
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        let at = start + i;
        if at >= shown_until && at < hidden.end {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "services:\n  web:\n    cap_add: [BPF, SYSLOG]  # c\n";

    #[test]
    fn lines_are_found_by_number_as_reading_from_the_top_finds_them() {
        for text in ["", "a", "a\n", "a\r\nb\r\n", "a\n\nb", "\n\n", "é\nü\n€"] {
            let mut start = 0;
            let mut expected = Vec::new();
            for line in text.split_inclusive('\n') {
                let bare = line.strip_suffix('\n').unwrap_or(line);
                expected.push(Some((start, bare.strip_suffix('\r').unwrap_or(bare))));
                start += line.len();
            }
            expected.push(None);
            let starts = line_starts(text);
            for (index, want) in expected.into_iter().enumerate() {
                assert_eq!(
                    line_in(text, &starts, index as u32 + 1),
                    want,
                    "{text:?} line {}",
                    index + 1
                );
            }
            assert_eq!(line_in(text, &starts, 0), None);
        }
    }

    /// What the human report marks for a location at `line`:`column`
    /// whose parser span is the bytes of `TEXT` in `span`.
    fn marked(line: u32, column: u32, span: Option<Range<usize>>) -> &'static str {
        let (start, text) = line_at(TEXT, line).unwrap();
        let loc = Location {
            path: "compose.yaml".into(),
            line,
            column,
            route: String::new(),
            note: None,
            span: span.map(|r| Span {
                start: r.start,
                end: r.end,
            }),
            hidden: None,
        };
        &text[highlight(&loc, start, text)]
    }

    fn bytes_of(found: &str) -> Option<Range<usize>> {
        let start = TEXT.find(found).unwrap();
        Some(start..start + found.len())
    }

    #[test]
    fn a_credentials_value_is_masked_but_for_its_first_characters() {
        let file = "env:\n  GH: ghp_abcdefgh12345678\n  PW: \"s3cr\u{e9}t-pw\"  # c\n";
        let span = |found: &str| {
            let start = file.find(found).unwrap();
            Span {
                start,
                end: start + found.len(),
            }
        };
        let (start, line) = line_at(file, 2).unwrap();
        let shown = masked(file, start, line, span("ghp_abcdefgh12345678"));
        assert_eq!(shown, "  GH: ghp_****************");
        // Byte for byte: the highlight's range still fits.
        let (start, line) = line_at(file, 3).unwrap();
        let shown = masked(file, start, line, span("s3cr\u{e9}t-pw"));
        assert_eq!(shown, "  PW: \"s3********\"  # c");
        assert_eq!(shown.len(), line.len());
    }

    #[test]
    fn highlights_exactly_what_the_rule_pointed_at() {
        assert_eq!(marked(3, 20, bytes_of("SYSLOG")), "SYSLOG");
        assert_eq!(marked(2, 3, bytes_of("web")), "web");
        assert_eq!(marked(3, 5, bytes_of("cap_add")), "cap_add");
    }

    #[test]
    fn a_value_running_past_its_line_is_marked_up_to_the_comment() {
        let (start, _) = line_at(TEXT, 2).unwrap();
        assert_eq!(marked(2, 3, Some(start + 2..TEXT.len())), "web:");
        assert_eq!(marked(3, 5, None), "cap_add: [BPF, SYSLOG]");
    }
}
