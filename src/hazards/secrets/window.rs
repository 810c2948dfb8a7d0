//! One window of a file's text as the detectors see it, what they report
//! into it, and the small byte helpers they share.

use std::ops::Range;

use sha2::{Digest, Sha256};

use super::{SecretKind, SecretTier};

/// A secret found in a window, before its line and column are known.
/// Holds no value: only its preview and digest.
pub(super) struct Found {
    /// Index in the window of the value's first byte.
    pub at: usize,
    pub kind: SecretKind,
    pub tier: SecretTier,
    pub preview: String,
    pub digest: [u8; 32],
    pub detail: Option<String>,
}

/// The bytes one detector pass sees, and the part of them this window
/// reports for: a hit starting in the look-behind or look-ahead margin
/// belongs to the neighbouring window, which sees it whole.
pub(super) struct Window<'a> {
    pub text: &'a [u8],
    owned: Range<usize>,
    found: &'a mut Vec<Found>,
}

impl<'a> Window<'a> {
    pub(super) fn new(text: &'a [u8], owned: Range<usize>, found: &'a mut Vec<Found>) -> Self {
        Window { text, owned, found }
    }

    /// Whether a hit starting at `at` is this window's to report; lets a
    /// detector skip validating what it would not report.
    pub(super) fn owns(&self, at: usize) -> bool {
        self.owned.contains(&at)
    }

    /// Reports the secret `value` starting at `at`.
    pub(super) fn report(
        &mut self,
        at: usize,
        kind: SecretKind,
        tier: SecretTier,
        value: &[u8],
        detail: Option<String>,
    ) {
        // A detail (a host, a machine, a key name) is written by the same
        // hand as the value and may hold it (`machine s3cr3t password
        // s3cr3t`): such a detail is dropped, never shown.
        let detail = detail.filter(|d| !holds(d.as_bytes(), value));
        self.report_as(at, kind, tier, preview(value), digest(value), detail);
    }

    /// Reports a secret with a preview and digest of the detector's choice
    /// (a key block's header, the digest of its decoded body).
    pub(super) fn report_as(
        &mut self,
        at: usize,
        kind: SecretKind,
        tier: SecretTier,
        preview: String,
        digest: [u8; 32],
        detail: Option<String>,
    ) {
        if self.owns(at) {
            self.found.push(Found {
                at,
                kind,
                tier,
                preview,
                digest,
                detail,
            });
        }
    }
}

/// Whether `text` holds `value` (or the text of it that a lossy reading
/// shows, for a value that is not UTF-8).
fn holds(text: &[u8], value: &[u8]) -> bool {
    let shown = String::from_utf8_lossy(value);
    let needles = [value, shown.as_bytes()];
    !value.is_empty()
        && needles
            .iter()
            .any(|needle| memchr::memmem::find(text, needle).is_some())
}

/// At most the first four characters of a value, then `****`.
pub(super) fn preview(value: &[u8]) -> String {
    let shown: String = String::from_utf8_lossy(&value[..value.len().min(4)])
        .chars()
        .filter(|c| !c.is_control() && *c != char::REPLACEMENT_CHARACTER)
        .collect();
    format!("{shown}****")
}

pub(super) fn digest(value: &[u8]) -> [u8; 32] {
    Sha256::digest(value).into()
}

/// Bytes that continue a token (`[A-Za-z0-9_-]`): a shape must not be
/// preceded or followed by one, or it is a piece of something longer.
pub(super) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether `range` of `text` stands alone: neither the byte before nor
/// the byte after continues it.
pub(super) fn stands_alone(text: &[u8], range: &Range<usize>, continues: fn(u8) -> bool) -> bool {
    let before = range.start.checked_sub(1).map(|i| text[i]);
    let after = text.get(range.end).copied();
    !before.is_some_and(continues) && !after.is_some_and(continues)
}

/// The lines of `text` with the index each starts at, without their
/// line end.
pub(super) fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let at = start;
        start = end + 1;
        Some((at, line))
    })
}

/// The span of `lines` whole lines either side of the line holding `at`,
/// and of at most `max` bytes either side of `at`.
pub(super) fn around(text: &[u8], at: usize, lines: usize, max: usize) -> Range<usize> {
    let floor = at.saturating_sub(max);
    let ceiling = (at + max).min(text.len());
    let line_start =
        |end: usize| memchr::memrchr(b'\n', &text[floor..end]).map_or(floor, |i| floor + i + 1);
    let line_end =
        |from: usize| memchr::memchr(b'\n', &text[from..ceiling]).map_or(ceiling, |i| from + i + 1);
    let mut start = line_start(at);
    for _ in 0..lines {
        if start <= floor {
            break;
        }
        start = line_start(start - 1);
    }
    let mut end = line_end(at.min(ceiling));
    for _ in 0..lines {
        if end >= ceiling {
            break;
        }
        end = line_end(end);
    }
    start..end
}

/// Whether `haystack` holds `needle`, ASCII case ignored.
pub(super) fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether the random part of a token looks like one: not a documented
/// example or a placeholder (`EXAMPLE`, `your…`, `xxxxxxxx`), not a run
/// of one character or of a short repeated unit, not too few distinct
/// characters.
pub(super) fn looks_random(body: &[u8]) -> bool {
    const FAKE: [&[u8]; 9] = [
        b"example",
        b"sample",
        b"dummy",
        b"placeholder",
        b"redacted",
        b"changeme",
        b"your",
        b"xxxx",
        b"****",
    ];
    if body.is_empty() || FAKE.iter().any(|w| contains_ignore_case(body, w)) {
        return false;
    }
    let periodic = (1..=8.min(body.len() / 2)).any(|p| body.windows(p + 1).all(|w| w[0] == w[p]));
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in body {
        if !seen[usize::from(b)] {
            seen[usize::from(b)] = true;
            distinct += 1;
        }
    }
    !periodic && distinct >= (body.len() / 2).clamp(1, 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_show_four_characters_at_most() {
        assert_eq!(preview(b"ghp_abcdef"), "ghp_****");
        assert_eq!(preview(b"ab"), "ab****");
        assert_eq!(preview("é€x".as_bytes()), "é****");
    }

    #[test]
    fn a_span_around_covers_whole_neighbouring_lines() {
        let text = b"one\ntwo\nthree\nfour\nfive\n";
        let at = 8; // "three"
        let span = around(text, at, 1, 100);
        assert_eq!(&text[span], b"two\nthree\nfour\n");
        let span = around(text, 0, 1, 100);
        assert_eq!(&text[span], b"one\ntwo\n");
        let span = around(text, 8, 0, 100);
        assert_eq!(&text[span], b"three\n");
        let span = around(text, 8, 5, 3);
        assert_eq!(&text[span], b"wo\nthr");
    }

    #[test]
    fn placeholders_and_repeats_do_not_look_random() {
        assert!(looks_random(b"q8Rt2LmZ0pXv7KcN4sWb1Hd9"));
        assert!(!looks_random(b"a1B2a1B2a1B2a1B2a1B2"));
        assert!(!looks_random(b"xxxxxxxxxxxxxxxxxxxx"));
        assert!(!looks_random(b"yourtokenhereyourtokenhere"));
        assert!(!looks_random(b"IOSFODNN7EXAMPLE"));
        assert!(!looks_random(b"aaaaaaaaaaaaaaaaaaab"));
    }

    #[test]
    fn lines_strip_their_ends() {
        let got: Vec<(usize, &[u8])> = lines(b"a\r\nbc\n\nd").collect();
        assert_eq!(
            got,
            vec![
                (0, &b"a"[..]),
                (3, &b"bc"[..]),
                (6, &b""[..]),
                (7, &b"d"[..])
            ]
        );
    }
}
