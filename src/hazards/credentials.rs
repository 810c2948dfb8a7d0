//! Credential heuristics every format shares: which variable names hold a
//! credential, which values carry one (a URL with a password), and which
//! text may be quoted in an error or a finding without printing one.

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

const PAIRS: [(&str, &str); 4] = [
    ("API", "KEY"),
    ("ACCESS", "KEY"),
    ("PRIVATE", "KEY"),
    ("SECRET", "KEY"),
];

/// Whether an environment variable name looks like it holds a credential.
pub fn is_credential_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if matches!(
        words.last(),
        Some(&("FILE" | "PATH" | "DIR" | "LENGTH" | "POLICY"))
    ) {
        return false;
    }
    if upper == "PWD" {
        // The shell's working directory.
        return false;
    }
    words.iter().any(|w| WORDS.contains(w))
        || words
            .windows(2)
            .any(|pair| PAIRS.contains(&(pair[0], pair[1])))
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
