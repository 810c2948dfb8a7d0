//! Credential heuristics every format shares: which variable names hold a
//! credential, what a value written for one is (a secret, a placeholder,
//! or no credential at all), which values carry one (a URL with a
//! password), and which text may be quoted in an error or a finding
//! without printing one.
//!
//! The rules (`plaintext-secret` for Compose and Kubernetes,
//! `secret-in-image-config`) only map a [`CredentialValue`] to a severity
//! and a message; every guard lives here.

const WORDS: [&str; 10] = [
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PW",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIALS",
    "CREDENTIAL",
];

const PAIRS: [(&str, &str); 5] = [
    ("API", "KEY"),
    ("ACCESS", "KEY"),
    ("PRIVATE", "KEY"),
    ("SECRET", "KEY"),
    // Rails' and GitLab's `SECRET_KEY_BASE`, `DB_KEY_BASE`, `OTP_KEY_BASE`:
    // the key everything else is derived from.
    ("KEY", "BASE"),
];

/// Last words of a name that make it denote something *about* a
/// credential rather than the credential itself (`SMTP_PASSWORD_FILE`,
/// `METALLB_ML_SECRET_NAME`, `TOKEN_REFRESH_INTERVAL`).
const ABOUT_WORDS: [&str; 33] = [
    // Where the credential is: a file, a Kubernetes Secret, a header.
    "NAME",
    "FILE",
    "PATH",
    "DIR",
    "REF",
    "HEADER",
    "FIELD",
    // An endpoint: a password inside it is found by `url_password`.
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "ISSUER",
    "AUDIENCE",
    // The account the credential belongs to.
    "USER",
    "USERNAME",
    // How it is made or checked (`MAILCOW_PASS_SCHEME`).
    "SCHEME",
    "TYPE",
    "MODE",
    "ALGORITHM",
    "ALGO",
    "LENGTH",
    "POLICY",
    // When it expires or is rotated.
    "INTERVAL",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    // Switches.
    "ENABLED",
    "DISABLED",
    "REQUIRED",
];

fn name_words(name: &str) -> Vec<String> {
    name.to_ascii_uppercase()
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether an environment variable name looks like it holds a credential.
pub fn is_credential_name(name: &str) -> bool {
    let words = name_words(name);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if words.last().is_some_and(|w| ABOUT_WORDS.contains(w)) {
        return false;
    }
    // `AWS_ACCESS_KEY_ID`: the key's identifier, useless without the
    // secret key and printed in logs and consoles (`VAULT_SECRET_ID`, an
    // AppRole's secret, stays a credential).
    if words.ends_with(&["KEY", "ID"]) {
        return false;
    }
    // `TOKEN_EXPIRES_IN`.
    if words.ends_with(&["EXPIRES", "IN"]) {
        return false;
    }
    if words == ["PWD"] {
        // The shell's working directory.
        return false;
    }
    words.iter().any(|w| WORDS.contains(w))
        || words
            .windows(2)
            .any(|pair| PAIRS.contains(&(pair[0], pair[1])))
}

/// Whether the name ends with a credential word: its value is the
/// credential itself (`REDIS_PASSWORD`), not a setting qualified by one
/// (`PWD_MAX_TRIES`), so even a number is a password there.
fn ends_with_credential_word(name: &str) -> bool {
    let words = name_words(name);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    words.last().is_some_and(|w| WORDS.contains(w))
        || words
            .rchunks(2)
            .next()
            .is_some_and(|pair| pair.len() == 2 && PAIRS.contains(&(pair[0], pair[1])))
}

/// What a value given to a credential-named variable is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CredentialValue {
    /// No credential: empty, a number or a duration, a yes/no flag, a
    /// sentinel (`none`, `invalid`), a hash-scheme or algorithm name, a
    /// path to a file holding the secret, a reference to a variable.
    NotACredential,
    /// A value that only holds the place of one (`changeme`,
    /// `<password>`, `xxxx`, `123456`): not a secret, but a deployment
    /// that forgets to set the variable runs with a guessable credential.
    Placeholder,
    /// A credential written out.
    Literal,
}

/// What `value` is as the value of the variable `name`: a variable whose
/// name is no credential name holds no credential (a URL's password is
/// [`url_password`]'s business).
pub fn classify(name: &str, value: &str) -> CredentialValue {
    if !is_credential_name(name) {
        return CredentialValue::NotACredential;
    }
    let value = value.trim();
    if is_number(value) {
        // `MYSQL_ALLOW_EMPTY_PASSWORD=1`, `PWD_MAX_TRIES=5`; but a password
        // of four digits or more may be all digits.
        return if !ends_with_credential_word(name) || value.len() < 4 {
            CredentialValue::NotACredential
        } else if is_trivial_digits(value) {
            CredentialValue::Placeholder
        } else {
            CredentialValue::Literal
        };
    }
    classify_value(value)
}

/// What a value is, whatever its name (numbers are no credential here:
/// [`classify`] knows when a name makes them one).
pub fn classify_value(value: &str) -> CredentialValue {
    let value = value.trim();
    if value.is_empty()
        || is_number(value)
        || is_duration(value)
        || crate::yaml::parse_bool(value).is_some()
        || is_sentinel(value)
        || is_scheme_name(value)
        || is_reference(value)
        || is_path(value)
    {
        CredentialValue::NotACredential
    } else if is_placeholder(value) {
        CredentialValue::Placeholder
    } else {
        CredentialValue::Literal
    }
}

fn is_number(value: &str) -> bool {
    !value.is_empty()
        && value.chars().any(|c| c.is_ascii_digit())
        && value
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && value.matches('.').count() <= 1
}

/// `30s`, `24h`, `1h30m`, `7d`, `500ms`: a lifetime or an interval.
fn is_duration(value: &str) -> bool {
    const UNITS: [&str; 8] = ["ns", "us", "ms", "s", "m", "h", "d", "w"];
    let mut rest = value;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let Some(unit) = UNITS
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len())
        else {
            return false;
        };
        rest = &rest[unit.len()..];
        parts += 1;
    }
    parts > 0
}

/// `1234`, `123456`, `0000`, `111111`: the first digit passwords tried.
fn is_trivial_digits(value: &str) -> bool {
    let bytes = value.as_bytes();
    let same = bytes.iter().all(|b| *b == bytes[0]);
    let ascending = bytes
        .windows(2)
        .all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'));
    same || (ascending && matches!(bytes[0], b'0' | b'1'))
}

/// Values that say "no credential here": the application runs without
/// one or refuses to start, it does not log anyone in with it.
fn is_sentinel(value: &str) -> bool {
    const SENTINELS: [&str; 12] = [
        "none",
        "null",
        "nil",
        "invalid",
        "disabled",
        "unset",
        "undefined",
        "empty",
        "n/a",
        "na",
        "-",
        "*",
    ];
    SENTINELS.contains(&value.to_ascii_lowercase().as_str())
}

/// Names of password-hashing schemes, ciphers and signature algorithms
/// (Dovecot's `BLF-CRYPT`, JWT's `HS256`, `argon2id`), compared without
/// case, `-`, `_` or Dovecot's braces: they configure how a credential is
/// checked and are no credential themselves.
fn is_scheme_name(value: &str) -> bool {
    const SCHEMES: [&str; 52] = [
        "BLFCRYPT",
        "SHA512CRYPT",
        "SHA256CRYPT",
        "MD5CRYPT",
        "DESCRYPT",
        "CRYPT",
        "BCRYPT",
        "SCRYPT",
        "YESCRYPT",
        "ARGON2",
        "ARGON2I",
        "ARGON2D",
        "ARGON2ID",
        "PBKDF2",
        "PBKDF2SHA1",
        "PBKDF2SHA256",
        "PBKDF2SHA512",
        "PLAIN",
        "CLEAR",
        "CLEARTEXT",
        "PLAINTEXT",
        "CRAMMD5",
        "DIGESTMD5",
        "SCRAMSHA1",
        "SCRAMSHA256",
        "SCRAMSHA512",
        "MD5",
        "SMD5",
        "SHA",
        "SHA1",
        "SSHA",
        "SHA256",
        "SSHA256",
        "SHA384",
        "SHA512",
        "SSHA512",
        "HS256",
        "HS384",
        "HS512",
        "RS256",
        "RS384",
        "RS512",
        "ES256",
        "ES384",
        "ES512",
        "PS256",
        "PS384",
        "PS512",
        "EDDSA",
        "ED25519",
        "AES256GCM",
        "HMACSHA256",
    ];
    let normalized: String = value
        .trim_matches(['{', '}'])
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    SCHEMES.contains(&normalized.as_str())
}

/// A value that is entirely a reference to another variable or a
/// template, left for something else to fill in: `${DB_PASSWORD}`,
/// `$DB_PASSWORD`, Kubernetes' `$(DB_PASSWORD)`, an unrendered Helm or
/// Jinja `{{ .Values.password }}`.
fn is_reference(value: &str) -> bool {
    let name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if let Some(inner) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
        return name(inner);
    }
    if let Some(inner) = value.strip_prefix("$(").and_then(|v| v.strip_suffix(')')) {
        return name(inner);
    }
    if let Some(inner) = value.strip_prefix('$') {
        return name(inner);
    }
    value.starts_with("{{") && value.ends_with("}}")
}

/// An absolute path to the file holding the secret (`/run/secrets/db`),
/// told apart from a base64 secret that happens to start with `/` by its
/// segments: file names, not token-like runs.
fn is_path(value: &str) -> bool {
    value.starts_with('/')
        && value[1..].split('/').all(|segment| {
            let has = |f: fn(&char) -> bool| segment.chars().any(|c| f(&c));
            let token_like = segment.len() >= 8
                && has(char::is_ascii_uppercase)
                && has(char::is_ascii_lowercase)
                && (has(char::is_ascii_digit) || segment.len() >= 16);
            segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
                && !token_like
        })
}

/// Values that hold the place of a credential: `changeme`,
/// `your_api_key_here`, `<password>`, `xxxxxxxx`, a credential word
/// itself (`password`, `secret`), a product's well-known default
/// (`admin`, `changeit`).
fn is_placeholder(value: &str) -> bool {
    const WHOLE: [&str; 27] = [
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "token",
        "apikey",
        "key",
        "admin",
        "root",
        "test",
        "example",
        "sample",
        "default",
        "dummy",
        "todo",
        "tbd",
        "fixme",
        "placeholder",
        "foo",
        "bar",
        "foobar",
        "changeit",
        "secretpassword",
        "mypassword",
        "mysecret",
        "letmein",
    ];
    const INSIDE: [&str; 6] = [
        "changeme",
        "changethis",
        "replaceme",
        "replacewith",
        "yourpassword",
        "yoursecret",
    ];
    let lower = value.to_ascii_lowercase();
    let normalized: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut chars = value.chars();
    let repeated = chars
        .next()
        .is_some_and(|first| value.len() >= 2 && chars.all(|c| c == first));
    (value.starts_with('<') && value.ends_with('>'))
        || repeated
        || WHOLE.contains(&normalized.as_str())
        || INSIDE.iter().any(|w| normalized.contains(w))
        || normalized.starts_with("your")
        || (normalized.len() >= 4 && normalized.chars().all(|c| c == 'x'))
        || is_described(value)
}

/// A value that describes the credential it stands for instead of being
/// one: three or more plain words, one of which says what to put there
/// (`long-and-random-alphanumeric-string`, `generate_a_random_secret`,
/// `put your key here`).
fn is_described(value: &str) -> bool {
    const SAYING: [&str; 20] = [
        "random",
        "string",
        "generate",
        "generated",
        "here",
        "insert",
        "enter",
        "put",
        "replace",
        "change",
        "long",
        "secure",
        "insecure",
        "should",
        "update",
        "updated",
        "fake",
        "dummy",
        "example",
        "sample",
    ];
    let words: Vec<&str> = value
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 3
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        && words
            .iter()
            .any(|w| SAYING.contains(&w.to_ascii_lowercase().as_str()))
}

/// The password of a `scheme://user:password@host` URL inside a value.
pub fn url_password(value: &str) -> Option<&str> {
    let after_scheme = &value[value.find("://")? + 3..];
    let authority = after_scheme.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty() && !password.starts_with('$')).then_some(password)
}

/// Words of a line that make it look like it holds a credential, beyond
/// the variable-name words (`Authorization: Basic …`, a private key).
const LINE_WORDS: [&str; 6] = ["AUTHORIZATION", "BEARER", "BASIC", "AUTH", "KEY", "PRIVATE"];

/// Whether a piece of text read from a file may be quoted in an error or a
/// message: not when it has a credential word, a URL with a password, or
/// a long token-like run of characters (a key, a hash, a JWT).
pub fn quotable(text: &str) -> bool {
    if url_password(text).is_some() {
        return false;
    }
    let upper = text.to_ascii_uppercase();
    let credential_word = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| WORDS.contains(&w) || LINE_WORDS.contains(&w));
    let token_like = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-.".contains(c)))
        .any(|run| run.len() >= 20 && run.chars().any(|c| c.is_ascii_digit()));
    !credential_word && !token_like
}

/// Shortest value [`Redactor`] hides: shorter ones would blank out
/// ordinary words of messages, and are no credential worth the name.
const MIN_REDACTED_LEN: usize = 6;

/// Hides the values of the process's credentials in text drydock prints.
///
/// Built from the process environment: the value of every variable whose
/// name looks like a credential, and the password of every URL with one.
/// Interpolation can carry such a value into a message (`image:
/// ${REGISTRY_TOKEN}/app`, or through a `.env` line `X=${GITHUB_TOKEN}`),
/// so it is looked for by value, wherever it ended up.
#[derive(Debug, Default)]
pub struct Redactor {
    /// (value, what replaces it), longest value first.
    secrets: Vec<(String, String)>,
}

impl Redactor {
    pub fn new<I: IntoIterator<Item = (String, String)>>(vars: I) -> Redactor {
        let mut secrets: Vec<(String, String)> = Vec::new();
        for (name, value) in vars {
            let hidden = format!("<redacted ${name}>");
            if let Some(password) = url_password(&value) {
                secrets.push((password.to_string(), hidden.clone()));
            }
            if is_credential_name(&name) {
                secrets.push((value, hidden));
            }
        }
        secrets.retain(|(value, _)| {
            let value = value.trim();
            value.len() >= MIN_REDACTED_LEN
                && crate::yaml::parse_bool(value).is_none()
                && value.parse::<f64>().is_err()
        });
        secrets.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        secrets.dedup_by(|a, b| a.0 == b.0);
        Redactor { secrets }
    }

    /// `text` with every secret value replaced.
    pub fn redact(&self, text: &mut String) {
        for (value, hidden) in &self.secrets {
            if text.contains(value.as_str()) {
                *text = text.replace(value.as_str(), hidden);
            }
        }
    }
}

/// The keys of `KEY=value` pairs in a text whose value is a credential
/// or a placeholder for one, with what it is.
pub fn credential_pairs(text: &str) -> Vec<(String, CredentialValue)> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ';' || c == '&')
        .filter_map(|word| {
            let (key, value) = word.split_once('=')?;
            let key = key.trim_start_matches('$').trim_start_matches("--");
            if value.starts_with('$') {
                // Expanded by the shell when the step ran: not in the text.
                return None;
            }
            let class = classify(key, value);
            (class != CredentialValue::NotACredential).then(|| (key.to_string(), class))
        })
        .collect()
}

/// The text with the values of credential-shaped `KEY=value` pairs
/// replaced by `***`, so reports that quote a history step do not repeat
/// the secret.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for (key, _) in credential_pairs(text) {
        let needle = format!("{key}=");
        let mut from = 0;
        while let Some(at) = out[from..].find(&needle) {
            let start = from + at + needle.len();
            let end = out[start..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ';' || c == '&')
                .map_or(out.len(), |e| start + e);
            out.replace_range(start..end, "***");
            from = start + 3;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_credential_names() {
        for name in [
            "POSTGRES_PASSWORD",
            "DB_PASS",
            "api_key",
            "GITHUB_TOKEN",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "POSTGRES_PASSWORD_FILE",
            "PWD",
            "PASSWORD_POLICY",
            "TOKENIZER_MODEL",
            "USER",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn names_about_a_credential_are_not_credentials() {
        for name in [
            "METALLB_ML_SECRET_NAME",
            "AZUREBLOB_TOKEN_REFRESH_INTERVAL",
            "MAILCOW_PASS_SCHEME",
            "ACCOUNT_PASSWORD_HASH_ALGORITHM",
            "OAUTH_TOKEN_URL",
            "JWT_SECRET_TTL",
            "ACCESS_TOKEN_EXPIRES_IN",
            "SESSION_TOKEN_TIMEOUT",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_AUTH_ENABLED",
            "SMTP_PASSWORD_USER",
            "AWS_ACCESS_KEY_ID",
            "API_TOKEN_HEADER",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
        for name in [
            "VAULT_SECRET_ID",
            "AWS_SECRET_ACCESS_KEY",
            "SECRET_KEY_BASE",
            "NAME_SERVICE_TOKEN",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn values_that_are_no_credential() {
        for value in [
            "",
            " ",
            "60",
            "3600",
            "1.5",
            "-1",
            "true",
            "False",
            "yes",
            "off",
            "30s",
            "24h",
            "1h30m",
            "500ms",
            "BLF-CRYPT",
            "SHA512-CRYPT",
            "{SSHA512}",
            "bcrypt",
            "argon2id",
            "plain",
            "md5",
            "HS256",
            "RS256",
            "invalid",
            "none",
            "NULL",
            "nil",
            "disabled",
            "unset",
            "-",
            "*",
            "/run/secrets/db_password",
            "/certs/tls.key",
            "${DB_PASSWORD}",
            "$(DB_PASSWORD)",
            "{{ .Values.db.password }}",
        ] {
            assert_eq!(
                classify_value(value),
                CredentialValue::NotACredential,
                "{value:?}"
            );
        }
    }

    #[test]
    fn a_value_that_describes_the_secret_is_a_placeholder() {
        for value in [
            "long-and-random-alphanumeric-string",
            "generate_a_random_secret",
            "put your key here",
            "fake_mail_password",
            "this_password_is_insecure_and_should_be_updated",
        ] {
            assert_eq!(
                classify_value(value),
                CredentialValue::Placeholder,
                "{value}"
            );
        }
        for value in [
            "correct-horse-battery-staple",
            "q7Xk2mN9pL4vR8sT1wY6zB3cF5hJ0dG",
        ] {
            assert_eq!(classify_value(value), CredentialValue::Literal, "{value}");
        }
        assert!(is_credential_name("GITLAB_SECRETS_DB_KEY_BASE"));
    }

    #[test]
    fn placeholders_are_told_from_secrets() {
        for value in [
            "changeme",
            "change_me",
            "CHANGE_ME",
            "changethis",
            "please-change-me-123",
            "your-password",
            "your_api_key_here",
            "<password>",
            "replace-me",
            "example",
            "password",
            "secret",
            "xxxxxxxx",
            "********",
            "TODO",
            "admin",
            "changeit",
        ] {
            assert_eq!(
                classify_value(value),
                CredentialValue::Placeholder,
                "{value:?}"
            );
        }
        for value in [
            "hunter2",
            "correct horse battery staple",
            "r00t-pa55",
            "sk_live_0000placeholder0000",
            // Base64 that starts with `/` is not a path.
            "/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "/aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z",
            "$2y$10$abcdefghijklmnopqrstuv",
        ] {
            assert_eq!(classify_value(value), CredentialValue::Literal, "{value:?}");
        }
    }

    #[test]
    fn a_number_is_a_credential_only_where_the_name_is_one() {
        assert_eq!(
            classify("AZUREBLOB_TOKEN_REFRESH_INTERVAL", "60"),
            CredentialValue::NotACredential
        );
        assert_eq!(
            classify("SPASSWORD_PWD_MAX_TRIES", "5"),
            CredentialValue::NotACredential
        );
        assert_eq!(
            classify("MYSQL_ALLOW_EMPTY_PASSWORD", "1"),
            CredentialValue::NotACredential
        );
        assert_eq!(
            classify("REDIS_PASSWORD", "83920471"),
            CredentialValue::Literal
        );
        assert_eq!(
            classify("REDIS_PASSWORD", "123456"),
            CredentialValue::Placeholder
        );
        assert_eq!(
            classify("DB_PASSWORD", "0000"),
            CredentialValue::Placeholder
        );
        assert_eq!(
            classify("LOG_LEVEL", "changeme"),
            CredentialValue::NotACredential
        );
        assert_eq!(
            classify("MAILCOW_PASS_SCHEME", "BLF-CRYPT"),
            CredentialValue::NotACredential
        );
    }

    #[test]
    fn finds_passwords_in_urls() {
        assert_eq!(
            url_password("postgres://app:s3cret@db:5432/app"),
            Some("s3cret")
        );
        assert_eq!(url_password("https://example.com/a@b"), None);
        assert_eq!(url_password("redis://:pw@cache"), Some("pw"));
        assert_eq!(url_password("http://user@host"), None);
    }

    #[test]
    fn quotes_only_text_without_credentials() {
        for text in [
            "root:x:0:0:root:/root:/bin/bash",
            "[core]",
            "not valid here",
        ] {
            assert!(quotable(text), "{text}");
        }
        for text in [
            "extraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz",
            "GITHUB_TOKEN ghp_0123456789abcdefghijABCDEFGHIJ",
            "postgres://app:s3cret@db/app",
            "password hunter2",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        ] {
            assert!(!quotable(text), "{text}");
        }
    }

    #[test]
    fn redacts_credential_values_by_value() {
        let redactor = Redactor::new([
            ("GITHUB_TOKEN".to_string(), "ghp_abcdef123456".to_string()),
            (
                "DATABASE_URL".to_string(),
                "postgres://app:hunter22@db/app".to_string(),
            ),
            ("FEATURE_TOKEN_ENABLED".to_string(), "true".to_string()),
            ("API_KEY".to_string(), "12345678".to_string()),
            ("HOME".to_string(), "/root".to_string()),
        ]);
        let mut text = "image `registry/ghp_abcdef123456:1` from postgres://app:hunter22@db, \
                        privileged: true, port 12345678, home /root"
            .to_string();
        redactor.redact(&mut text);
        assert_eq!(
            text,
            "image `registry/<redacted $GITHUB_TOKEN>:1` from postgres://app:<redacted $DATABASE_URL>@db, \
             privileged: true, port 12345678, home /root"
        );
    }
}
