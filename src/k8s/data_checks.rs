//! Credentials written into the repository inside a `Secret` (`data`,
//! base64, and `stringData`) or a `ConfigMap` (`data`), reported as
//! `plaintext-secret` at the value's line. A value is a credential when
//! the secret detectors recognise it (a private key, a token of a
//! documented shape, a credential file held under its file name) or when
//! its key names one (`password`, `api-token`) and the value is written
//! out, with `plaintext-secret`'s guards (placeholders are low, references
//! and flags are nothing). A `SealedSecret` or an `ExternalSecret` is
//! another kind and holds no plain text.

use base64::Engine as _;

use crate::catalog::plaintext_secret;
use crate::finding::{Finding, Severity, Subject};
use crate::hazards::credentials::{CredentialValue, classify};
use crate::hazards::secrets::scan_text;
use crate::k8s::workload::DataObject;
use crate::yaml::Node;

/// Checks one Secret or ConfigMap.
pub fn check(object: &DataObject, subject: &Subject, out: &mut Vec<Finding>) {
    let secret_type = object
        .object
        .get("type")
        .and_then(Node::as_str)
        .unwrap_or("");
    let sections: &[(&str, bool)] = if object.kind == "Secret" {
        &[("data", true), ("stringData", false)]
    } else {
        &[("data", false)]
    };
    for &(section, base64) in sections {
        let Some(entries) = object.object.get(section).and_then(Node::as_map) else {
            continue;
        };
        for (key, value_node) in entries {
            let Some(written) = value_node.as_str() else {
                continue;
            };
            let value = if base64 {
                // kubectl refuses what does not decode; nothing to read.
                let compact: String = written.split_whitespace().collect();
                match base64::engine::general_purpose::STANDARD.decode(compact) {
                    Ok(bytes) => bytes,
                    Err(_) => continue,
                }
            } else {
                written.as_bytes().to_vec()
            };
            let route = format!("{section}.{}", key.text);
            let shown = if base64 {
                format!("`{route}` (base64)")
            } else {
                format!("`{route}`")
            };
            if let Some((severity, what, secret)) = credential(&key.text, &value, secret_type) {
                let message = format!(
                    "{} holds {what} in {shown}, written into the manifest",
                    object.label()
                );
                let fix = if object.kind == "Secret" {
                    "keep Secret values out of the repository: create the Secret at deploy time, or commit a SealedSecret or an ExternalSecret"
                } else {
                    "move credentials out of the ConfigMap into a Secret created at deploy time"
                };
                let mut finding = Finding::new(
                    plaintext_secret::META.id,
                    severity,
                    subject.clone(),
                    value_node,
                    route,
                    message,
                )
                .fix(fix);
                if secret {
                    // Base64 is no disguise: the report shows neither form.
                    finding = finding.hiding(value_node.pos.span);
                }
                out.push(finding);
            }
        }
    }
}

/// What a value under `key` holds that is a credential: what the secret
/// detectors find first, then what the key's name says; and whether the
/// value is a secret to hide (a placeholder is none).
fn credential(key: &str, value: &[u8], secret_type: &str) -> Option<(Severity, String, bool)> {
    // The key is the file name the value is mounted as: `id_rsa`,
    // `.env`, `config.json`; a dockerconfigjson Secret's is Docker's.
    let as_file = match key {
        ".dockerconfigjson" | ".dockercfg" => ".docker/config.json",
        _ if secret_type == "kubernetes.io/dockerconfigjson" => ".docker/config.json",
        _ => key,
    };
    let hits = scan_text(as_file, value);
    if let Some(hit) = hits.iter().max_by_key(|h| h.tier) {
        return Some((hit.tier.severity(), hit.described(), true));
    }
    let text = std::str::from_utf8(value).ok()?;
    match classify(key, text) {
        CredentialValue::NotACredential => None,
        CredentialValue::Literal => Some((Severity::High, "a credential".to_string(), true)),
        CredentialValue::Placeholder => Some((
            Severity::Low,
            "a placeholder credential (a deployment that does not replace it runs with a guessable one)"
                .to_string(),
            false,
        )),
    }
}
