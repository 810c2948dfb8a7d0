//! GitLab's two report formats for findings:
//!
//! - the Code Quality report (`artifacts:reports:codequality`): a JSON
//!   array of issues, each with a description, the rule as `check_name`, a
//!   fingerprint unique in the report, a severity on GitLab's scale and a
//!   file and line, which the merge request widget shows beside the diff;
//! - the security report of the SAST schema, version 15.0.0
//!   (`artifacts:reports:sast`): the scan (analyzer, scanner, times,
//!   status, messages) and a vulnerability per finding with its rule as
//!   the primary identifier, its file and line, and for an image finding
//!   the image, layer and path in the location and the details.
//!
//! An image finding goes where a reviewer can act on it: the `image:` line
//! of the first service that runs the image, else the image file read,
//! else the image's name.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Place, Severity};
use crate::policy::Verdict;

/// GitLab's scale: `info`, `minor`, `major`, `critical`, `blocker`.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// The file and line an issue is shown at.
fn place(finding: &Finding) -> (&str, u32) {
    match &finding.location {
        Place::Config(l) => (&l.path, l.line.max(1)),
        Place::Image(l) => {
            let run_at = finding.related.iter().find_map(|p| match p {
                Place::Config(c) => Some((c.path.as_str(), c.line.max(1))),
                Place::Image(_) => None,
            });
            run_at.unwrap_or((l.artifact.as_deref().unwrap_or(&l.image), 1))
        }
    }
}

/// Each finding's fingerprint, made unique in the report: GitLab keeps
/// one issue per fingerprint, and two findings that differ only by line
/// (the fingerprint leaves lines out) are two issues.
fn unique_fingerprints(report: &Verdict) -> Vec<String> {
    let mut seen = HashSet::new();
    report
        .findings
        .iter()
        .map(|finding| {
            let base = finding.fingerprint();
            let mut fingerprint = base.clone();
            let mut n = 1;
            while !seen.insert(fingerprint.clone()) {
                n += 1;
                fingerprint = format!("{base}-{n}");
            }
            fingerprint
        })
        .collect()
}

pub fn code_quality(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let fingerprints = unique_fingerprints(report);
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .zip(fingerprints)
        .map(|(finding, fingerprint)| {
            let (path, begin) = place(finding);
            let mut description = finding.message.clone();
            if let Some(fix) = &finding.fix {
                description.push_str(&format!(" (fix: {fix})"));
            }
            Issue {
                description,
                check_name: &finding.rule,
                fingerprint,
                severity: severity(finding.severity),
                location: IssueLocation {
                    path,
                    lines: Lines { begin },
                },
            }
        })
        .collect();
    serde_json::to_writer(&mut *out, &issues)?;
    out.write_all(b"\n")
}

/// The SAST schema's version this report conforms to.
const SAST_SCHEMA: &str = "15.0.0";

/// `yyyy-mm-ddThh:mm:ss`, UTC, as the schema's times are written.
fn timestamp(seconds: u64) -> String {
    let date = crate::policy::exceptions::Date::of_unix(seconds);
    let in_day = seconds % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// The schema's severities.
fn sast_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

#[derive(Serialize)]
struct Tool {
    id: &'static str,
    name: &'static str,
    version: &'static str,
    vendor: Vendor,
}

#[derive(Serialize)]
struct Vendor {
    name: &'static str,
}

#[derive(Serialize)]
struct Message {
    level: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Scan {
    analyzer: Tool,
    scanner: Tool,
    #[serde(rename = "type")]
    kind: &'static str,
    start_time: String,
    end_time: String,
    status: &'static str,
    messages: Vec<Message>,
}

#[derive(Serialize)]
struct Identifier<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    value: &'a str,
}

#[derive(Serialize)]
struct VulnerabilityLocation<'a> {
    file: &'a str,
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
}

/// A `text` entry of the schema's `named-list` details.
#[derive(Serialize)]
struct Detail {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Vulnerability<'a> {
    id: String,
    name: String,
    description: &'a str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    solution: Option<&'a str>,
    identifiers: [Identifier<'a>; 1],
    location: VulnerabilityLocation<'a>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    details: std::collections::BTreeMap<&'static str, Detail>,
}

#[derive(Serialize)]
struct SastReport<'a> {
    version: &'static str,
    scan: Scan,
    vulnerabilities: Vec<Vulnerability<'a>>,
}

pub fn sast(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let tool = || Tool {
        id: "drydock",
        name: "drydock",
        version: env!("CARGO_PKG_VERSION"),
        vendor: Vendor { name: "drydock" },
    };
    let messages = report
        .coverage
        .errors
        .iter()
        .map(|e| Message {
            level: "warn",
            value: e.to_string(),
        })
        .chain(report.coverage.not_audited.iter().map(|e| Message {
            level: "info",
            value: format!("not audited: {e}"),
        }))
        .collect();
    let scan = Scan {
        analyzer: tool(),
        scanner: tool(),
        kind: "sast",
        start_time: timestamp(report.coverage.started),
        end_time: timestamp(report.coverage.finished.max(report.coverage.started)),
        status: if report.coverage.errors.is_empty() {
            "success"
        } else {
            "failure"
        },
        messages,
    };
    let vulnerabilities = report
        .findings
        .iter()
        .zip(unique_fingerprints(report))
        .map(|(finding, fingerprint)| {
            let (file, start_line) = place(finding);
            let title = report
                .rules
                .find(&finding.rule)
                .map_or_else(|| finding.rule.to_string(), |r| r.title.to_string());
            let mut details = std::collections::BTreeMap::new();
            let mut image = None;
            if let Place::Image(l) = &finding.location {
                image = Some(l.image.as_str());
                if let Some(layer) = &l.layer {
                    details.insert(
                        "layer",
                        Detail {
                            name: "Layer",
                            kind: "text",
                            value: format!(
                                "{} ({}): {}",
                                layer.index, layer.diff_id, layer.created_by
                            ),
                        },
                    );
                }
                if let Some(path) = &l.path {
                    details.insert(
                        "path",
                        Detail {
                            name: "Path in the image",
                            kind: "text",
                            value: path.clone(),
                        },
                    );
                }
            }
            Vulnerability {
                id: fingerprint,
                name: title.chars().take(255).collect(),
                description: &finding.message,
                severity: sast_severity(finding.severity),
                solution: finding.fix.as_deref(),
                identifiers: [Identifier {
                    kind: "drydock_rule",
                    name: format!("drydock {}", finding.rule),
                    value: &finding.rule,
                }],
                location: VulnerabilityLocation {
                    file,
                    start_line,
                    image,
                },
                details,
            }
        })
        .collect();
    let document = SastReport {
        version: SAST_SCHEMA,
        scan,
        vulnerabilities,
    };
    serde_json::to_writer(&mut *out, &document)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn times_are_written_as_the_schema_has_them() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00");
        assert_eq!(timestamp(1_796_659_445), "2026-12-07T16:04:05");
    }
}
