//! The rule registry: every rule's id, title, default severity and
//! documentation, used by `drydock rules`, `drydock explain`, the SARIF
//! report and the README's rule table. Rules themselves live one file each
//! under the scanners (`compose/rules/`); this module only gathers their
//! metadata, and those a policy declares (`declare`).

use crate::finding::Severity;

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Compose,
    Image,
    Kubernetes,
    /// drydock's own inputs (ignore comments, policy files).
    Policy,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Compose => "compose",
            Scope::Image => "image",
            Scope::Kubernetes => "kubernetes",
            Scope::Policy => "policy",
        }
    }
}

/// A rule's metadata and user documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable, kebab-case, named after the hazard.
    pub id: &'static str,
    /// One line.
    pub title: &'static str,
    /// The highest severity the rule reports with by default (tiered rules
    /// report some findings lower).
    pub severity: Severity,
    pub scopes: &'static [Scope],
    /// Markdown with the headings of [`DOC_HEADINGS`].
    pub docs: &'static str,
}

/// Every rule's documentation has these sections, in this order.
pub const DOC_HEADINGS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## Example",
    "## Use instead",
    "## References",
];

/// The compound rules the run's policy declared (`compound-rules:`).
static DECLARED: std::sync::Mutex<Vec<&'static RuleMeta>> = std::sync::Mutex::new(Vec::new());

/// Adds a policy's own rule to the registry for the rest of the run, so
/// ignore comments, exceptions and the SARIF rule list know it.
pub fn declare(meta: &'static RuleMeta) {
    if let Ok(mut declared) = DECLARED.lock()
        && !declared.iter().any(|m| m.id == meta.id)
    {
        declared.push(meta);
    }
}

/// All rules, built in and declared, sorted by id.
pub fn all() -> Vec<&'static RuleMeta> {
    let declared = DECLARED.lock().map(|d| d.clone()).unwrap_or_default();
    let mut rules = builtin();
    rules.extend(declared);
    rules.sort_by_key(|r| r.id);
    rules.dedup_by_key(|r| r.id);
    rules
}

/// The rules drydock ships, sorted by id.
pub fn builtin() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = crate::compose::rules::ALL
        .iter()
        .map(|r| &r.meta)
        .chain(crate::image::rules::ALL.iter().map(|r| r.meta))
        .chain(crate::k8s::rules::ALL.iter().copied())
        .chain(crate::policy::rules::ALL.iter().copied())
        .collect();
    rules.sort_by_key(|r| r.id);
    rules.dedup_by_key(|r| r.id);
    rules
}

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    all().into_iter().find(|r| r.id == id)
}

/// The closest rule id to a misspelled one, for "did you mean".
pub fn suggest(id: &str) -> Option<&'static str> {
    crate::suggest::closest(id, all().iter().map(|r| r.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut ids = std::collections::HashSet::new();
        // A rule shared by several scanners is one registry entry.
        let metas = crate::compose::rules::ALL
            .iter()
            .map(|r| &r.meta as *const RuleMeta);
        for image_rule in crate::image::rules::ALL {
            let shared = metas.clone().any(|m| std::ptr::eq(m, image_rule.meta));
            let same_id = crate::compose::rules::ALL
                .iter()
                .any(|r| r.meta.id == image_rule.meta.id);
            assert!(
                shared || !same_id,
                "{} is defined twice",
                image_rule.meta.id
            );
        }
        for rule in all() {
            assert!(ids.insert(rule.id), "duplicate rule id {}", rule.id);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
            let mut at = 0;
            for heading in DOC_HEADINGS {
                let found = rule.docs[at..]
                    .find(heading)
                    .unwrap_or_else(|| panic!("{}: missing or misplaced `{heading}`", rule.id));
                at += found + heading.len();
                let body = rule.docs[at..].split("\n## ").next().unwrap_or("");
                assert!(body.trim().len() > 10, "{}: `{heading}` is empty", rule.id);
            }
            assert!(!rule.title.is_empty() && !rule.title.ends_with('.'));
        }
    }
}
