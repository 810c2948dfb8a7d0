//! The human report: each finding with the line that caused it (rustc
//! style, via annotate-snippets), then errors, then one summary line.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::RunReport;
use crate::finding::{Finding, Severity};

fn level(severity: Severity) -> Level<'static> {
    let base = match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::NOTE,
        Severity::Info => Level::INFO,
    };
    base.with_name(severity.as_str())
}

/// The byte range of the value starting at `column` (1-based, characters)
/// on `line`, up to a trailing comment or the end of the line.
fn value_span(line: &str, column: u32) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let end = rest.find(" #").unwrap_or(rest.len());
    let trimmed = rest[..end].trim_end().len();
    start..start + trimmed.max(usize::from(start < line.len()))
}

fn render_finding(report: &RunReport, finding: &Finding, renderer: &Renderer) -> String {
    let title = level(finding.severity)
        .primary_title(finding.message.as_str())
        .id(finding.rule);
    let loc = &finding.location;
    let header = format!("{}:{}:{}", loc.path, loc.line, loc.column);
    let source = report.sources.get(&loc.path);
    let line_text = source.and_then(|s| s.text.lines().nth(loc.line.saturating_sub(1) as usize));
    let mut group = match line_text {
        Some(text) => title.element(
            Snippet::source(text)
                .line_start(loc.line as usize)
                .path(loc.path.as_str())
                .annotation(AnnotationKind::Primary.span(value_span(text, loc.column))),
        ),
        None => title.element(Level::NOTE.message(format!("at {header}"))),
    };
    for related in &finding.related {
        group = group.element(Level::NOTE.message(format!(
            "{}: {}:{}:{}",
            related.note.as_deref().unwrap_or("see also"),
            related.path,
            related.line,
            related.column
        )));
    }
    if let Some(fix) = &finding.fix {
        group = group.element(Level::HELP.message(fix.as_str()));
    }
    let groups: [Group; 1] = [group];
    renderer.render(&groups).to_string()
}

/// The summary line: counts by severity and the gate's verdict.
pub fn summary(report: &RunReport) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| format!("{} {}", report.count(*s), s))
        .collect();
    let verdict = match report.exit_code() {
        0 => "passed".to_string(),
        1 => format!(
            "FAILED ({} at or above {})",
            report.failing(),
            report.fail_on
        ),
        _ => format!("ERROR ({} input(s) could not be read)", report.errors.len()),
    };
    format!(
        "drydock: {} finding(s) ({}) in {} project(s), {} file(s); gate fail-on {}: {}",
        report.findings.len(),
        counts.join(", "),
        report.projects,
        report.files,
        report.fail_on,
        verdict
    )
}

pub fn render(report: &RunReport, colour: bool, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for finding in &report.findings {
        writeln!(out, "{}\n", render_finding(report, finding, &renderer))?;
    }
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    for error in &report.errors {
        writeln!(out, "error: {error}")?;
    }
    writeln!(out, "{}", summary(report))
}
