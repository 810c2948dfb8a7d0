//! `plaintext-secret`: a credential is written literally in a service's
//! environment.

use super::{Rule, ServiceCtx};
use crate::compose::interpolate::{has_variables, written_defaults};
use crate::compose::model::key_values;
use crate::finding::{Finding, Severity};
use crate::hazards::credentials::{is_credential_name, url_password};
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
