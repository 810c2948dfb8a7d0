//! `plaintext-secret`: a credential is written literally in a service's
//! environment (or an env file it reads), or held by a file or an inline
//! `content:` the project's top-level `secrets:`/`configs:` commit.

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::compose::Project;
use crate::compose::interpolate::{has_variables, written_defaults};
use crate::compose::model::{KeyValue, key_values};
use crate::finding::{Finding, Location, Place, Severity, Subject};
use crate::hazards::credentials::{CredentialValue, classify, url_password};
use crate::hazards::secrets::{SecretHit, first_per_kind, scan_text};
use crate::yaml::{Node, Routed, Value};

pub static RULE: Rule =
    Rule::service(&catalog::plaintext_secret::META, check).and_project(check_project);

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
    let (severity, what, secret) = match classify(key, value) {
        CredentialValue::NotACredential => return None,
        CredentialValue::Literal => (Severity::High, "in plain text", true),
        CredentialValue::Placeholder => (
            Severity::Low,
            "as a placeholder: a deployment that does not replace it runs with a guessable credential",
            false,
        ),
    };
    // The finding is at the file's line, routed as the entry that uses it.
    let used = env.entry(key, kv.node);
    let here = Node::new(crate::yaml::Value::Null, origin.clone());
    let mut finding = ctx
        .finding(
            RULE.meta,
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
    if secret {
        finding = finding.hiding(origin.rfind(value).unwrap_or(origin.span));
    }
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
    /// The credential as it is written on the line (the value, a
    /// default, a URL's password), which the snippet hides; `None` for
    /// a placeholder, which is no secret.
    secret: Option<String>,
}

/// The credential written in the file for `key`, if there is one.
fn written_credential(key: &str, value: &str, written: &str, from_env: bool) -> Option<Written> {
    // A password inside a URL, written in the file (not `${PW}`).
    if let Some(password) = url_password(written) {
        return Some(Written {
            severity: Severity::High,
            why: format!("has a password inside the URL in `{key}`"),
            secret: Some(password.to_string()),
        });
    }
    let (class, how, literal) = if !has_variables(written) {
        if from_env {
            return None;
        }
        (
            classify(key, value),
            "to a literal value in the file",
            value,
        )
    } else {
        // `${DB_PASSWORD:-changeme}`: the default is in the file whatever
        // the environment holds.
        let (class, default) = written_defaults(written)
            .into_iter()
            .filter(|d| !d.contains('$'))
            .map(|d| (classify(key, d), d))
            .max_by_key(|(class, _)| *class)?;
        (class, "with a default value written in the file", default)
    };
    match class {
        // A literal whose name says nothing may still have a credential's
        // shape (a default is judged by the name alone).
        CredentialValue::NotACredential if !has_variables(written) => shaped_secret(key, value),
        CredentialValue::NotACredential => None,
        CredentialValue::Literal => Some(Written {
            severity: Severity::High,
            why: format!("sets `{key}` {how}"),
            secret: Some(literal.to_string()),
        }),
        CredentialValue::Placeholder => Some(Written {
            severity: Severity::Low,
            why: format!(
                "sets `{key}` {how} that is a placeholder: a deployment that does not replace it runs with a guessable credential"
            ),
            secret: None,
        }),
    }
}

/// A credential the secret detectors recognise in a value whose name
/// says nothing (`GH: ghp_…`, `HOOK: https://hooks.slack.com/…`, a
/// private key), as `secret-in-image-file` finds it in image files.
fn shaped_secret(key: &str, value: &str) -> Option<Written> {
    let hits = scan_text("", value.as_bytes());
    let hit = hits.iter().max_by_key(|h| h.tier)?;
    Some(Written {
        severity: hit.tier.severity(),
        why: format!(
            "sets `{key}` to a credential written in the file: {} (`{}`)",
            hit.kind.describe(),
            hit.preview
        ),
        secret: Some(value.to_string()),
    })
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
        let mut finding = ctx
            .finding(
                RULE.meta,
                found.severity,
                &env.entry(&kv.key, kv.node),
                format!("service `{}` {}", ctx.name.text, found.why),
            )
            .fix(
                "use a Compose secret (`*_FILE` + `secrets:`) or interpolate from the environment",
            );
        if let Some(secret) = &found.secret {
            // Not there as written (escaped, folded): all of the value.
            let pos = &kv.node.pos;
            finding = finding.hiding(pos.rfind(secret).unwrap_or(pos.span));
        }
        out.push(finding);
    }
}

/// The top-level `secrets`/`configs` of the project: the files the loader
/// read for the secret detectors (those git ignores were not), and the
/// inline `content:` of configs, as written in the file (a value
/// interpolated from the process environment is nobody's plain text).
fn check_project(project: &Project, out: &mut Vec<Finding>) {
    let subject = || Subject::ComposeProject {
        project: project.name.clone(),
    };
    for file in &project.secret_files {
        for hit in first_per_kind(&file.hits) {
            let message = format!(
                "{} `{}` reads `{}`, which holds {} (line {}), committed with the project",
                file.kind,
                file.name,
                file.shown,
                hit.described(),
                hit.line
            );
            out.push(
                secret_finding(subject(), &file.node, file.route.clone(), message, &hit).fix(
                    "keep the file out of the repository (`.gitignore`), provide it at deploy time, and rotate the credential: the history still holds it",
                ),
            );
        }
    }
    let Some(configs) = project.model.get("configs").and_then(Node::as_map) else {
        return;
    };
    for (name, config) in configs {
        let Some((key, content)) = config.entry("content") else {
            continue;
        };
        let Value::Scalar(text) = &content.value else {
            continue;
        };
        let written = text.raw.as_deref().unwrap_or(&text.text);
        // At the key: a block of text runs over many lines.
        let here = Node::new(Value::Null, key.pos.clone());
        for hit in first_per_kind(&scan_text("", written.as_bytes())) {
            let message = format!(
                "config `{}` holds {} in its `content` (line {} of it), written into the Compose file",
                name.text,
                hit.described(),
                hit.line
            );
            let route = format!("configs.{}.content", name.text);
            out.push(
                secret_finding(subject(), &here, route, message, &hit)
                    .fix(
                        "move the credential out of the Compose file: a `secrets:` entry whose file is kept out of the repository, and rotate it",
                    )
                    .hiding(content.pos.span),
            );
        }
    }
}

fn secret_finding(
    subject: Subject,
    node: &Node,
    route: String,
    message: String,
    hit: &SecretHit,
) -> Finding {
    Finding::new(
        RULE.meta.id,
        hit.tier.severity(),
        subject,
        node,
        route,
        message,
    )
    .identified_by(hit.digest_hex())
}
