//! The secret detectors' target.

use sha2::{Digest, Sha256};

use super::harness::parts;
use crate::hazards::secrets::{SecretHit, SecretKind, SecretScanner, scan_text};

/// The scanner's window and look-ahead (`hazards::secrets` documents
/// them): a text placed this far into a file straddles the end of the
/// first window's owned part, so the second window reports what it holds.
const WINDOW: usize = 1 << 20;
const LOOKAHEAD: usize = 64 << 10;

/// `secrets`: the first part is the file's path, the second says how the
/// text is fed (its first byte, if odd, puts the text about 1 MiB into
/// the file, behind filler lines, where the scanner's windows overlap;
/// the bytes after it are the sizes of the chunks, cycled), the third is
/// the file's bytes. The chunked scan must find exactly what a scan of
/// the whole text finds, and no hit may hold more of its value than its
/// preview shows.
pub fn secrets(data: &[u8]) {
    let [path, feeding, text] = parts(data, 3)[..] else {
        return;
    };
    let path = String::from_utf8_lossy(path);
    let (deep, chunks) = match feeding.split_first() {
        Some((first, chunks)) => (first % 8 == 1, chunks),
        None => (false, &[][..]),
    };
    let mut file = Vec::new();
    if deep {
        let offset = usize::from(feeding[0] >> 3);
        let start = WINDOW - LOOKAHEAD - 64 + offset;
        while file.len() + 32 <= start {
            file.extend_from_slice(b"filler text of no consequence.\n");
        }
        file.resize(start, b' ');
    }
    file.extend_from_slice(text);
    let whole = scan_text(&path, &file);
    let mut scanner = SecretScanner::new();
    scanner.begin(&path, file.len() as u64);
    let mut rest = &file[..];
    for size in chunks.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, after) = rest.split_at(rest.len().min(usize::from(*size) * 7 + 1));
        scanner.feed(chunk);
        rest = after;
    }
    scanner.feed(rest);
    let chunked = scanner.finish();
    assert_eq!(whole, chunked, "chunks change what is found");
    for hit in &whole {
        check_redacted(hit, &file);
    }
}

/// Asserts that a hit holds no more of its value than the preview's four
/// characters. The value is found again where the hit says it starts, as
/// the bytes whose SHA-256 is the hit's digest; for a token (a value of
/// a documented shape, hashed as written) it must be there, which checks
/// the line and column too. A key block's preview is its header line and
/// its digest is of the decoded body; a credential file's value may be
/// hashed decoded (a Docker config's `auth`).
fn check_redacted(hit: &SecretHit, file: &[u8]) {
    let shown = format!("{hit:?} {}", hit.described());
    if matches!(
        hit.kind,
        SecretKind::PrivateKey(_) | SecretKind::GcpServiceAccount
    ) {
        assert!(
            !hit.preview.contains('\n'),
            "a key preview spans lines: {shown}"
        );
        return;
    }
    let visible = hit.preview.strip_suffix("****");
    assert!(
        visible.is_some_and(|v| v.chars().count() <= 4),
        "a preview shows more than four characters: {shown}"
    );
    let Some(value) = value_at(hit, file) else {
        assert!(
            !is_token(hit.kind),
            "the token is not where the hit says: {shown}"
        );
        return;
    };
    let value = String::from_utf8_lossy(value);
    if value.chars().count() > 4 {
        assert!(
            !hit.preview.contains(&*value),
            "the preview holds the value: {shown}"
        );
    }
    if value.len() >= 8 {
        assert!(!shown.contains(&*value), "a hit holds its value: {shown}");
    }
}

/// Kinds whose value is a token of a documented shape, reported where it
/// starts and hashed as written.
fn is_token(kind: SecretKind) -> bool {
    matches!(
        kind,
        SecretKind::GithubToken
            | SecretKind::GitlabToken
            | SecretKind::SlackToken
            | SecretKind::SlackWebhook
            | SecretKind::StripeKey
            | SecretKind::NpmToken
            | SecretKind::PypiToken
            | SecretKind::DockerHubToken
            | SecretKind::SendgridKey
            | SecretKind::TwilioKey
            | SecretKind::OpenAiKey
            | SecretKind::AnthropicKey
            | SecretKind::Jwt
    )
}

/// The bytes at the hit's line and column whose SHA-256 is its digest.
fn value_at<'a>(hit: &SecretHit, file: &'a [u8]) -> Option<&'a [u8]> {
    let line_start = if hit.line == 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', file).nth(hit.line as usize - 2)? + 1
    };
    let start = line_start + hit.column as usize - 1;
    let rest = file.get(start..)?;
    let mut hasher = Sha256::new();
    for (i, byte) in rest.iter().take(1 << 16).enumerate() {
        hasher.update([*byte]);
        if <[u8; 32]>::from(hasher.clone().finalize()) == hit.value_digest {
            return Some(&rest[..=i]);
        }
    }
    None
}
