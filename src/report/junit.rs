//! The JUnit XML report, for CI systems that show test results (Jenkins,
//! GitLab's test report, Azure Pipelines, CircleCI): a test suite per
//! input (a config file or an image), a test case per rule that found
//! something in it — failed when a finding is at or above the gate, passed
//! with its findings as output otherwise — and a passing case for an
//! input read without findings. An input that could not be read is a
//! suite with an `error`. The shape follows the JUnit schema Jenkins and
//! Maven Surefire publish (`junit-10.xsd`), which the tests validate
//! against.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::{Finding, Place};
use crate::policy::Verdict;

/// Text for XML content and attribute values.
fn xml(text: &str) -> String {
    super::markup::escape(text)
}

/// The input a finding is in: a config file's path or an image's name.
fn input_of(finding: &Finding) -> &str {
    match &finding.location {
        Place::Config(l) => &l.path,
        Place::Image(l) => &l.image,
    }
}

/// One line per finding, as the test case's text.
fn describe(finding: &Finding) -> String {
    let at = match &finding.location {
        Place::Config(l) => format!("{}:{}:{}", l.path, l.line, l.column),
        Place::Image(l) => {
            let mut at = format!("image {}", l.image);
            if let Some(layer) = &l.layer {
                let _ = write!(at, " layer {}", layer.index);
            }
            if let Some(path) = &l.path {
                let _ = write!(at, " {path}");
            }
            at
        }
    };
    let mut line = format!(
        "{at}: {} [{}] {}",
        finding.severity, finding.rule, finding.message
    );
    if let Some(fix) = &finding.fix {
        let _ = write!(line, " (fix: {fix})");
    }
    line
}

pub fn render(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    // input → rule → findings
    let mut inputs: BTreeMap<&str, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    for finding in &report.findings {
        inputs
            .entry(input_of(finding))
            .or_default()
            .entry(&finding.rule)
            .or_default()
            .push(finding);
    }
    // Inputs read without findings pass.
    for path in report.coverage.sources.keys() {
        inputs.entry(path).or_default();
    }
    for image in &report.coverage.images_read {
        inputs.entry(&image.name).or_default();
    }
    let mut errors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for error in &report.coverage.errors {
        errors
            .entry(error.path())
            .or_default()
            .push(error.to_string());
    }
    let mut suites = String::new();
    let (mut tests, mut failures) = (0usize, 0usize);
    for (input, rules) in &inputs {
        let cases = rules.len().max(1);
        let failed = rules
            .values()
            .filter(|found| found.iter().any(|f| f.severity >= report.fail_on))
            .count();
        tests += cases;
        failures += failed;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{0}\" tests=\"{cases}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\" file=\"{0}\">",
            xml(input)
        );
        if rules.is_empty() {
            let _ = writeln!(
                suites,
                "    <testcase name=\"drydock\" classname=\"{}\"/>",
                xml(input)
            );
        }
        for (rule, found) in rules {
            let text: Vec<String> = found.iter().map(|f| xml(&describe(f))).collect();
            let failing: Vec<&&Finding> = found
                .iter()
                .filter(|f| f.severity >= report.fail_on)
                .collect();
            let _ = writeln!(
                suites,
                "    <testcase name=\"{}\" classname=\"{}\">",
                xml(rule),
                xml(input)
            );
            match failing.first() {
                Some(first) => {
                    let worst = found
                        .iter()
                        .map(|f| f.severity)
                        .max()
                        .unwrap_or(first.severity);
                    let _ = writeln!(
                        suites,
                        "      <failure type=\"{worst}\" message=\"{} finding(s) at or above {}: {}\">{}</failure>",
                        failing.len(),
                        report.fail_on,
                        xml(&first.message),
                        text.join("\n")
                    );
                }
                None => {
                    let _ = writeln!(suites, "      <system-out>{}</system-out>", text.join("\n"));
                }
            }
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
    }
    for (input, messages) in &errors {
        tests += 1;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" file=\"{0}\">\n    \
             <testcase name=\"read\" classname=\"{0}\">\n      <error type=\"input\" message=\"{1}\">{2}</error>\n    \
             </testcase>\n  </testsuite>",
            xml(input),
            xml(&messages[0]),
            xml(&messages.join("\n"))
        );
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"drydock\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">\n{suites}</testsuites>\n",
        errors.len()
    )
}
