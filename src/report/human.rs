//! The human report: each finding with the line that caused it (rustc
//! style, via annotate-snippets), then errors, then one summary line.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::snippet::{LineCache, describe, highlight, image_lines, masked};
use crate::finding::{Finding, Place, Severity};
use crate::policy::Verdict;

fn level(severity: Severity) -> Level<'static> {
    let base = match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::NOTE,
        Severity::Info => Level::INFO,
    };
    base.with_name(severity.as_str())
}

fn render_finding<'a>(
    report: &'a Verdict,
    finding: &'a Finding,
    renderer: &Renderer,
    lines: &mut LineCache<'a>,
) -> String {
    let title = level(finding.severity)
        .primary_title(finding.message.as_str())
        .id(finding.rule.as_ref());
    // The snippet's line with a credential's value masked, when it holds one.
    let shown: String;
    let mut group = match &finding.location {
        Place::Config(loc) => {
            let source = report.coverage.sources.get(&loc.path);
            let line = source.and_then(|s| {
                let (start, text) = lines.line(&loc.path, &s.text, loc.line)?;
                Some(match loc.hidden {
                    Some(hidden) => (start, masked(&s.text, start, text, hidden)),
                    None => (start, text.to_string()),
                })
            });
            match line {
                Some((start, text)) => {
                    shown = text;
                    let text = shown.as_str();
                    title.element(
                        Snippet::source(text)
                            .line_start(loc.line as usize)
                            .path(loc.path.as_str())
                            .annotation(AnnotationKind::Primary.span(highlight(loc, start, text))),
                    )
                }
                None => title.element(Level::NOTE.message(format!(
                    "at {}",
                    describe(&finding.location, &finding.location)
                ))),
            }
        }
        Place::Image(l) => {
            let mut lines = image_lines(l).into_iter();
            let first = lines.next().unwrap_or_default();
            let mut group = title.element(Level::NOTE.no_name().message(first));
            for line in lines {
                group = group.element(Level::NOTE.no_name().message(line));
            }
            group
        }
    };
    for related in &finding.related {
        group = group.element(Level::NOTE.message(format!(
            "{}: {}",
            related.note().unwrap_or("see also"),
            describe(related, &finding.location)
        )));
    }
    if let Some(fix) = &finding.fix {
        group = group.element(Level::HELP.message(fix.as_str()));
    }
    let groups: [Group; 1] = [group];
    renderer.render(&groups).to_string()
}

/// The summary line: counts by severity and the gate's verdict.
pub fn summary(report: &Verdict) -> String {
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
        _ => format!("ERROR ({} input error(s))", report.coverage.errors.len()),
    };
    let mut scanned = Vec::new();
    // `drydock image REF` whose every image failed read images, not files.
    let images_asked = report.coverage.images > 0
        || report
            .coverage
            .errors
            .iter()
            .any(|e| matches!(e.origin, crate::error::Origin::Image(_)));
    let dockerfiles = report.coverage.dockerfiles;
    if report.coverage.projects > 0
        || report.coverage.files > dockerfiles
        || (!images_asked && report.coverage.workloads == 0 && dockerfiles == 0)
    {
        scanned.push(format!(
            "{} project(s), {} file(s)",
            report.coverage.projects, report.coverage.files
        ));
    }
    if report.coverage.workloads > 0 {
        scanned.push(format!(
            "{} Kubernetes workload(s)",
            report.coverage.workloads
        ));
    }
    if dockerfiles > 0 {
        scanned.push(format!("{dockerfiles} Dockerfile(s)"));
    }
    if images_asked {
        scanned.push(format!("{} image(s)", report.coverage.images));
    } else if report.coverage.images_not_scanned.is_some() {
        scanned.push(
            "no image (no engine answered; `--images registry` reads them from their registries)"
                .to_string(),
        );
    }
    let mut set_aside = String::new();
    if !report.coverage.not_audited.is_empty() {
        scanned.push(format!(
            "{} input(s) not audited",
            report.coverage.not_audited.len()
        ));
    }
    if report.ignored > 0 {
        set_aside.push_str(&format!(", {} ignored", report.ignored));
    }
    if report.excepted > 0 {
        set_aside.push_str(&format!(", {} excepted by the policy", report.excepted));
    }
    if report.baselined > 0 {
        set_aside.push_str(&format!(", {} more in the baseline", report.baselined));
    }
    format!(
        "drydock: {} finding(s) ({}){set_aside} in {}; gate fail-on {}: {}",
        report.findings.len(),
        counts.join(", "),
        scanned.join(" and "),
        report.fail_on,
        verdict
    )
}

pub fn render(report: &Verdict, colour: bool, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut lines = LineCache::default();
    for finding in &report.findings {
        writeln!(
            out,
            "{}\n",
            render_finding(report, finding, &renderer, &mut lines)
        )?;
    }
    for read in &report.coverage.image_sources {
        writeln!(out, "read: {} from {}", read.image, read.source)?;
    }
    for warning in &report.coverage.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    for skipped in &report.coverage.not_audited {
        writeln!(out, "not audited: {skipped}")?;
    }
    for error in &report.coverage.errors {
        writeln!(out, "error: {error}")?;
    }
    writeln!(out, "{}", summary(report))
}
