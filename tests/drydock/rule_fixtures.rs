//! Per-rule fixtures: `testdata/compose/rules/<rule-id>.yaml`, one Compose
//! file for each rule, run through the real binary.
//!
//! Each fixture marks its lines with a trailing comment:
//! - `# NOT OK`: the rule named by the file must report a finding at this
//!   line. `severity=<level>` tokens after the marker (one, or several when
//!   one line holds findings of different tiers) give the exact set of
//!   severities of the findings at that line; without them any severity
//!   counts.
//! - `# OK`: the line looks like a finding but must not be one (documentation
//!   for the reader; any unmarked line must not be one either).
//!
//! Everything after the marker and its tokens is free text, e.g.
//! `- /data  # OK (anonymous volume)`. A comment alone on its line is never
//! a marker.
//!
//! The test runs `drydock compose -f <fixture> --format json --fail-on
//! critical` with an empty environment but `PATH` and `HOME` (set to
//! [`HOME`], which the fixtures rely on for `~` paths), so that every
//! `${VAR:-default}` in a fixture takes its default. It compares the lines of
//! the findings whose rule is the file's stem with the `# NOT OK` lines, and
//! reports every mismatch of every fixture at once.
//!
//! ```sh
//! cargo test --test drydock rule_fixtures::
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::support::run::{Drydock, ROOT, drydock};

const FIXTURES_DIR: &str = "testdata/compose/rules";

/// `HOME` for drydock: fixtures expect `~` to be below `/home`.
const HOME: &str = "/home/drydock";

const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

// ---------------------------------------------------------------------------
// Tests

#[test]
fn every_rule_has_a_fixture_and_every_fixture_a_rule() {
    let rules = rule_ids();
    assert!(!rules.is_empty(), "`drydock rules` listed no rule");
    let fixtures: BTreeSet<String> = fixture_paths()
        .iter()
        .map(|path| stem(path).to_string())
        .collect();
    let missing: Vec<&String> = rules.difference(&fixtures).collect();
    let unknown: Vec<&String> = fixtures.difference(&rules).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "rules without a fixture in {FIXTURES_DIR}: {missing:?}\n\
         fixtures naming no rule: {unknown:?}"
    );
}

#[test]
fn findings_are_exactly_the_not_ok_lines() {
    let paths = fixture_paths();
    assert!(!paths.is_empty(), "no fixtures in {FIXTURES_DIR}");
    let mut problems = Vec::new();
    for path in &paths {
        problems.extend(check_fixture(path));
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es) between fixtures and drydock:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn markers_are_read_from_trailing_comments_only() {
    let text = "\
# Lines marked `# NOT OK` below must be reported.  # OK
services:
  web:  # NOT OK (missing key)
    image: nginx  # NOT OK severity=medium
    cap_add: [SYS_ADMIN, NET_ADMIN]  # NOT OK severity=critical severity=high (two)
    user: app  # OK (not root)
    command: [\"echo\", \"# NOT OK\"]
";
    let markers = Markers::parse(text).unwrap();
    let not_ok: Vec<(u32, Vec<&str>)> = markers
        .not_ok
        .iter()
        .map(|(line, sev)| (*line, sev.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        not_ok,
        vec![
            (3, vec![]),
            (4, vec!["medium"]),
            (5, vec!["critical", "high"]),
        ]
    );
    assert_eq!(markers.ok, BTreeSet::from([6]));
    assert!(Markers::parse("a: 1  # NOT OK severity=severe\n").is_err());
}

// ---------------------------------------------------------------------------
// Fixtures and their markers

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES_DIR)
}

/// Every `*.yaml` of the fixtures directory, sorted.
fn fixture_paths() -> Vec<PathBuf> {
    let dir = fixtures_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn stem(path: &Path) -> &str {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file name")
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file name")
}

/// The marked lines of a fixture (1-based).
#[derive(Debug, Default)]
struct Markers {
    /// `# NOT OK` lines with their expected severities (empty: any).
    not_ok: BTreeMap<u32, BTreeSet<String>>,
    /// `# OK` lines.
    ok: BTreeSet<u32>,
}

impl Markers {
    fn parse(text: &str) -> Result<Markers, String> {
        let mut markers = Markers::default();
        for (index, line) in text.lines().enumerate() {
            let number = index as u32 + 1;
            if let Some(rest) = trailing_marker(line, "# NOT OK") {
                let mut severities = BTreeSet::new();
                for token in rest.split_whitespace() {
                    let Some(level) = token.strip_prefix("severity=") else {
                        // Free text starts: no more tokens.
                        break;
                    };
                    if !SEVERITIES.contains(&level) {
                        return Err(format!(
                            "line {number}: unknown severity `{level}` (one of {SEVERITIES:?})"
                        ));
                    }
                    severities.insert(level.to_string());
                }
                markers.not_ok.insert(number, severities);
            } else if trailing_marker(line, "# OK").is_some() {
                markers.ok.insert(number);
            }
        }
        Ok(markers)
    }
}

/// The text after `marker` when `line` ends with a comment starting with
/// it: some content (not itself a comment), whitespace, then the marker as
/// a whole word.
fn trailing_marker<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let at = line.rfind(marker)?;
    let before = &line[..at];
    let after = &line[at + marker.len()..];
    let content = before.trim();
    let is_comment =
        before.ends_with([' ', '\t']) && !content.is_empty() && !content.starts_with('#');
    let whole_word = after.is_empty() || after.starts_with([' ', '\t']);
    (is_comment && whole_word).then_some(after)
}

// ---------------------------------------------------------------------------
// Running drydock

/// drydock from the crate root with an empty environment but `PATH` and
/// `HOME`.
fn from_root() -> Drydock {
    drydock().current_dir(ROOT).env_clear().env("HOME", HOME)
}

/// The ids `drydock rules --format json` lists.
/// The ids of the rules that read Compose files (image rules have their
/// own tests, on images built by `support::image`).
fn rule_ids() -> BTreeSet<String> {
    let args = ["rules", "--format", "json"];
    let out = from_root().args(args).run();
    assert!(
        out.success(),
        "`drydock rules` failed: {}",
        out.stderr.as_str()
    );
    out.json()
        .as_array()
        .expect("`drydock rules --format json` prints an array")
        .iter()
        .filter(|rule| {
            rule["scopes"]
                .as_array()
                .is_some_and(|s| s.iter().any(|x| x == "compose"))
        })
        .map(|rule| {
            rule["id"]
                .as_str()
                .expect("every rule has a string `id`")
                .to_string()
        })
        .collect()
}

/// One finding, as far as this test looks at it.
struct Found {
    severity: String,
    message: String,
}

/// Runs drydock on one fixture; the mismatches, one line each.
fn check_fixture(path: &Path) -> Vec<String> {
    let name = file_name(path);
    let rule = stem(path);
    let shown = format!("{FIXTURES_DIR}/{name}");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let markers = match Markers::parse(&text) {
        Ok(markers) => markers,
        Err(e) => return vec![format!("{shown}:{e}")],
    };

    let mut problems = Vec::new();
    if markers.not_ok.is_empty() || markers.ok.is_empty() {
        problems.push(format!(
            "{shown}: a fixture needs at least one `# NOT OK` and one `# OK` line"
        ));
    }
    let with_severity = markers.not_ok.values().filter(|s| !s.is_empty()).count();
    if with_severity != 0 && with_severity != markers.not_ok.len() {
        problems.push(format!(
            "{shown}: give `severity=` on every `# NOT OK` line or on none \
             ({with_severity} of {} have it)",
            markers.not_ok.len()
        ));
    }

    // A rule that reports only once a policy sets its parameters has its
    // policy in `policies/<rule-id>.yaml`.
    let policy = fixtures_dir()
        .join("policies")
        .join(format!("{}.yaml", stem(path)));
    let policy = policy.to_string_lossy().to_string();
    let mut args = vec![
        "compose",
        "-f",
        &shown,
        "--format",
        "json",
        "--fail-on",
        "critical",
    ];
    if Path::new(&policy).is_file() {
        args.extend(["--policy", &policy]);
    }
    let out = from_root().args(&args).run();
    if !matches!(out.code(), Some(0 | 1)) {
        problems.push(format!(
            "{shown}: drydock exited with {:?}: {}{}",
            out.code(),
            out.stdout.as_str(),
            out.stderr.as_str()
        ));
        return problems;
    }
    let report = out.json();
    for error in report["errors"].as_array().into_iter().flatten() {
        problems.push(format!("{shown}: drydock reported an error: {error}"));
    }

    let mut found: BTreeMap<u32, Vec<Found>> = BTreeMap::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        if finding["rule"] != rule {
            continue;
        }
        let location = &finding["location"];
        let path_shown = location["path"].as_str().unwrap_or_default();
        let message = finding["message"].as_str().unwrap_or_default().to_string();
        if Path::new(path_shown).file_name().and_then(|s| s.to_str()) != Some(name) {
            problems.push(format!(
                "{shown}: finding in another file, {path_shown}:{}: {message}",
                location["line"]
            ));
            continue;
        }
        let line = location["line"]
            .as_u64()
            .and_then(|l| u32::try_from(l).ok())
            .expect("a finding has a line");
        found.entry(line).or_default().push(Found {
            severity: finding["severity"].as_str().unwrap_or_default().to_string(),
            message,
        });
    }

    let marked: BTreeSet<u32> = markers.not_ok.keys().copied().collect();
    let reported: BTreeSet<u32> = found.keys().copied().collect();
    for line in marked.union(&reported) {
        let source = lines.get(*line as usize - 1).map_or("", |l| l.trim());
        let expected = markers.not_ok.get(line);
        let got = found.get(line);
        let problem = match (expected, got) {
            (Some(severities), None) => Some(format!(
                "expected a finding{}, got none",
                describe_severities(severities)
            )),
            (None, Some(findings)) => Some(format!(
                "expected no finding, got {}",
                describe_findings(findings)
            )),
            (Some(severities), Some(findings)) => {
                let got: BTreeSet<String> = findings.iter().map(|f| f.severity.clone()).collect();
                (!severities.is_empty() && *severities != got).then(|| {
                    format!(
                        "expected a finding{}, got {}",
                        describe_severities(severities),
                        describe_findings(findings)
                    )
                })
            }
            (None, None) => None,
        };
        if let Some(problem) = problem {
            problems.push(format!("{shown}:{line}: {problem}\n    | {source}"));
        }
    }
    problems
}

fn describe_severities(severities: &BTreeSet<String>) -> String {
    if severities.is_empty() {
        String::new()
    } else {
        let list: Vec<&str> = severities.iter().map(String::as_str).collect();
        format!(" with severity {}", list.join(", "))
    }
}

fn describe_findings(findings: &[Found]) -> String {
    let mut text = String::new();
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            text.push_str("; ");
        }
        let _ = write!(text, "{} ({})", f.severity, f.message);
    }
    text
}
