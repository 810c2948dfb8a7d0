//! A compound rule as evaluated: its conditions, and what a pair of a
//! service and its image must show for the rule to add a finding.

use crate::finding::{Finding, Place, Severity};
use crate::rule::{RuleId, RuleInfo};

use super::pair::Pair;

/// One compound rule, parsed.
#[derive(Clone, Debug)]
pub struct CompoundRule {
    pub info: RuleInfo,
    pub when: Vec<Condition>,
    pub message: String,
    pub fix: Option<String>,
}

/// One condition of `when`.
#[derive(Clone, Debug)]
pub enum Condition {
    /// The image has a finding of `rule` at `min` or above. For
    /// `writable-executable`, the findings under the effective user.
    Image {
        rule: RuleId,
        min: Severity,
        note: Option<String>,
    },
    /// The service (the container, for a workload) has a finding of
    /// `rule` at `min` or above.
    Service {
        rule: RuleId,
        min: Severity,
        note: Option<String>,
    },
    /// The effective user is root (`root: true`) or is not.
    User { root: bool, note: Option<String> },
    /// At least one of these holds; every one that holds is a part.
    Any(Vec<Condition>),
}

/// One condition that held: what it adds to the message and the related
/// locations.
struct Part {
    note: Option<String>,
    places: Vec<Place>,
    paths: Vec<String>,
}

/// How many files of one part a compound finding lists as related.
const LISTED: usize = 5;

fn holds(condition: &Condition, pair: &Pair, parts: &mut Vec<Part>) -> bool {
    match condition {
        Condition::Image { rule, min, note } => {
            let found: Vec<&Finding> = pair
                .image_findings(rule)
                .into_iter()
                .filter(|f| f.severity >= *min)
                .collect();
            if found.is_empty() {
                return false;
            }
            let label = note.as_deref().unwrap_or(rule);
            parts.push(Part {
                note: Some(label.to_string()),
                places: found
                    .iter()
                    .take(LISTED)
                    .map(|f| f.location.noted(label))
                    .collect(),
                paths: found
                    .iter()
                    .filter_map(|f| match &f.location {
                        Place::Image(l) => l.path.clone(),
                        Place::Config(_) => None,
                    })
                    .collect(),
            });
            true
        }
        Condition::Service { rule, min, note } => {
            let Some(found) = pair.service_finding(rule).filter(|f| f.severity >= *min) else {
                return false;
            };
            let label = note.as_deref().unwrap_or(rule);
            parts.push(Part {
                note: Some(label.to_string()),
                places: vec![found.location.noted(label)],
                paths: Vec::new(),
            });
            true
        }
        Condition::User { root, note } => {
            if pair.runs_as_root() != *root {
                return false;
            }
            parts.push(Part {
                note: note.clone(),
                places: pair.user_place().into_iter().collect(),
                paths: Vec::new(),
            });
            true
        }
        Condition::Any(branches) => {
            let mut any = false;
            for branch in branches {
                any |= holds(branch, pair, parts);
            }
            any
        }
    }
}

impl CompoundRule {
    /// The compound finding for a pair, when every condition holds.
    pub fn check(&self, pair: &Pair) -> Option<Finding> {
        let mut parts = Vec::new();
        for condition in &self.when {
            if !holds(condition, pair, &mut parts) {
                return None;
            }
        }
        let user = if pair.user.trim().is_empty() {
            "root"
        } else {
            pair.user
        };
        let message = self
            .message
            .replace("{service}", &pair.service.label)
            .replace("{image}", &pair.service.image)
            .replace("{user}", user)
            .replace("{parts}", &describe(&parts));
        let related = parts.into_iter().flat_map(|p| p.places).collect();
        let mut finding = pair.finding(&self.info, message, related);
        finding.fix = self.fix.clone();
        Some(finding)
    }
}

/// "an exec-capable netcat (`/usr/bin/nc`), a writable root filesystem
/// and no no-new-privileges".
fn describe(parts: &[Part]) -> String {
    let phrases: Vec<String> = parts
        .iter()
        .filter_map(|part| {
            let note = part.note.as_deref()?;
            let shown: Vec<String> = part
                .paths
                .iter()
                .take(3)
                .map(|p| format!("`{p}`"))
                .collect();
            Some(match part.paths.len() {
                0 => note.to_string(),
                n if n > 3 => format!("{note} ({} and {} more)", shown.join(", "), n - 3),
                _ => format!("{note} ({})", shown.join(", ")),
            })
        })
        .collect();
    match phrases.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_as_a_list() {
        let part = |note: &str, paths: &[&str]| Part {
            note: Some(note.to_string()),
            places: Vec::new(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
        };
        assert_eq!(
            describe(&[
                part("a netcat", &["/bin/nc"]),
                part("x", &[]),
                part("y", &["a", "b", "c", "d"])
            ]),
            "a netcat (`/bin/nc`), x and y (`a`, `b`, `c` and 1 more)"
        );
    }
}
