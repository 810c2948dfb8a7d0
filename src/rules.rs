//! The list of every built-in rule, above the scanners that hold them:
//! Compose, image, Kubernetes and the policy's compound rules. A run's
//! [`Registry`] starts from [`registry`]; the rule types themselves live in
//! [`crate::rule`], below the scanners.

use crate::rule::{Registry, RuleMeta};

/// The rules drydock ships, in no particular order (a rule shared by
/// Compose and images is listed once per scanner).
pub fn builtin() -> impl Iterator<Item = &'static RuleMeta> {
    crate::compose::rules::ALL
        .iter()
        .map(|r| r.meta)
        .chain(crate::image::rules::ALL.iter().map(|r| r.meta))
        .chain(crate::k8s::pss::RULES.iter().copied())
        .chain(crate::dockerfile::rules::ALL.iter().map(|r| r.meta))
        .chain(crate::policy::rules::ALL.iter().copied())
}

/// A registry of the built-in rules, for a run to add its policy's to.
pub fn registry() -> Registry {
    Registry::new(builtin().map(Into::into))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::DOC_HEADINGS;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        // A rule shared by several scanners is one metadata value.
        let mut seen: std::collections::HashMap<&str, &RuleMeta> = Default::default();
        for rule in builtin() {
            if let Some(first) = seen.insert(rule.id, rule) {
                assert!(std::ptr::eq(first, rule), "{} is defined twice", rule.id);
                continue;
            }
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
        assert_eq!(registry().all().len(), seen.len());
    }
}
