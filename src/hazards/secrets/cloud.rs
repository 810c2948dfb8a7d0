//! Cloud credentials: AWS access keys, Google Cloud service-account key
//! files, Azure storage account keys and Entra ID client secrets.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use regex::bytes::Regex;

use super::keys;
use super::window::{
    Window, around, contains_ignore_case, digest, looks_random, preview, stands_alone,
};
use super::{SecretKind, SecretTier};

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// How many lines either side of an AWS access key id its secret may be
/// (`aws_access_key_id` and `aws_secret_access_key` are usually adjacent;
/// a few lines allow a comment or a `region` between them).
const AWS_LINES: usize = 5;

/// AWS access keys (IAM user `AKIA…` and temporary `ASIA…` ids: four
/// letters then 16 base32 characters, as AWS's IAM identifiers
/// documentation shows them).
///
/// An id with a secret access key (40 characters of base64's alphabet,
/// not all hex, preferably on a line naming a secret) within
/// [`AWS_LINES`] lines is Critical; its digest is the secret's, so
/// rotating the secret makes a new finding. An id alone is Low: it signs
/// nothing, it only names the key and its account. AWS's documented
/// example pair (`…EXAMPLE`, `…EXAMPLEKEY`) is never a hit.
pub(super) fn aws(w: &mut Window) {
    static ID: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    for m in regex(&ID, r"(?-u)(?:AKIA|ASIA)[A-Z2-7]{16}").find_iter(text) {
        let id = m.as_bytes();
        if !w.owns(m.start())
            || !stands_alone(text, &m.range(), |b| b.is_ascii_alphanumeric())
            || contains_ignore_case(id, b"EXAMPLE")
        {
            continue;
        }
        let area = around(text, m.start(), AWS_LINES, 2048);
        match aws_secret_near(text, area) {
            Some(secret) => w.report_as(
                m.start(),
                SecretKind::AwsAccessKey,
                SecretTier::Critical,
                preview(id),
                digest(secret),
                Some("with its secret access key".into()),
            ),
            None => w.report(
                m.start(),
                SecretKind::AwsAccessKey,
                SecretTier::Low,
                id,
                Some(format!(
                    "access key id only: no secret access key within {AWS_LINES} lines"
                )),
            ),
        }
    }
}

/// The secret access key in `area`: the first on a line that names a
/// secret, else the first at all.
fn aws_secret_near(text: &[u8], area: std::ops::Range<usize>) -> Option<&[u8]> {
    static SECRET: OnceLock<Regex> = OnceLock::new();
    let base = area.start;
    let mut first = None;
    for m in regex(&SECRET, r"(?-u)[A-Za-z0-9/+]{40}").find_iter(&text[area]) {
        let range = base + m.start()..base + m.end();
        let value = &text[range.clone()];
        if !base64_alone(text, &range) || !plausible_aws_secret(value) {
            continue;
        }
        let line = around(text, range.start, 0, 256);
        if contains_ignore_case(&text[line], b"secret") {
            return Some(value);
        }
        first.get_or_insert(value);
    }
    first
}

/// Whether a base64 run stands alone: no base64 character before it (an
/// `=` may introduce it), none nor padding after it.
fn base64_alone(text: &[u8], range: &std::ops::Range<usize>) -> bool {
    let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+');
    let before = range.start.checked_sub(1).map(|i| text[i]);
    let after = text.get(range.end).copied();
    !before.is_some_and(base64) && !after.is_some_and(|b| base64(b) || b == b'=')
}

fn plausible_aws_secret(value: &[u8]) -> bool {
    let has = |f: fn(&u8) -> bool| value.iter().any(f);
    let classes = [
        has(u8::is_ascii_uppercase),
        has(u8::is_ascii_lowercase),
        has(u8::is_ascii_digit),
    ]
    .iter()
    .filter(|c| **c)
    .count();
    classes >= 2 && !value.iter().all(u8::is_ascii_hexdigit) && looks_random(value)
}

/// Google Cloud service-account key files: a JSON `"private_key"` holding
/// a valid PEM private key, with `"type": "service_account"` in the same
/// object (within 8 KiB: the files are about 2.3 KiB). The PEM key inside
/// is reported once, as this kind.
pub(super) fn gcp(w: &mut Window) {
    static KEY: OnceLock<Regex> = OnceLock::new();
    static TYPE: OnceLock<Regex> = OnceLock::new();
    const NEAR: usize = 8 << 10;
    let text = w.text;
    for m in regex(&KEY, r#"(?-u)"private_key"\s*:\s*""#).find_iter(text) {
        let start = m.end();
        if !w.owns(start) {
            continue;
        }
        let Some(value) = json_string(&text[start..text.len().min(start + NEAR)]) else {
            continue;
        };
        let Some(key) = keys::parse_pem(&value) else {
            continue;
        };
        let near = m.start().saturating_sub(NEAR)..text.len().min(start + NEAR);
        if !regex(&TYPE, r#"(?-u)"type"\s*:\s*"service_account""#).is_match(&text[near]) {
            continue;
        }
        w.report_as(
            start,
            SecretKind::GcpServiceAccount,
            SecretTier::Critical,
            key.header,
            key.digest,
            None,
        );
    }
}

/// The unescaped content of the JSON string whose opening quote `text`
/// follows; `None` when it does not end.
fn json_string(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len().min(4096));
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => return Some(out),
            b'\\' => {
                let escaped = *text.get(i + 1)?;
                i += 2;
                match escaped {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'u' => {
                        let hex = std::str::from_utf8(text.get(i..i + 4)?).ok()?;
                        let code = u32::from_str_radix(hex, 16).ok()?;
                        let c = char::from_u32(code)?;
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += 4;
                    }
                    other => out.push(other),
                }
            }
            b'\n' => return None,
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// Azure storage connection strings (`DefaultEndpointsProtocol=…;
/// AccountName=…;AccountKey=…`, as the Azure Storage documentation
/// writes them): an `AccountKey` of 88 base64 characters decoding to 64
/// bytes, with an `AccountName` on the same line. The storage emulator's
/// documented account (`devstoreaccount1`, whose key every Azurite
/// install shares) is not a hit.
pub(super) fn azure_storage(w: &mut Window) {
    static KEY: OnceLock<Regex> = OnceLock::new();
    static NAME: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    for c in regex(&KEY, r"(?-u)AccountKey=([A-Za-z0-9+/]{86}==)").captures_iter(text) {
        let Some(key) = c.get(1) else { continue };
        if !w.owns(key.start())
            || !base64_alone(text, &key.range())
            || STANDARD.decode(key.as_bytes()).map(|k| k.len()) != Ok(64)
        {
            continue;
        }
        let line = around(text, key.start(), 0, 2048);
        let Some(name) = regex(&NAME, r#"(?-u)AccountName=([^;"'\s]+)"#)
            .captures(&text[line])
            .and_then(|c| c.get(1))
        else {
            continue;
        };
        if name.as_bytes() == b"devstoreaccount1" {
            continue;
        }
        let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
        w.report(
            key.start(),
            SecretKind::AzureStorageKey,
            SecretTier::Critical,
            key.as_bytes(),
            Some(format!("storage account {name}")),
        );
    }
}

/// Entra ID (Azure AD) application client secrets, in the shape the
/// portal has issued since 2022 and Microsoft's credential scanning
/// recognises: 40 characters, the fourth a version digit and the fifth
/// and sixth `Q~`. Older secrets (32 or 44 characters with no marker)
/// have no shape to tell them from any random string and are not looked
/// for: a `client_secret` key name is the `.env` detector's business.
pub(super) fn azure_client_secret(w: &mut Window) {
    static SECRET: OnceLock<Regex> = OnceLock::new();
    let text = w.text;
    let pattern = r"(?-u)[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{34}";
    for m in regex(&SECRET, pattern).find_iter(text) {
        let value = m.as_bytes();
        let tail = &value[6..];
        let continues = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'~' | b'.' | b'-');
        let has = |f: fn(&u8) -> bool| tail.iter().any(f);
        if w.owns(m.start())
            && stands_alone(text, &m.range(), continues)
            && has(u8::is_ascii_uppercase)
            && has(u8::is_ascii_lowercase)
            && has(u8::is_ascii_digit)
            && looks_random(tail)
        {
            w.report(
                m.start(),
                SecretKind::AzureClientSecret,
                SecretTier::Critical,
                value,
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{KeyFormat, SecretKind, SecretTier, scan_text};
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    fn key_id(seed: u64) -> String {
        format!("AKIA{}", random(seed, BASE32, 16))
    }

    fn secret(seed: u64) -> String {
        random(seed, BASE64, 40)
    }

    #[test]
    fn an_access_key_with_its_secret_is_critical() {
        let text = format!(
            "[default]\naws_access_key_id = {}\nregion = eu-west-1\naws_secret_access_key = {}\n",
            key_id(1),
            secret(2)
        );
        let hit = assert_hit(
            "app/settings.ini",
            &text,
            SecretKind::AwsAccessKey,
            SecretTier::Critical,
        );
        assert_eq!(
            (hit.line, hit.column, hit.preview.as_str()),
            (2, 21, "AKIA****")
        );
        assert_eq!(hit.value_digest, super::digest(secret(2).as_bytes()));
        assert_eq!(hit.detail.as_deref(), Some("with its secret access key"));
    }

    #[test]
    fn the_credentials_file_and_the_key_pair_are_one_hit() {
        let text = format!(
            "[prod]\naws_access_key_id={}\naws_secret_access_key={}\n",
            key_id(3),
            secret(4)
        );
        let hits = scan_text("root/.aws/credentials", text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].kind, SecretKind::AwsAccessKey);
        let text = format!("[prod]\naws_secret_access_key={}\n", secret(4));
        let hit = assert_hit(
            "root/.aws/credentials",
            &text,
            SecretKind::AwsCredentialsFile,
            SecretTier::Critical,
        );
        assert_eq!(hit.detail.as_deref(), Some("profile prod"));
    }

    #[test]
    fn an_access_key_id_alone_is_low() {
        let text = format!("AWS_ACCESS_KEY_ID={}\n", key_id(5));
        let hit = assert_hit(
            "app/.envrc",
            &text,
            SecretKind::AwsAccessKey,
            SecretTier::Low,
        );
        assert!(hit.detail.as_deref().is_some_and(|d| d.contains("id only")));
        // Too far from its secret.
        let far = format!("id={}\n{}secret={}\n", key_id(5), "\n".repeat(7), secret(6));
        assert_eq!(only("a.txt", &far).tier, SecretTier::Low);
        // A 40-hex digest is no secret access key.
        let sha = format!("id={}\ncommit={}\n", key_id(5), random(6, HEX, 40));
        assert_eq!(only("a.txt", &sha).tier, SecretTier::Low);
    }

    #[test]
    fn the_documented_example_pair_is_not_a_secret() {
        let id = format!("AKIA{}", "IOSFODNN7EXAMPLE");
        let secret = format!("wJalrXUtnFEMI/K7MDENG/{}", "bPxRfiCYEXAMPLEKEY");
        let text = format!("[default]\naws_access_key_id={id}\naws_secret_access_key={secret}\n");
        assert_none("root/.aws/credentials", &text);
        assert_none("app/settings.ini", &text);
    }

    fn service_account(with_type: bool) -> String {
        let key = pem(&private_label(""), &der(7, 1200)).replace('\n', "\\n");
        let kind = if with_type { "service_account" } else { "user" };
        format!(
            "{{\n  \"type\": \"{kind}\",\n  \"project_id\": \"demo\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{key}\",\n  \"client_email\": \"ci@demo.iam.gserviceaccount.com\"\n}}\n",
            random(7, HEX, 40)
        )
    }

    #[test]
    fn a_service_account_key_file_is_one_critical_hit() {
        let hit = assert_hit(
            "app/sa.json",
            &service_account(true),
            SecretKind::GcpServiceAccount,
            SecretTier::Critical,
        );
        assert_eq!((hit.line, hit.column), (5, 19));
        let hits = scan_text("app/sa.json", service_account(false).as_bytes());
        assert_eq!(
            hits.iter().map(|h| h.kind).collect::<Vec<_>>(),
            vec![SecretKind::PrivateKey(KeyFormat::Pkcs8)]
        );
    }

    fn connection_string(account: &str, key_len: usize) -> String {
        let key = STANDARD.encode(Rng::new(8).bytes(key_len));
        format!(
            "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=core.windows.net\n"
        )
    }

    #[test]
    fn azure_storage_connection_strings_with_a_full_key_are_critical() {
        let hit = assert_hit(
            "app/appsettings.json",
            &connection_string("shop", 64),
            SecretKind::AzureStorageKey,
            SecretTier::Critical,
        );
        assert_eq!(hit.detail.as_deref(), Some("storage account shop"));
        assert_none("a.txt", &connection_string("devstoreaccount1", 64));
        assert_none("a.txt", &connection_string("shop", 32));
    }

    #[test]
    fn azure_client_secrets_of_the_marked_shape() {
        let value = format!("{}8Q~{}", random(9, BASE62, 3), random(10, BASE62, 34));
        let hit = assert_hit(
            "a.txt",
            &format!("AZURE_CLIENT_SECRET: {value}\n"),
            SecretKind::AzureClientSecret,
            SecretTier::Critical,
        );
        assert_eq!(hit.column, 22);
        assert_none("a.txt", &format!("{value}x\n"));
        assert_none("a.txt", &format!("abc8Q~{}\n", "a".repeat(34)));
    }
}
