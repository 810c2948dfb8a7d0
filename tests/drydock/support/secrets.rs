//! Credentials for the secret tests, made up at run time from a seed: the
//! same bytes on every run, and no literal key or token in the
//! repository's sources for another secret scanner to flag. Each has the
//! shape a real one has (a PEM block whose body decodes to one DER
//! `SEQUENCE`, a token of the documented length and alphabet), so both
//! drydock and Trivy take them for real.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A splitmix64 stream: deterministic, good enough to look random.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn text(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[(self.next() % alphabet.len() as u64) as usize]))
            .collect()
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Five dashes, so no source line is a PEM boundary.
fn dashes() -> String {
    "-".repeat(5)
}

/// An unencrypted RSA private key block (a DER `SEQUENCE` of random
/// bytes; no real key).
pub fn rsa_key(seed: u64) -> String {
    let len = 610usize;
    let mut der = vec![0x30, 0x82, (len >> 8) as u8, len as u8];
    der.extend(Seeded::new(seed).bytes(len));
    let label = format!("RSA {} {}", "PRIVATE", "KEY");
    let mut out = format!("{0}BEGIN {label}{0}\n", dashes());
    for line in STANDARD.encode(&der).as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("{0}END {label}{0}\n", dashes()));
    out
}

/// A certificate block: public, never a finding.
pub fn certificate(seed: u64) -> String {
    let body = STANDARD.encode(Seeded::new(seed).bytes(300));
    format!(
        "{0}BEGIN CERTIFICATE{0}\n{body}\n{0}END CERTIFICATE{0}\n",
        dashes()
    )
}

/// A classic GitHub personal access token.
pub fn github_token(seed: u64) -> String {
    format!("{}_{}", "ghp", Seeded::new(seed).text(ALNUM, 36))
}

/// An AWS access key id and its secret access key.
pub fn aws_pair(seed: u64) -> (String, String) {
    let mut rng = Seeded::new(seed);
    let id = format!("{}{}", "AKIA", rng.text(UPPER_DIGITS, 16));
    let secret = rng.text(B64, 40);
    (id, secret)
}

/// A password that looks like one.
pub fn password(seed: u64) -> String {
    format!("{}-{}", Seeded::new(seed).text(ALNUM, 12), "x9")
}
