//! GitLab's Code Quality report (`artifacts:reports:codequality`): a JSON
//! array of issues, each with a description, the rule as `check_name`, a
//! fingerprint unique in the report, a severity on GitLab's scale and a
//! file and line, which the merge request widget shows beside the diff.
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

pub fn render(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashSet::new();
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .map(|finding| {
            let (path, begin) = place(finding);
            // GitLab shows one issue per fingerprint: two findings that only
            // differ by line (the fingerprint leaves lines out) get their
            // own.
            let mut fingerprint = finding.fingerprint();
            let mut n = 1;
            while !seen.insert(fingerprint.clone()) {
                n += 1;
                fingerprint = format!("{}-{n}", finding.fingerprint());
            }
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
