//! `plaintext-secret`: a credential is written literally in a service's
//! environment.

use super::ctx::{Rule, ServiceCtx};
use crate::compose::interpolate::{has_variables, written_defaults};
use crate::compose::model::{KeyValue, key_values};
use crate::finding::{Finding, Location, Place, Severity};
use crate::hazards::credentials::{CredentialValue, classify, url_password};
use crate::rule::{RuleMeta, Scope};
use crate::yaml::{Node, Routed};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("plaintext-secret", Severity::High, DOCS)
    .title("Credential written in plain text")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
`environment:` entries (mapping or `KEY=VALUE` list) whose name looks like
a credential (`PASSWORD`, `PASSWD`, `PWD`, `SECRET`, `TOKEN`, `API_KEY`,
`ACCESS_KEY`, `PRIVATE_KEY`, `CREDENTIALS` as a word of the name) and whose
value is a literal written in the file, and any value holding a URL with a
password (`postgres://app:s3cret@db/app`). A default written in the file
(`${DB_PASSWORD:-s3cret}`) counts as a literal, whatever the environment
holds. Kubernetes `env` values get the same checks.

A value that only holds a credential's place (`changeme`, `CHANGE_ME`,
`your_api_key_here`, `<password>`, `xxxxxxxx`, `password`, `admin`,
`123456`) is reported as low: it is no secret, but a deployment that
forgets to replace it runs with a guessable credential.

Not reported:
- names that denote something about a credential rather than the
  credential: a last word `NAME` (a Kubernetes Secret's name), `FILE`,
  `PATH`, `DIR`, `REF`, `HEADER`, `FIELD`, `URL`, `URI`, `ENDPOINT`,
  `HOST`, `PORT`, `ISSUER`, `AUDIENCE`, `USER`, `USERNAME`, `SCHEME`,
  `TYPE`, `MODE`, `ALGORITHM`, `ALGO`, `LENGTH`, `POLICY`, `INTERVAL`,
  `TTL`, `TIMEOUT`, `EXPIRY`, `EXPIRES`, `EXPIRATION`, `LIFETIME`,
  `ENABLED`, `DISABLED`, `REQUIRED`, and `KEY_ID` (`AWS_ACCESS_KEY_ID`
  identifies a key);
- values that are no credential: empty, yes/no flags
  (`MYSQL_RANDOM_ROOT_PASSWORD: "yes"`), numbers and durations (`60`,
  `24h`; a number of four digits or more is still a password where the
  name ends in a credential word, `REDIS_PASSWORD: 90417263`), sentinels
  (`none`, `invalid`, `disabled`, `unset`, `-`), hash-scheme and
  algorithm names (`BLF-CRYPT`, `SHA512-CRYPT`, `argon2id`, `HS256`), a
  path to the file holding the secret (`/run/secrets/db`), a reference
  (`$(VAR)`, `{{ .Values.x }}`);
- values taken from the process environment (`${DB_PASSWORD}`, a bare
  `- DB_PASSWORD`).

A value a service takes whole from a variable (`${DB_PASSWORD}`, a bare
`- DB_PASSWORD`) that the project's `.env` or `--env-file` writes out is
in the repository like the Compose file: it gets the same checks and is
reported at its line in that file, as is a variable of an `env_file:`.
The process environment overrides `.env`, as in Compose: a value the
deploying environment sets is not reported.

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
      POSTGRES_PASSWORD: Tr0ub4dor-db   # NOT OK
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

/// A credential the service takes whole from a variable that the
/// project's `.env` (or `--env-file`) writes out: `- DB_PASSWORD`,
/// `DB_PASSWORD: ${DB_PASSWORD}`. The file is in the repository like the
/// Compose file, so the finding is at its line, as for `env_file: .env`;
/// a value the process environment provides is nobody's plain text.
fn credential_from_env_file(
    ctx: &ServiceCtx,
    env: &Routed,
    kv: &KeyValue,
    value: &str,
) -> Option<Finding> {
    let key = kv.key.as_str();
    let variable = match kv.written.as_deref() {
        // A bare `- KEY` (or `KEY:`) takes the variable of its name.
        None => key,
        Some(text) if kv.interpolated && !has_variables(text) => key,
        Some(text) => whole_reference(text)?,
    };
    let origin = ctx.project.env_origins.get(variable)?;
    let (severity, what) = match classify(key, value) {
        CredentialValue::NotACredential => return None,
        CredentialValue::Literal => (Severity::High, "in plain text"),
        CredentialValue::Placeholder => (
            Severity::Low,
            "as a placeholder: a deployment that does not replace it runs with a guessable credential",
        ),
    };
    // The finding is at the file's line, routed as the entry that uses it.
    let used = env.entry(key, kv.node);
    let here = Node::new(crate::yaml::Value::Null, origin.clone());
    let finding = ctx
        .finding(
            &RULE.meta,
            severity,
            &Routed::new(&here, used.route.clone()),
            format!(
                "service `{}` takes `{key}` from `{variable}`, which `{}` sets {what}",
                ctx.name.text, origin.file.display
            ),
        )
        .fix("keep the value out of the repository: set it in the deploying environment, or use a Compose secret")
        .related(Place::Config(
            Location::of(used.node, used.route).with_note("the service takes it here"),
        ));
    Some(finding)
}

/// The variable a value consists of, whole: `${NAME}` or `$NAME`.
fn whole_reference(text: &str) -> Option<&str> {
    let text = text.trim();
    let name = text
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| text.strip_prefix('$'))?;
    (!name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()))
        .then_some(name)
}

/// How bad a credential written in the file is, and why.
struct Written {
    severity: Severity,
    why: String,
}

/// The credential written in the file for `key`, if there is one.
fn written_credential(key: &str, value: &str, written: &str, from_env: bool) -> Option<Written> {
    // A password inside a URL, written in the file (not `${PW}`).
    if url_password(written).is_some() {
        return Some(Written {
            severity: Severity::High,
            why: format!("has a password inside the URL in `{key}`"),
        });
    }
    let (class, how) = if !has_variables(written) {
        if from_env {
            return None;
        }
        (classify(key, value), "to a literal value in the file")
    } else {
        // `${DB_PASSWORD:-changeme}`: the default is in the file whatever
        // the environment holds.
        let class = written_defaults(written)
            .into_iter()
            .filter(|d| !d.contains('$'))
            .map(|d| classify(key, d))
            .max()?;
        (class, "with a default value written in the file")
    };
    match class {
        CredentialValue::NotACredential => None,
        CredentialValue::Literal => Some(Written {
            severity: Severity::High,
            why: format!("sets `{key}` {how}"),
        }),
        CredentialValue::Placeholder => Some(Written {
            severity: Severity::Low,
            why: format!(
                "sets `{key}` {how} that is a placeholder: a deployment that does not replace it runs with a guessable credential"
            ),
        }),
    }
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let Some(env) = ctx.at("environment") else {
        return;
    };
    for kv in key_values(env.node) {
        let Some(value) = kv.value.as_deref() else {
            continue;
        };
        let written = kv.written.as_deref().unwrap_or(value);
        if let Some(found) = credential_from_env_file(ctx, &env, &kv, value) {
            out.push(found);
            continue;
        }
        let Some(found) = written_credential(&kv.key, value, written, kv.interpolated) else {
            continue;
        };
        out.push(
            ctx.finding(
                &RULE.meta,
                found.severity,
                &env.entry(&kv.key, kv.node),
                format!("service `{}` {}", ctx.name.text, found.why),
            )
            .fix(
                "use a Compose secret (`*_FILE` + `secrets:`) or interpolate from the environment",
            ),
        );
    }
}
