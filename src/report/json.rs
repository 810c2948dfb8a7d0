//! The JSON report. Its shape is a wire format with its own version
//! (`version`), documented in the README; it is built here from the
//! internal types rather than by serialising them, so refactoring the
//! internals cannot change it by accident.

use serde_json::{Value, json};

use super::RunReport;
use crate::finding::{Finding, Location, Severity};

/// Version of the JSON report format.
pub const FORMAT_VERSION: u32 = 1;

fn location(l: &Location) -> Value {
    let mut v = json!({
        "path": l.path,
        "line": l.line,
        "column": l.column,
        "route": l.route,
    });
    if let Some(note) = &l.note {
        v["note"] = json!(note);
    }
    v
}

fn finding(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "subject": f.subject,
        "location": location(&f.location),
        "related": f.related.iter().map(location).collect::<Vec<_>>(),
        "fix": f.fix,
        "fingerprint": super::sarif::fingerprint(f),
    })
}

pub fn render(report: &RunReport) -> String {
    let by_severity: serde_json::Map<String, Value> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), json!(report.count(*s))))
        .collect();
    let doc = json!({
        "version": FORMAT_VERSION,
        "tool": {"name": "drydock", "version": env!("CARGO_PKG_VERSION")},
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "errors": report.errors.iter().map(|e| json!({
            "path": e.path,
            "line": e.line,
            "column": e.column,
            "message": e.message,
        })).collect::<Vec<_>>(),
        "warnings": report.warnings,
        "summary": {
            "projects": report.projects,
            "files": report.files,
            "findings": report.findings.len(),
            "by_severity": by_severity,
            "fail_on": report.fail_on,
            "failing": report.failing(),
            "exit_code": report.exit_code(),
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
