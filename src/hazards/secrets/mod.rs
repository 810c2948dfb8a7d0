//! Secrets written into files: private keys, cloud credentials, API
//! tokens of a documented shape, and the credential files of common tools
//! (`.docker/config.json`, `.netrc`, `.pgpass`, kubeconfigs, `.env`…).
//!
//! What lives here is only the detector: [`SecretScanner`] takes a file's
//! bytes in chunks of any size (the image layer walker streams every
//! regular file of every layer through it) and [`scan_text`] takes text
//! already in memory (Compose `env_file`s, Kubernetes Secret and ConfigMap
//! values). Which hit is a finding, at what severity, with which message,
//! is the rules' business; nothing here knows about images, policies or
//! reports.
//!
//! # Redaction
//!
//! A [`SecretHit`] never holds the value it found: only a preview of at
//! most its first four characters (`ghp_****`; the non-secret header line
//! for PEM blocks) and the SHA-256 of the value, so a fingerprint changes
//! when the secret is rotated. Nothing here has a `Debug` impl that prints
//! file content.
//!
//! # How a file is read (cost)
//!
//! Every byte of every layer goes through here, so each file costs one
//! pass of an Aho-Corasick keyword search and nothing more unless a
//! keyword is found (see `keywords.rs`):
//!
//! - **Binary files are skipped** by their first bytes: a known binary
//!   signature (ELF, gzip, zstd, xz, bzip2, zip, PNG, JPEG, GIF, WebP,
//!   PDF, Java class and Mach-O, SQLite, …; `.pyc` by name) skips the
//!   whole file. Otherwise, **the text part of a file is scanned**: if a
//!   NUL byte occurs in the first 8 KiB, the bytes before it (a script
//!   stub in front of an archive, a text header of a data file) are
//!   scanned and the rest is not; a file with no NUL in its first 8 KiB is
//!   text and is scanned to its end, NUL bytes further on included. An
//!   integration test should therefore expect: a key *before* an early
//!   NUL is found, a key *after* a NUL in the first 8 KiB is not, a key
//!   anywhere in a file whose first 8 KiB are clean text is found.
//!   Archives inside the image (`.tar`, `.jar`, `.whl`, `.gz`) are not
//!   opened.
//! - **Memory stays flat**: a file is kept in one reused buffer up to a
//!   window of 1 MiB; a longer file is scanned window by window, each
//!   window overlapping the previous one by 16 KiB of look-behind (the
//!   context some detectors need before a match) and 64 KiB of
//!   look-ahead (longer than any credential looked for, PEM blocks
//!   included). A hit is reported by the one window that owns its first
//!   byte, so the overlap never reports it twice; line and column numbers
//!   are counted across windows.
//! - Regexes are compiled once per process and run only on windows where
//!   their keyword was seen (or, for credential files, where the path
//!   says what the file is).
//!
//! # False positives avoided
//!
//! - Public keys and certificates are never hits; a PEM block counts only
//!   when it is complete (its `END` line) and its body decodes (and, for
//!   DER bodies, the outer `SEQUENCE` spans exactly the decoded bytes).
//! - Documented example values (AWS's `…EXAMPLE` key pair, jwt.io's
//!   sample token, the Azure storage emulator's account) and placeholders
//!   (`changeme`, `<your-token>`, `${VAR}`, `xxxxxxxx`, runs of one
//!   character or of a short repeated unit, values saying `your`,
//!   `example`, `dummy`…) are not hits.
//! - Files named like examples (`.env.example`, `.env.sample`,
//!   `.env.template`, `.env.dist`) are not read as `.env` files.
//!
//! # Hits made Low on purpose (not dropped)
//!
//! - Encrypted private keys (PKCS #8 `ENCRYPTED PRIVATE KEY`, PEM
//!   `Proc-Type: 4,ENCRYPTED`, OpenSSH keys with a cipher, PuTTY keys
//!   with `Encryption:` other than `none`): detail `encrypted`.
//! - Debian's `ssl-cert` snakeoil key
//!   (`etc/ssl/private/ssl-cert-snakeoil.key`): `make-ssl-cert` generates
//!   it per machine when the package is installed, so it is no leaked
//!   credential; but baked into an image every container shares it.
//! - An AWS access key id with no secret access key near it: the id alone
//!   signs nothing, it only names the key (and its account).
//! - Test fixtures and examples that packages and toolchains ship with
//!   themselves (the rules are in `paths.rs`): a `test`, `tests`,
//!   `spec`, `testing`, `__tests__`, `fixtures`, `example(s)` directory
//!   (or `doc`, `docs`, `man`) *below* a package root — `site-packages`,
//!   `dist-packages`, `node_modules`, Ruby's `gems`, `vendor`,
//!   `vendored`, `third_party`, `.cargo`, Go's `pkg/mod` — or below a
//!   package manager's prefix (`usr/lib/`, `usr/lib64/`, `usr/libexec/`,
//!   `usr/share/`, `usr/local/lib/`, `usr/local/share/`); any
//!   `testdata/` (GOROOT's `crypto/tls` keys, the module cache); Python's
//!   own `lib/pythonX.Y/test/` (`keycert.pem`, `certdata/`);
//!   `cryptography_vectors`; `*.egg-info` and `*.dist-info` (READMEs
//!   with sample JWTs); `usr/share/doc/`. Their keys are public by
//!   construction (they are in the packages' source repositories) and
//!   the same in every image; they are kept as Low, with a detail saying
//!   why, so a reviewer can still see them and a rule can map them to
//!   `info`. An application's own `tests/` (`app/tests/`,
//!   `usr/src/app/tests/`) is *not* a fixture: a key there is still the
//!   application's.
//!
//! # Not covered
//!
//! PGP private key blocks, ssh.com (`SSH2`) keys, secrets inside nested
//! archives, UTF-16 text (its NUL bytes make it binary), PEM bodies split across quoted string concatenations in
//! source code, Azure AD client secrets of the older shapeless format,
//! and generic high-entropy strings (too noisy over whole images).

mod binary;
mod cloud;
mod files;
mod hit;
mod keys;
mod keywords;
mod paths;
mod scanner;
mod tokens;
mod window;

pub use hit::{KeyFormat, SecretHit, SecretKind, SecretTier};
pub use scanner::SecretScanner;

/// Scans text already in memory (an env file, a Kubernetes value) as if it
/// were the file `path`: see [`SecretScanner`].
pub fn scan_text(path: &str, text: &[u8]) -> Vec<SecretHit> {
    let mut scanner = SecretScanner::new();
    scanner.begin(path, text.len() as u64);
    scanner.feed(text);
    scanner.finish()
}

/// The hit a rule reports for each kind: the highest tier, then the
/// first; sorted by line.
pub fn first_per_kind(hits: &[SecretHit]) -> Vec<SecretHit> {
    let mut best: Vec<&SecretHit> = Vec::new();
    for hit in hits {
        match best.iter_mut().find(|b| b.kind == hit.kind) {
            Some(b) if hit.tier > b.tier => *b = hit,
            Some(_) => {}
            None => best.push(hit),
        }
    }
    let mut out: Vec<SecretHit> = best.into_iter().cloned().collect();
    out.sort_by_key(|h| (h.line, h.column));
    out
}

#[cfg(test)]
mod testkit;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn every_kind_has_a_unique_id() {
        let kinds = [
            SecretKind::PrivateKey(KeyFormat::Rsa),
            SecretKind::AwsAccessKey,
            SecretKind::GcpServiceAccount,
            SecretKind::AzureStorageKey,
            SecretKind::AzureClientSecret,
            SecretKind::GithubToken,
            SecretKind::GitlabToken,
            SecretKind::SlackToken,
            SecretKind::SlackWebhook,
            SecretKind::StripeKey,
            SecretKind::NpmToken,
            SecretKind::PypiToken,
            SecretKind::DockerHubToken,
            SecretKind::SendgridKey,
            SecretKind::TwilioKey,
            SecretKind::OpenAiKey,
            SecretKind::AnthropicKey,
            SecretKind::Jwt,
            SecretKind::DockerConfigAuth,
            SecretKind::GitCredentials,
            SecretKind::Netrc,
            SecretKind::Pgpass,
            SecretKind::KubeconfigCredential,
            SecretKind::AwsCredentialsFile,
            SecretKind::DotenvCredential,
        ];
        let mut ids: Vec<&str> = kinds.iter().map(SecretKind::id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), kinds.len());
        assert!(kinds.iter().all(|k| !k.describe().is_empty()));
    }

    fn hit(kind: SecretKind, line: u32, tier: SecretTier) -> SecretHit {
        SecretHit {
            kind,
            line,
            column: 1,
            tier,
            preview: "ab****".into(),
            value_digest: [0; 32],
            detail: None,
            fixture: false,
        }
    }

    #[test]
    fn a_hit_is_described_with_its_article_and_identified_by_its_digest() {
        let mut key = hit(
            SecretKind::PrivateKey(KeyFormat::Rsa),
            1,
            SecretTier::Critical,
        );
        assert_eq!(key.described(), "an RSA private key");
        key.detail = Some("encrypted".into());
        assert_eq!(key.described(), "an RSA private key (encrypted)");
        let mut token = hit(SecretKind::GithubToken, 1, SecretTier::High);
        assert_eq!(token.described(), "a GitHub token");
        token.value_digest[0] = 0xab;
        token.value_digest[31] = 0x07;
        let hex = token.digest_hex();
        assert_eq!((hex.len(), &hex[..4], &hex[60..]), (64, "ab00", "0007"));
        assert_eq!(SecretTier::Low.severity(), Severity::Low);
    }

    #[test]
    fn first_per_kind_keeps_the_highest_tier_then_the_first() {
        let hits = [
            hit(SecretKind::AwsAccessKey, 1, SecretTier::Low),
            hit(SecretKind::Jwt, 2, SecretTier::High),
            hit(SecretKind::AwsAccessKey, 3, SecretTier::Critical),
            hit(SecretKind::Jwt, 4, SecretTier::High),
        ];
        let kept = first_per_kind(&hits);
        assert_eq!(
            kept.iter().map(|h| h.line).collect::<Vec<_>>(),
            vec![2, 3],
            "{kept:?}"
        );
    }
}
