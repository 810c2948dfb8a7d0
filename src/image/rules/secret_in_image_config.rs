//! `secret-in-image-config`: credentials in the image's environment or
//! build history.

use super::ctx::{Rule, finding};
use crate::finding::{Finding, Severity};
use crate::hazards::credentials::{CredentialValue, classify, credential_pairs, url_password};
use crate::image::Image;
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("secret-in-image-config", Severity::High, DOCS)
    .title("Credential in the image config or history")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
`Config.Env` entries whose name looks like a credential (the names
`plaintext-secret` uses) with a value that is one, URLs with a password in
any `Env` value, and the same `KEY=value` pairs in history steps, where
build arguments leak (`|2 DB_PASSWORD=… /bin/sh -c …`) and `ENV` lines
stay forever. The guards are `plaintext-secret`'s: a name about a
credential (`*_SECRET_NAME`, `*_TOKEN_TTL`) or a value that is none (a
flag, a number, a sentinel, a hash-scheme name, a path) is not reported,
and a placeholder (`changeme`) is low.

## Why it matters
Everything in the config and the history ships with the image: anyone who
can pull it reads them with `docker inspect` or `docker history`, and
deleting the variable in a later layer does not remove the history line.

## Example
```dockerfile
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci   # NOT OK
```

## Use instead
Use BuildKit secrets (`RUN --mount=type=secret,id=npm_token …`) at build
time and runtime secrets (files, a secret manager) when the container runs.

## References
- Dockle CIS-DI-0010
- Docker docs: build secrets
"#;

/// The severity of a credential of this class, if it is one.
fn severity(class: CredentialValue) -> Option<Severity> {
    match class {
        CredentialValue::NotACredential => None,
        CredentialValue::Placeholder => Some(Severity::Low),
        CredentialValue::Literal => Some(Severity::High),
    }
}

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let env = image
        .config
        .config
        .as_ref()
        .and_then(|c| c.env.clone())
        .unwrap_or_default();
    for entry in env {
        let Some((key, value)) = entry.split_once('=') else {
            continue;
        };
        let (severity, why) = if url_password(value).is_some() {
            (
                Severity::High,
                format!("the environment variable `{key}` holds a URL with a password"),
            )
        } else {
            let class = classify(key, value);
            let Some(severity) = severity(class) else {
                continue;
            };
            let what = if class == CredentialValue::Placeholder {
                "a placeholder credential (a container that does not override it runs with a guessable one)"
            } else {
                "a credential"
            };
            (
                severity,
                format!("the environment variable `{key}` holds {what}"),
            )
        };
        out.push(
            finding(
                image,
                &META,
                severity,
                None,
                None,
                format!("{why} in the image config"),
            )
            .fix("pass secrets at run time, not in ENV"),
        );
    }
    let mut layer = 0usize;
    for step in &image.config.history {
        let text = step.created_by.as_deref().unwrap_or("");
        let pairs = credential_pairs(text);
        let at = (!step.empty_layer).then_some(layer);
        let worst = pairs.iter().map(|(_, class)| *class).max();
        if let Some(severity) = worst.and_then(severity) {
            let keys: Vec<&String> = pairs.iter().map(|(key, _)| key).collect();
            out.push(
                finding(
                    image,
                    &META,
                    severity,
                    at.filter(|l| *l < image.layers.len()),
                    None,
                    format!(
                        "the build history records a value for {}",
                        keys.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .fix("use BuildKit secret mounts instead of build arguments or ENV"),
            );
        }
        if !step.empty_layer {
            layer += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::hazards::credentials::CredentialValue;
    use crate::hazards::credentials::{credential_pairs, redact};

    #[test]
    fn redacts_secret_values_from_history_steps() {
        assert_eq!(
            redact("|2 DB_PASSWORD=hunter2 VERSION=1 /bin/sh -c make"),
            "|2 DB_PASSWORD=*** VERSION=1 /bin/sh -c make"
        );
    }

    #[test]
    fn finds_build_arguments_leaked_into_history() {
        assert_eq!(
            credential_pairs("|2 DB_PASSWORD=hunter2 VERSION=1 /bin/sh -c make"),
            vec![("DB_PASSWORD".to_string(), CredentialValue::Literal)]
        );
        assert!(credential_pairs("/bin/sh -c echo $DB_PASSWORD").is_empty());
        assert!(credential_pairs("ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes").is_empty());
    }

    #[test]
    fn tells_placeholders_and_settings_from_credentials_in_history() {
        assert_eq!(
            credential_pairs("|1 ADMIN_PASSWORD=changeme /bin/sh -c make"),
            vec![("ADMIN_PASSWORD".to_string(), CredentialValue::Placeholder)]
        );
        for step in [
            "ENV DOVECOT_PASS_SCHEME=SHA512-CRYPT",
            "ENV TOKEN_REFRESH_INTERVAL=60",
            "ENV JWT_SECRET_NAME=app-jwt",
            "ENV API_KEY=invalid",
        ] {
            assert!(credential_pairs(step).is_empty(), "{step}");
        }
    }
}
