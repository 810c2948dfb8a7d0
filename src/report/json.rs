//! The JSON report. Its shape is a wire format with its own version
//! (`version`), documented in the README; the structs below borrow from the
//! internal types, so refactoring the internals cannot change the output by
//! accident, and the document streams to the writer without a copy.

use std::io::{self, Write};

use serde::Serialize;

use crate::error::InputError;
use crate::finding::{Finding, ImageLocation, Place, Severity, Subject};
use crate::policy::Verdict;

/// Version of the JSON report format.
pub(super) const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum WireLocation<'a> {
    Config {
        path: &'a str,
        line: u32,
        column: u32,
        route: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<&'a str>,
    },
    Image(&'a ImageLocation),
}

impl<'a> From<&'a Place> for WireLocation<'a> {
    fn from(place: &'a Place) -> Self {
        match place {
            Place::Config(l) => WireLocation::Config {
                path: &l.path,
                line: l.line,
                column: l.column,
                route: &l.route,
                note: l.note.as_deref(),
            },
            Place::Image(l) => WireLocation::Image(l),
        }
    }
}

#[derive(Serialize)]
struct WireFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    subject: &'a Subject,
    location: WireLocation<'a>,
    related: Vec<WireLocation<'a>>,
    fix: Option<&'a str>,
    fingerprint: String,
}

impl<'a> From<&'a Finding> for WireFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        WireFinding {
            rule: &f.rule,
            severity: f.severity,
            message: &f.message,
            subject: &f.subject,
            location: (&f.location).into(),
            related: f.related.iter().map(Into::into).collect(),
            fix: f.fix.as_deref(),
            fingerprint: f.fingerprint(),
        }
    }
}

#[derive(Serialize)]
struct WireError<'a> {
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    projects: usize,
    images: usize,
    workloads: usize,
    dockerfiles: usize,
    files: usize,
    baselined: usize,
    ignored: usize,
    excepted: usize,
    turned_off: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    images_not_scanned: Option<&'a str>,
    /// Images read by reference, and from which engine or registry.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    image_sources: &'a [crate::scan::ImageSource],
    findings: usize,
    by_severity: BySeverity,
    fail_on: Severity,
    failing: usize,
    exit_code: u8,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

impl<'a> From<&'a InputError> for WireError<'a> {
    fn from(e: &'a InputError) -> WireError<'a> {
        WireError {
            path: e.path(),
            line: e.line,
            column: e.column,
            message: &e.message,
        }
    }
}

pub fn render(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let tool = Tool {
        name: "drydock",
        version: env!("CARGO_PKG_VERSION"),
    };
    let errors: Vec<WireError> = report.coverage.errors.iter().map(WireError::from).collect();
    let summary = Summary {
        projects: report.coverage.projects,
        images: report.coverage.images,
        workloads: report.coverage.workloads,
        dockerfiles: report.coverage.dockerfiles,
        files: report.coverage.files,
        baselined: report.baselined,
        ignored: report.ignored,
        excepted: report.excepted,
        turned_off: report.turned_off,
        images_not_scanned: report.coverage.images_not_scanned.as_deref(),
        image_sources: &report.coverage.image_sources,
        findings: report.findings.len(),
        by_severity: BySeverity {
            critical: report.count(Severity::Critical),
            high: report.count(Severity::High),
            medium: report.count(Severity::Medium),
            low: report.count(Severity::Low),
            info: report.count(Severity::Info),
        },
        fail_on: report.fail_on,
        failing: report.failing(),
        exit_code: report.exit_code(),
    };
    // Keys in the documented order: version, tool, findings, errors,
    // warnings, not_audited, summary.
    write!(out, "{{\"version\":{FORMAT_VERSION}")?;
    super::json_stream::write_json_field(out, "tool", &tool)?;
    out.write_all(b",\"findings\":")?;
    super::json_stream::write_json_array(&report.findings, WireFinding::from, out)?;
    super::json_stream::write_json_field(out, "errors", &errors)?;
    super::json_stream::write_json_field(out, "warnings", &report.coverage.warnings)?;
    let not_audited: Vec<WireError> = report
        .coverage
        .not_audited
        .iter()
        .map(WireError::from)
        .collect();
    super::json_stream::write_json_field(out, "not_audited", &not_audited)?;
    super::json_stream::write_json_field(out, "summary", &summary)?;
    out.write_all(b"}\n")
}
