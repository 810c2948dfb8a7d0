//! SARIF 2.1.0 for code-scanning platforms: rules with their help text,
//! results with 1-based regions and URIs relative to the scan root
//! (`%SRCROOT%`), `level` from the severity and the severity itself as
//! `properties.security-severity`, the scale code-scanning platforms read.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::RunReport;
use crate::finding::{Finding, Location, Severity};
use crate::rules;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub reads > 9.0 as critical, 7.0–8.9 high, 4.0–6.9 medium, below low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A fingerprint that does not depend on line numbers: rule, subject, key
/// route and message.
pub fn fingerprint(f: &Finding) -> String {
    let mut hash = Sha256::new();
    for part in [
        f.rule,
        &f.location.path,
        &format!("{:?}", f.subject),
        &f.location.route,
        &f.message,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn physical(l: &Location) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": l.path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": l.line, "startColumn": l.column},
        }
    })
}

pub fn render(report: &RunReport) -> String {
    let all = rules::all();
    let rule_index = |id: &str| all.iter().position(|r| r.id == id);
    let rule_objects: Vec<Value> = all
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.title},
                "help": {"text": r.docs, "markdown": r.docs},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {
                    "security-severity": security_severity(r.severity),
                    "tags": ["security", r.scopes.first().map_or("", |s| s.as_str())],
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut message = f.message.clone();
            if let Some(fix) = &f.fix {
                message.push_str(&format!(" (fix: {fix})"));
            }
            let mut location = physical(&f.location);
            location["logicalLocations"] = json!([{
                "fullyQualifiedName": f.location.route,
                "kind": "member",
            }]);
            json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index(f.rule),
                "level": level(f.severity),
                "message": {"text": message},
                "locations": [location],
                "relatedLocations": f.related.iter().enumerate().map(|(i, l)| {
                    let mut v = physical(l);
                    v["id"] = json!(i + 1);
                    v["message"] = json!({"text": l.note.clone().unwrap_or_default()});
                    v
                }).collect::<Vec<_>>(),
                "partialFingerprints": {"drydock/v1": fingerprint(f)},
                "properties": {
                    "severity": f.severity,
                    "security-severity": security_severity(f.severity),
                },
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({"level": "error", "message": {"text": e.to_string()}});
            if let Some(line) = e.line {
                n["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": e.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": line},
                    }
                }]);
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "drydock",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_objects,
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the scan root"}}},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
