//! Binary files told by their first bytes, so they cost nothing: their
//! secrets, if any, are not written as text (what a compiled program
//! embeds, or a packed archive's members, is out of reach of a text
//! scan anyway).

/// How many bytes [`is_binary_start`] needs to decide; a shorter file is
/// judged on what it has.
pub(super) const MAGIC_LEN: usize = 16;

/// How far into a file a NUL byte ends its text part.
pub(super) const SNIFF_LEN: usize = 8 << 10;

/// Signatures at offset 0 of formats that are never text. (Windows PE
/// files need none: their header has NUL bytes within its first bytes.)
const SIGNATURES: [&[u8]; 27] = [
    b"\x7fELF",
    b"\x1f\x8b",           // gzip
    b"\x28\xb5\x2f\xfd",   // zstd
    b"\xfd7zXZ\x00",       // xz
    b"PK\x03\x04",         // zip, jar, whl, apk (Android), docx…
    b"PK\x05\x06",         // empty zip
    b"7z\xbc\xaf\x27\x1c", // 7-Zip
    b"\x04\x22\x4d\x18",   // lz4 frame
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff", // JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"\xca\xfe\xba\xbe", // Java class, Mach-O universal
    b"\xfe\xed\xfa\xce", // Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"SQLite format 3\x00",
    b"\x00asm",          // WebAssembly
    b"!<arch>\n",        // ar: static libraries, .deb
    b"\xed\xab\xee\xdb", // rpm
    b"TZif",             // compiled time zones
    b"\x00\x00\x01\x00", // ICO
    b"wOFF",             // web fonts
    b"wOF2",
    b"OTTO",
];

/// Whether a file starting with `head` is a binary format.
pub(super) fn is_binary_start(head: &[u8]) -> bool {
    SIGNATURES.iter().any(|sig| head.starts_with(sig)) || bzip2(head) || webp(head)
}

/// `BZh` then the block size digit and the block magic (`BZh` alone
/// starts words).
fn bzip2(head: &[u8]) -> bool {
    head.len() >= 10
        && head.starts_with(b"BZh")
        && head[3].is_ascii_digit()
        && head[4..10] == *b"1AY&SY"
}

fn webp(head: &[u8]) -> bool {
    head.len() >= 12 && head.starts_with(b"RIFF") && head[8..12] == *b"WEBP"
}

/// Files known to be binary by name alone (compiled Python carries no
/// fixed signature: its first two bytes are the interpreter version).
pub(super) fn is_binary_name(path: &str) -> bool {
    const EXTENSIONS: [&str; 6] = [".pyc", ".pyo", ".so", ".a", ".o", ".mo"];
    EXTENSIONS.iter().any(|ext| path.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_binary_signatures_from_text() {
        assert!(is_binary_start(b"\x7fELF\x02\x01\x01"));
        assert!(is_binary_start(b"\x1f\x8b\x08\x00"));
        assert!(is_binary_start(b"BZh91AY&SY\x00\x00"));
        assert!(is_binary_start(b"RIFF\x10\x00\x00\x00WEBPVP8 "));
        assert!(!is_binary_start(b"BZh is a word"));
        assert!(!is_binary_start(b"#!/bin/sh\n"));
        assert!(!is_binary_start(b""));
    }
}
