//! Inline ignores: `# drydock: ignore[rule-id,...] reason` in a Compose
//! file or a Kubernetes manifest suppresses the findings of those rules on
//! the comment's own line (a trailing comment) or on the next line with
//! content (a comment standing alone). Every rule id of a comment that
//! suppressed nothing becomes an `unused-ignore` finding.
//!
//! Comments are found in the source text, not the YAML events: a line's
//! comment starts at a `#` at the start of the line or after whitespace.
//! The one text this misreads is a block scalar line that itself reads
//! `# drydock: ignore[...]`.

use std::collections::HashMap;

use crate::finding::{Finding, Location, Place, Severity, Subject};
use crate::rule::{Registry, Scope};
use crate::scan::runs::IgnoreAnnotation;

use super::rules::unused_ignore;
use super::verdict::Verdict;

/// One ignore comment.
#[derive(Debug, PartialEq)]
pub struct Comment {
    /// Where the `#` is (1-based, the column in Unicode code points).
    pub line: u32,
    pub column: u32,
    /// The line whose findings it suppresses (0: none, a comment at the
    /// end of the file).
    pub target: u32,
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

/// A `# drydock: ignore` comment that cannot be read, with its line.
#[derive(Debug, PartialEq)]
pub struct Malformed {
    pub line: u32,
    pub message: String,
}

/// Finds the ignore comments of a file.
pub fn comments(text: &str) -> (Vec<Comment>, Vec<Malformed>) {
    let mut found = Vec::new();
    let mut malformed = Vec::new();
    if !text.contains("drydock:") {
        return (found, malformed);
    }
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let Some((hash, body)) = ignore_comment(line) else {
            continue;
        };
        let number = index as u32 + 1;
        let Some(inside) = body.strip_prefix('[') else {
            malformed.push(Malformed {
                line: number,
                message: "`# drydock: ignore` needs the rule ids in brackets: \
                          `# drydock: ignore[rule-id] reason`"
                    .into(),
            });
            continue;
        };
        let Some((ids, reason)) = inside.split_once(']') else {
            malformed.push(Malformed {
                line: number,
                message: "`# drydock: ignore[` has no closing `]`".into(),
            });
            continue;
        };
        let rules: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(String::from)
            .collect();
        if rules.is_empty() {
            malformed.push(Malformed {
                line: number,
                message: "`# drydock: ignore[]` names no rule".into(),
            });
            continue;
        }
        let stands_alone = line[..hash].trim().is_empty();
        let target = if stands_alone {
            lines[index + 1..]
                .iter()
                .position(|l| {
                    let l = l.trim();
                    !l.is_empty() && !l.starts_with('#')
                })
                .map_or(0, |offset| number + 1 + offset as u32)
        } else {
            number
        };
        let reason = reason.trim();
        found.push(Comment {
            line: number,
            column: line[..hash].chars().count() as u32 + 1,
            target,
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        });
    }
    (found, malformed)
}

/// The byte offset of the `#` of a `# drydock: ignore` comment on a line,
/// and the text after `ignore`.
fn ignore_comment(line: &str) -> Option<(usize, &str)> {
    let mut from = 0;
    while let Some(offset) = line[from..].find('#') {
        let hash = from + offset;
        from = hash + 1;
        let starts_comment = line[..hash]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        if !starts_comment {
            continue;
        }
        let rest = line[hash + 1..].trim_start();
        if let Some(rest) = rest.strip_prefix("drydock:") {
            return rest.trim_start().strip_prefix("ignore").map(|r| (hash, r));
        }
    }
    None
}

/// Applies the `drydock.io/ignore` annotations of the workloads read:
/// drops their findings of the rules named (those in the workload's own
/// manifest), counts them in `report.ignored` with a warning per manifest,
/// and warns about an annotation that names no rule or gives no reason.
pub fn apply_annotations(
    report: &mut Verdict,
    annotations: &[IgnoreAnnotation],
    registry: &Registry,
) {
    let mut covered: HashMap<(&Subject, &str), Vec<&str>> = HashMap::new();
    for annotation in annotations {
        let IgnoreAnnotation {
            subject,
            file,
            label,
            rules,
            has_reason,
        } = annotation;
        for id in rules {
            if registry.find(id).is_none() {
                let hint = registry
                    .suggest(id)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                report.coverage.warnings.push(format!(
                    "{file}: {label}: drydock.io/ignore names no rule `{id}`{hint}"
                ));
            }
        }
        if !has_reason {
            report.coverage.warnings.push(format!(
                "{file}: {label}: drydock.io/ignore without a drydock.io/ignore-reason"
            ));
        }
        covered
            .entry((subject, file.as_str()))
            .or_default()
            .extend(rules.iter().map(String::as_str));
    }
    // One pass over the findings: a workload's findings in its own
    // manifest, of a rule its annotation names.
    let mut suppressed: Vec<(String, usize)> = Vec::new();
    report.findings.retain(|f| {
        let Place::Config(l) = &f.location else {
            return true;
        };
        let Some(rules) = covered.get(&(&f.subject, l.path.as_str())) else {
            return true;
        };
        if !rules.iter().any(|id| *id == f.rule) {
            return true;
        }
        match suppressed.iter_mut().find(|(file, _)| *file == l.path) {
            Some((_, count)) => *count += 1,
            None => suppressed.push((l.path.clone(), 1)),
        }
        false
    });
    for (file, count) in suppressed {
        report.ignored += count;
        report.coverage.warnings.push(format!(
            "{file}: {count} finding(s) suppressed by drydock.io/ignore annotations"
        ));
    }
}

/// Applies the ignore comments of every source of the report: drops the
/// findings they cover, counts them in `report.ignored`, and adds an
/// `unused-ignore` finding for each rule id that covered nothing. `joined`
/// says whether the compound rules ran (images were read for the join).
pub fn apply(report: &mut Verdict, registry: &Registry, joined: bool) {
    let mut paths: Vec<&String> = report.coverage.sources.keys().collect();
    paths.sort();
    // (file, target line) -> (comment, rule) pairs covering that line.
    let mut covering: HashMap<(&str, u32), Vec<(usize, usize)>> = HashMap::new();
    let mut all: Vec<(&str, Comment)> = Vec::new();
    for path in paths {
        let (comments, malformed) = comments(&report.coverage.sources[path].text);
        for m in malformed {
            report
                .coverage
                .warnings
                .push(format!("{path}:{}: {}", m.line, m.message));
        }
        for comment in comments {
            if comment.reason.is_none() {
                report.coverage.warnings.push(format!(
                    "{path}:{}: `# drydock: ignore[...]` without a reason after the `]`",
                    comment.line
                ));
            }
            for rule in 0..comment.rules.len() {
                covering
                    .entry((path.as_str(), comment.target))
                    .or_default()
                    .push((all.len(), rule));
            }
            all.push((path.as_str(), comment));
        }
    }
    if all.is_empty() {
        return;
    }
    let mut used: Vec<Vec<bool>> = all
        .iter()
        .map(|(_, c)| vec![false; c.rules.len()])
        .collect();
    let before = report.findings.len();
    let mut kept = Vec::with_capacity(before);
    for finding in std::mem::take(&mut report.findings) {
        let covered = match &finding.location {
            Place::Config(l) => covering.get(&(l.path.as_str(), l.line)),
            Place::Image(_) => None,
        };
        let mut suppressed = false;
        for &(comment, rule) in covered.into_iter().flatten() {
            if all[comment].1.rules[rule] == finding.rule {
                used[comment][rule] = true;
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }
    report.ignored += before - kept.len();
    // A compound rule runs only when images were read: an ignore of one is
    // not unused in a run that could not have found it.
    let checked = |id: &str| {
        registry
            .find(id)
            .is_none_or(|meta| joined || !meta.scopes.contains(&Scope::Policy))
    };
    for ((path, comment), used) in all.iter().zip(&used) {
        for (rule, _) in used.iter().enumerate().filter(|(_, used)| !**used) {
            if checked(&comment.rules[rule]) {
                kept.push(unused(path, comment, &comment.rules[rule], registry));
            }
        }
    }
    report.findings = kept;
}

fn unused(path: &str, comment: &Comment, rule: &str, registry: &Registry) -> Finding {
    let message = if registry.find(rule).is_none() {
        let hint = registry
            .suggest(rule)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        format!("`# drydock: ignore[{rule}]` names no rule{hint}")
    } else if comment.target == 0 {
        format!("`# drydock: ignore[{rule}]` is followed by no line to apply to")
    } else {
        format!(
            "`# drydock: ignore[{rule}]` suppresses nothing: line {} has no `{rule}` finding",
            comment.target
        )
    };
    Finding {
        rule: unused_ignore::META.id.into(),
        severity: Severity::Low,
        message,
        subject: Subject::File {
            path: path.to_string(),
        },
        location: Place::Config(Location {
            path: path.to_string(),
            line: comment.line,
            column: comment.column,
            route: format!("drydock:ignore[{rule}]"),
            note: None,
            span: None,
            hidden: None,
        }),
        related: Vec::new(),
        fix: Some("delete the comment, or move it to the line of the finding it is for".into()),
        identity: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_trailing_and_standalone_comments() {
        let text = "services:\n  web:\n    # drydock: ignore[privileged, host-namespace] NIC driver\n\n    # another comment\n    privileged: true\n    pid: host # drydock: ignore[host-namespace]\n";
        let (found, malformed) = comments(text);
        assert!(malformed.is_empty());
        assert_eq!(
            found,
            [
                Comment {
                    line: 3,
                    column: 5,
                    target: 6,
                    rules: vec!["privileged".into(), "host-namespace".into()],
                    reason: Some("NIC driver".into()),
                },
                Comment {
                    line: 7,
                    column: 15,
                    target: 7,
                    rules: vec!["host-namespace".into()],
                    reason: None,
                },
            ]
        );
    }

    #[test]
    fn a_hash_inside_a_value_is_not_a_comment() {
        let (found, _) = comments("command: echo#drydock: ignore[privileged]\nx: 'a # b'\n");
        assert!(found.is_empty());
    }

    #[test]
    fn malformed_comments_are_reported_with_their_line() {
        let (found, malformed) = comments(
            "a: 1 # drydock: ignore privileged\nb: 2 # drydock: ignore[privileged\nc: 3 # drydock: ignore[ , ]\n# drydock: ignore[x]\n",
        );
        assert_eq!(
            malformed.iter().map(|m| m.line).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].target, 0, "a comment at the end covers nothing");
    }
}
