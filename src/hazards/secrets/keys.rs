//! Private keys: PEM blocks (PKCS #1 RSA, SEC 1 EC, DSA, PKCS #8 plain
//! and encrypted, OpenSSH, RFC 7468 / RFC 1421 framing) and PuTTY `.ppk`
//! files.
//!
//! A block counts only when it is whole and its body is what its label
//! says: the `END` line with the same label follows, the body is base64
//! that decodes, and a DER body is one `SEQUENCE` spanning exactly the
//! decoded bytes (an OpenSSH body starts with `openssh-key-v1`). A key
//! that is encrypted (PKCS #8 `ENCRYPTED PRIVATE KEY`, a `Proc-Type:
//! 4,ENCRYPTED` header, an OpenSSH cipher other than `none`, PuTTY's
//! `Encryption:` other than `none`) is Low: useless without its
//! passphrase. Public keys and certificates never match.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
use regex::bytes::Regex;

use super::window::{Window, digest};
use super::{KeyFormat, SecretKind, SecretTier};

/// How far after its `BEGIN` line a block's `END` line may be: an 8192-bit
/// RSA key is under 7 KiB of PEM.
const MAX_BLOCK: usize = 16 << 10;

/// The shortest decoded key accepted: an Ed25519 PKCS #8 key is 48 bytes.
const MIN_KEY: usize = 40;

fn begin_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?-u)-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----")
            .expect("valid regex")
    })
}

/// A private key read from a PEM block.
pub(super) struct Key {
    pub format: KeyFormat,
    pub encrypted: bool,
    /// SHA-256 of the decoded body.
    pub digest: [u8; 32],
    /// The `-----BEGIN … PRIVATE KEY-----` line, which is not secret.
    pub header: String,
}

/// Every PEM private key block that starts in the window.
pub(super) fn pem(w: &mut Window) {
    let text = w.text;
    for m in begin_re().find_iter(text) {
        if !w.owns(m.start()) {
            continue;
        }
        if let Some(key) = parse_pem(&text[m.start()..]) {
            let (tier, detail) = if key.encrypted {
                (SecretTier::Low, Some("encrypted".to_string()))
            } else {
                (SecretTier::Critical, None)
            };
            w.report_as(
                m.start(),
                SecretKind::PrivateKey(key.format),
                tier,
                key.header,
                key.digest,
                detail,
            );
        }
    }
}

/// The private key whose PEM block starts `text`, if it is whole and
/// valid. Newlines may be real or written as `\n` escapes (a key inside a
/// JSON or `.env` string).
pub(super) fn parse_pem(text: &[u8]) -> Option<Key> {
    let caps = begin_re().captures(text)?;
    let whole = caps.get(0)?;
    if whole.start() != 0 {
        return None;
    }
    let label = caps.get(1)?.as_bytes();
    let mut end_line = b"-----END ".to_vec();
    end_line.extend_from_slice(label);
    end_line.extend_from_slice(b"-----");
    let rest = &text[whole.end()..text.len().min(whole.end() + MAX_BLOCK)];
    let end = memchr::memmem::find(rest, &end_line)?;
    let (der, proc_encrypted) = decode_body(&rest[..end])?;
    let format = match label {
        b"RSA PRIVATE KEY" => KeyFormat::Rsa,
        b"EC PRIVATE KEY" => KeyFormat::Ec,
        b"DSA PRIVATE KEY" => KeyFormat::Dsa,
        b"OPENSSH PRIVATE KEY" => KeyFormat::OpenSsh,
        _ => KeyFormat::Pkcs8,
    };
    let encrypted = if format == KeyFormat::OpenSsh {
        openssh_encrypted(&der)?
    } else {
        // A body encrypted under `Proc-Type` is ciphertext, not DER.
        if !proc_encrypted && !is_der_sequence(&der) {
            return None;
        }
        proc_encrypted || label == b"ENCRYPTED PRIVATE KEY"
    };
    Some(Key {
        format,
        encrypted,
        digest: digest(&der),
        header: String::from_utf8_lossy(whole.as_bytes()).into_owned(),
    })
}

/// The decoded body of a PEM block, and whether an RFC 1421 header said
/// it is encrypted; `None` when the body is not base64.
fn decode_body(body: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut b64 = Vec::with_capacity(body.len());
    let mut encrypted = false;
    let mut in_headers = true;
    for line in body_lines(body) {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if in_headers && line.contains(&b':') {
            if line.starts_with(b"Proc-Type:") && line.ends_with(b"ENCRYPTED") {
                encrypted = true;
            }
            continue;
        }
        in_headers = false;
        for &b in line {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => b64.push(b),
                b' ' | b'\t' => {}
                _ => return None,
            }
        }
    }
    let der = STANDARD_PAD_INDIFFERENT.decode(&b64).ok()?;
    (der.len() >= MIN_KEY).then_some((der, encrypted))
}

/// The lines of a block's body, split at real newlines and at `\n` or
/// `\r` escapes.
fn body_lines(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                b'\n' | b'\r' => {
                    let line = &rest[..i];
                    rest = &rest[i + 1..];
                    return Some(line);
                }
                b'\\' if matches!(rest.get(i + 1), Some(b'n' | b'r')) => {
                    let line = &rest[..i];
                    rest = &rest[i + 2..];
                    return Some(line);
                }
                _ => i += 1,
            }
        }
        let line = rest;
        rest = &[];
        Some(line)
    })
}

/// Whether `der` is one DER `SEQUENCE` whose length is exactly the rest.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, rest) = if *first < 0x80 {
        (usize::from(*first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return false;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    len == rest.len()
}

/// Whether an `openssh-key-v1` body is encrypted (its cipher is not
/// `none`); `None` when it is no such body.
fn openssh_encrypted(body: &[u8]) -> Option<bool> {
    let rest = body.strip_prefix(b"openssh-key-v1\0")?;
    let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let cipher = rest.get(4..4 + len)?;
    Some(cipher != b"none")
}

fn putty_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?m-u)^PuTTY-User-Key-File-[23]:[ \t]*[A-Za-z0-9@.-]+[ \t]*\r?$")
            .expect("valid regex")
    })
}

/// PuTTY private key files: the `Private-Lines:` that follow the header
/// must decode; `Encryption: none` is Critical, anything else Low.
pub(super) fn putty(w: &mut Window) {
    let text = w.text;
    for m in putty_re().find_iter(text) {
        if !w.owns(m.start()) {
            continue;
        }
        let mut encryption: Option<&[u8]> = None;
        let mut private: Option<Vec<u8>> = None;
        let mut lines = super::window::lines(&text[m.end()..])
            .map(|(_, l)| l)
            .take(200);
        while let Some(line) = lines.next() {
            if let Some(v) = line.strip_prefix(b"Encryption:") {
                encryption = Some(v.trim_ascii());
            } else if let Some(v) = line.strip_prefix(b"Private-Lines:") {
                let count: usize = std::str::from_utf8(v.trim_ascii())
                    .ok()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let b64: Vec<u8> = lines
                    .by_ref()
                    .take(count)
                    .flat_map(|l| l.trim_ascii().iter().copied())
                    .collect();
                private = STANDARD_PAD_INDIFFERENT.decode(&b64).ok();
                break;
            } else if line.starts_with(b"PuTTY-User-Key-File-") {
                break;
            }
        }
        let (Some(encryption), Some(private)) = (encryption, private) else {
            continue;
        };
        if private.is_empty() {
            continue;
        }
        let (tier, detail) = if encryption == b"none" {
            (SecretTier::Critical, None)
        } else {
            (SecretTier::Low, Some("encrypted".to_string()))
        };
        let header = String::from_utf8_lossy(m.as_bytes().trim_ascii()).into_owned();
        w.report_as(
            m.start(),
            SecretKind::PrivateKey(KeyFormat::Putty),
            tier,
            header,
            digest(&private),
            detail,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{KeyFormat, SecretKind, SecretTier};
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    fn key(format: KeyFormat) -> SecretKind {
        SecretKind::PrivateKey(format)
    }

    #[test]
    fn finds_an_rsa_key_block_at_its_begin_line() {
        let text = format!("# deploy key\n  {}", rsa_key(1));
        let hit = assert_hit(
            "root/.ssh/id_rsa",
            &text,
            key(KeyFormat::Rsa),
            SecretTier::Critical,
        );
        assert_eq!((hit.line, hit.column), (2, 3));
        assert_eq!(hit.preview, begin(&private_label("RSA ")));
        assert_eq!(hit.detail, None);
    }

    #[test]
    fn tells_every_pem_label() {
        for (kind, format) in [
            ("EC ", KeyFormat::Ec),
            ("DSA ", KeyFormat::Dsa),
            ("", KeyFormat::Pkcs8),
        ] {
            let text = pem(&private_label(kind), &der(2, 300));
            assert_hit("k.pem", &text, key(format), SecretTier::Critical);
        }
    }

    #[test]
    fn openssh_keys_are_encrypted_when_they_name_a_cipher() {
        let label = private_label("OPENSSH ");
        let plain = pem(&label, &openssh_body(3, "none"));
        assert_hit(
            "id_ed25519",
            &plain,
            key(KeyFormat::OpenSsh),
            SecretTier::Critical,
        );
        let sealed = pem(&label, &openssh_body(3, "aes256-ctr"));
        let hit = assert_hit(
            "id_ed25519",
            &sealed,
            key(KeyFormat::OpenSsh),
            SecretTier::Low,
        );
        assert_eq!(hit.detail.as_deref(), Some("encrypted"));
        // Not an openssh-key-v1 body.
        assert_none("id_ed25519", &pem(&label, &der(3, 300)));
    }

    #[test]
    fn encrypted_pkcs8_and_proc_type_keys_are_low() {
        let text = pem(&private_label("ENCRYPTED "), &der(4, 400));
        let hit = assert_hit("k.pem", &text, key(KeyFormat::Pkcs8), SecretTier::Low);
        assert_eq!(hit.detail.as_deref(), Some("encrypted"));

        let label = private_label("RSA ");
        let cipher = STANDARD.encode(Rng::new(5).bytes(608));
        let text = format!(
            "{}\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{}\n\n{cipher}\n{}\n",
            begin(&label),
            random(5, HEX, 32).to_uppercase(),
            end(&label)
        );
        let hit = assert_hit("k.pem", &text, key(KeyFormat::Rsa), SecretTier::Low);
        assert_eq!(hit.detail.as_deref(), Some("encrypted"));
    }

    #[test]
    fn incomplete_or_broken_blocks_are_not_keys() {
        let label = private_label("RSA ");
        let whole = rsa_key(6);
        // No END line.
        let truncated = &whole[..whole.len() / 2];
        assert_none("k.pem", truncated);
        // An END line of another label.
        let other = whole.replace(&end(&label), &end(&private_label("EC ")));
        assert_none("k.pem", &other);
        // A character outside base64.
        let mut lines: Vec<String> = whole.lines().map(str::to_string).collect();
        lines[2].replace_range(10..11, "!");
        assert_none("k.pem", &lines.join("\n"));
        // A line missing: the DER length no longer matches.
        let mut lines: Vec<&str> = whole.lines().collect();
        lines.remove(3);
        assert_none("k.pem", &lines.join("\n"));
        // A body far too short for a key.
        assert_none(
            "k.pem",
            &format!("{}\nMIIB\n{}\n", begin(&label), end(&label)),
        );
    }

    #[test]
    fn public_keys_and_certificates_are_not_secrets() {
        assert_none("k.pem", &pem("PUBLIC KEY", &der(7, 300)));
        assert_none("k.pem", &pem("RSA PUBLIC KEY", &der(7, 300)));
        assert_none("c.pem", &pem("CERTIFICATE", &der(7, 900)));
        let ssh = format!(
            "ssh-rsa AAAAB3NzaC1yc2E{} user@host\n",
            random(7, BASE64, 300)
        );
        assert_none("root/.ssh/authorized_keys", &ssh);
    }

    #[test]
    fn reads_keys_with_escaped_newlines_and_indentation() {
        let block = rsa_key(8);
        let json = format!("{{\"key\": \"{}\"}}\n", block.replace('\n', "\\n"));
        assert_hit(
            "app/config.json",
            &json,
            key(KeyFormat::Rsa),
            SecretTier::Critical,
        );
        let yaml = format!(
            "tls:\n  key: |\n{}",
            block
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        );
        let hit = assert_hit(
            "values.yaml",
            &yaml,
            key(KeyFormat::Rsa),
            SecretTier::Critical,
        );
        assert_eq!((hit.line, hit.column), (3, 5));
    }

    #[test]
    fn the_same_key_twice_is_one_hit() {
        let block = rsa_key(9);
        let text = format!("{block}\n{block}");
        assert_eq!(only("k.pem", &text).line, 1);
    }

    fn putty(encryption: &str, private_lines: Option<usize>) -> String {
        let mut rng = Rng::new(10);
        let b64 = |rng: &mut Rng| STANDARD.encode(rng.bytes(48));
        let mut text = format!(
            "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: {encryption}\nComment: k\nPublic-Lines: 2\n{}\n{}\n",
            b64(&mut rng),
            b64(&mut rng)
        );
        if let Some(n) = private_lines {
            text.push_str(&format!("Private-Lines: {n}\n"));
            for _ in 0..n {
                text.push_str(&b64(&mut rng));
                text.push('\n');
            }
        }
        text.push_str(&format!("Private-MAC: {}\n", random(10, HEX, 40)));
        text
    }

    #[test]
    fn finds_putty_keys_and_tells_encrypted_ones() {
        let hit = assert_hit(
            "home/u/key.ppk",
            &putty("none", Some(3)),
            key(KeyFormat::Putty),
            SecretTier::Critical,
        );
        assert_eq!(hit.preview, "PuTTY-User-Key-File-2: ssh-rsa");
        let hit = assert_hit(
            "home/u/key.ppk",
            &putty("aes256-cbc", Some(3)),
            key(KeyFormat::Putty),
            SecretTier::Low,
        );
        assert_eq!(hit.detail.as_deref(), Some("encrypted"));
        assert_none("home/u/key.ppk", &putty("none", None));
    }

    #[test]
    fn the_debian_snakeoil_key_is_low() {
        let hit = assert_hit(
            "/etc/ssl/private/ssl-cert-snakeoil.key",
            &pem(&private_label(""), &der(11, 1200)),
            key(KeyFormat::Pkcs8),
            SecretTier::Low,
        );
        assert!(
            hit.detail
                .as_deref()
                .is_some_and(|d| d.contains("make-ssl-cert"))
        );
    }

    #[test]
    fn keys_in_a_packages_test_directory_are_low() {
        let hit = assert_hit(
            "usr/lib/python3.12/test/certdata/keycert.pem",
            &rsa_key(12),
            key(KeyFormat::Rsa),
            SecretTier::Low,
        );
        assert!(
            hit.detail
                .as_deref()
                .is_some_and(|d| d.contains("test suite"))
        );
        let hit = assert_hit(
            "app/node_modules/agent-base/test/ssl-cert-snakeoil.key",
            &pem(&private_label("ENCRYPTED "), &der(12, 400)),
            key(KeyFormat::Pkcs8),
            SecretTier::Low,
        );
        let detail = hit.detail.unwrap_or_default();
        assert!(detail.starts_with("encrypted; a test fixture"), "{detail}");
    }
}
