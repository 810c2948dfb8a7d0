//! `plaintext-secret`: a credential is written literally in a service's
//! environment.

use super::{Rule, ServiceCtx};
use crate::compose::interpolate::{has_variables, written_defaults};
use crate::compose::model::key_values;
use crate::finding::{Finding, Severity};
use crate::rules::{RuleMeta, Scope};
use crate::yaml::parse_bool;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "plaintext-secret",
        title: "Credential written in plain text",
        severity: Severity::High,
        scopes: &[Scope::Compose],
        docs: DOCS,
    },
    check_service: Some(check),
    check_project: None,
};

const DOCS: &str = r#"## What it checks
`environment:` entries (mapping or `KEY=VALUE` list) whose name looks like
a credential (`PASSWORD`, `PASSWD`, `PWD`, `SECRET`, `TOKEN`, `API_KEY`,
`ACCESS_KEY`, `PRIVATE_KEY`, `CREDENTIALS` as a word of the name) and whose
value is a literal written in the file, and any value holding a URL with a
password (`postgres://app:s3cret@db/app`). A default written in the file
(`${DB_PASSWORD:-changeme}`) counts as a literal, whatever the environment
holds. Not reported: names ending in `_FILE`, `_PATH` or `_DIR` (they point
at a secret), values taken from the environment (`${DB_PASSWORD}`), empty
values, and yes/no flags such as `MYSQL_RANDOM_ROOT_PASSWORD: "yes"`.

## Why it matters
A password in a Compose file is in every clone of the repository, in its
history forever, in `docker inspect` output and in the container's
`/proc/1/environ`. Anyone who can read one of those can log in.

## Example
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: example   # NOT OK
```

## Use instead
```yaml
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./db_password.txt   # not committed
```

## References
- OWASP Docker Security Cheat Sheet, rule #12
- CWE-798: Use of Hard-coded Credentials
"#;

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

/// Why a value is a credential written in the file, if it is one.
fn literal_credential(key: &str, value: &str, written: &str, from_env: bool) -> Option<String> {
    // A password inside a URL, written in the file (not `${PW}`).
    if url_password(written).is_some() {
        return Some(format!("has a password inside the URL in `{key}`"));
    }
    if !is_credential_name(key) {
        return None;
    }
    let is_secret_text = |t: &str| {
        !t.trim().is_empty() && parse_bool(t.trim()).is_none() && !t.starts_with("/run/secrets/")
    };
    if !has_variables(written) {
        return (is_secret_text(value) && !from_env)
            .then(|| format!("sets `{key}` to a literal value in the file"));
    }
    // `${DB_PASSWORD:-changeme}`: the default is in the file whatever the
    // environment holds.
    written_defaults(written)
        .into_iter()
        .any(|d| !d.contains('$') && is_secret_text(d))
        .then(|| format!("sets `{key}` with a default value written in the file"))
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(env) = ctx.node.get("environment") else {
        return;
    };
    for kv in key_values(env) {
        let Some(value) = kv.value.as_deref() else {
            continue;
        };
        let written = kv.written.as_deref().unwrap_or(value);
        let Some(why) = literal_credential(&kv.key, value, written, kv.interpolated) else {
            continue;
        };
        out.push(
            ctx.finding(
                &RULE.meta,
                Severity::High,
                kv.node,
                ctx.route(&format!("environment.{}", kv.key)),
                format!("service `{}` {why}", ctx.name.text),
            )
            .fix(
                "use a Compose secret (`*_FILE` + `secrets:`) or interpolate from the environment",
            ),
        );
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
}
