//! Deterministic fake credentials for the tests, built at run time so the
//! repository's sources hold no literal token or key block that another
//! secret scanner would flag.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::{SecretHit, SecretKind, SecretTier, scan_text};

pub(super) const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(super) const HEX: &[u8] = b"0123456789abcdef";
pub(super) const BASE64: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub(super) const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// xorshift64*: the same bytes on every run.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub(super) fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }

    pub(super) fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// `len` random characters of `alphabet`, the same for the same seed.
pub(super) fn random(seed: u64, alphabet: &[u8], len: usize) -> String {
    Rng::new(seed).string(alphabet, len)
}

/// `-----BEGIN {label}-----`, spelled at run time.
pub(super) fn begin(label: &str) -> String {
    format!("{}BEGIN {label}{}", "-".repeat(5), "-".repeat(5))
}

pub(super) fn end(label: &str) -> String {
    format!("{}END {label}{}", "-".repeat(5), "-".repeat(5))
}

/// `RSA PRIVATE KEY`, `PRIVATE KEY`…: `kind` is `"RSA "`, `""`…
pub(super) fn private_label(kind: &str) -> String {
    format!("{kind}{} {}", "PRIVATE", "KEY")
}

/// A DER `SEQUENCE` of `len` random content bytes.
pub(super) fn der(seed: u64, len: usize) -> Vec<u8> {
    assert!((256..65536).contains(&len));
    let mut out = vec![0x30, 0x82, (len >> 8) as u8, len as u8];
    out.extend(Rng::new(seed).bytes(len));
    out
}

/// A PEM block of `body`, in 64-character lines.
pub(super) fn pem(label: &str, body: &[u8]) -> String {
    let b64 = STANDARD.encode(body);
    let mut out = begin(label);
    out.push('\n');
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&end(label));
    out.push('\n');
    out
}

/// A fake unencrypted RSA key block.
pub(super) fn rsa_key(seed: u64) -> String {
    pem(&private_label("RSA "), &der(seed, 600))
}

/// An `openssh-key-v1` body with `cipher`.
pub(super) fn openssh_body(seed: u64, cipher: &str) -> Vec<u8> {
    let mut body = b"openssh-key-v1\0".to_vec();
    body.extend((cipher.len() as u32).to_be_bytes());
    body.extend(cipher.as_bytes());
    body.extend(Rng::new(seed).bytes(300));
    body
}

/// A JWT with `header` and `payload` JSON and a random signature.
pub(super) fn jwt(seed: u64, header: &str, payload: &str) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(Rng::new(seed).bytes(32))
    )
}

/// The kinds of the hits of `text` read as the file `path`.
pub(super) fn kinds(path: &str, text: &str) -> Vec<SecretKind> {
    scan_text(path, text.as_bytes())
        .iter()
        .map(|h| h.kind)
        .collect()
}

/// The one hit of `text` as the file `path`; panics if there is not
/// exactly one.
pub(super) fn only(path: &str, text: &str) -> SecretHit {
    let hits = scan_text(path, text.as_bytes());
    assert_eq!(hits.len(), 1, "{path}: {hits:?}");
    hits.into_iter().next().expect("one hit")
}

/// Asserts `text` as `path` has one hit of `kind` at `tier`.
pub(super) fn assert_hit(path: &str, text: &str, kind: SecretKind, tier: SecretTier) -> SecretHit {
    let hit = only(path, text);
    assert_eq!((hit.kind, hit.tier), (kind, tier), "{hit:?}");
    hit
}

/// Asserts `text` as `path` has no hit.
pub(super) fn assert_none(path: &str, text: &str) {
    let hits = scan_text(path, text.as_bytes());
    assert!(hits.is_empty(), "{path}: {hits:?}");
}
