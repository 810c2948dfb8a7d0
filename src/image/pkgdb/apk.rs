//! apk: `lib/apk/db/installed` (also under `usr/`). Per package `P:` name,
//! `F:` directory, `R:` file, `a:` its owner and mode when not 0:0:644,
//! `Z:` its digest: `Q1` base64 SHA-1 (for a symlink, of the link target),
//! `Q2` base64 SHA-256, `X1`/`X2` the same in hex.

use base64::Engine;

use super::packages::{Kind, Owned, Packages, Recorded, data};
use crate::image::tree::Tree;

fn decode_digest(text: &str) -> Recorded {
    // Bytes, not characters: the database is read lossily, so a `Z:` value
    // may hold anything, and cutting a `str` inside a character panics.
    let text = text.as_bytes();
    let (encoding, rest) = text.split_at(text.len().min(2));
    let bytes = match encoding.first() {
        Some(b'Q') => base64::engine::general_purpose::STANDARD.decode(rest).ok(),
        Some(b'X') if rest.len() % 2 == 0 => rest
            .chunks(2)
            .map(|pair| Some(hex_digit(pair[0])? << 4 | hex_digit(pair[1])?))
            .collect(),
        _ => None,
    };
    match (encoding.get(1), bytes) {
        (Some(b'1'), Some(b)) if b.len() == 20 => {
            let mut out = [0u8; 20];
            out.copy_from_slice(&b);
            Recorded::Sha1(out)
        }
        (Some(b'2'), Some(b)) if b.len() == 32 => {
            let mut out = [0u8; 32];
            out.copy_from_slice(&b);
            Recorded::Sha256(out)
        }
        _ => Recorded::None,
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|d| d as u8)
}

pub(super) fn read(tree: &Tree, packages: &mut Packages) {
    let db = ["lib/apk/db/installed", "usr/lib/apk/db/installed"]
        .iter()
        .find_map(|p| data(tree, p));
    let Some(db) = db else {
        return;
    };
    packages.kinds.push(Kind::Apk);
    let text = String::from_utf8_lossy(db);
    for stanza in text.split("\n\n") {
        let mut package = String::new();
        let mut dir = String::new();
        let mut current: Option<(String, Recorded, bool)> = None;
        let flush = |current: &mut Option<(String, Recorded, bool)>,
                     packages: &mut Packages,
                     package: &str| {
            if let Some((path, digest, symlink)) = current.take() {
                packages.own(
                    tree,
                    &path,
                    Owned {
                        package: package.to_string(),
                        digest,
                        conffile: false,
                        symlink,
                    },
                );
            }
        };
        for line in stanza.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            match key {
                "P" => package = value.to_string(),
                "F" => {
                    flush(&mut current, packages, &package);
                    dir = value.to_string();
                }
                "R" => {
                    flush(&mut current, packages, &package);
                    let path = if dir.is_empty() {
                        value.to_string()
                    } else {
                        format!("{dir}/{value}")
                    };
                    current = Some((path, Recorded::None, false));
                }
                "a" => {
                    // Mode 0777 (octal) marks a symlink.
                    let mode = value.split(':').nth(2).unwrap_or("");
                    if let Some(c) = current.as_mut() {
                        c.2 = u32::from_str_radix(mode, 8).is_ok_and(|m| m & 0o777 == 0o777);
                    }
                }
                "Z" => {
                    if let Some(c) = current.as_mut() {
                        c.1 = decode_digest(value);
                    }
                }
                _ => {}
            }
        }
        flush(&mut current, packages, &package);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_q1_and_q2_digests() {
        // SHA-1 of "/bin/busybox", as apk records busybox's `bin/sh` link.
        assert!(matches!(
            decode_digest("Q1pcfTfDNEbNKQc2s1tia7da05M8Q="),
            Recorded::Sha1(_)
        ));
        assert!(matches!(
            decode_digest("Q2LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564="),
            Recorded::Sha256(_)
        ));
    }

    #[test]
    fn odd_digests_are_no_digest_and_no_panic() {
        let sha1_hex = format!("X1{}", "ab".repeat(20));
        assert!(matches!(decode_digest(&sha1_hex), Recorded::Sha1(_)));
        for odd in [
            "Z",
            "Q",
            "Q\u{fffd}",
            "\u{fffd}",
            "X1\u{fffd}\u{fffd}",
            "X1abc",
            "X1zz",
            "X\u{e9}ab",
            "",
        ] {
            assert!(matches!(decode_digest(odd), Recorded::None), "{odd:?}");
        }
    }
}
