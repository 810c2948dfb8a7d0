//! The policy evaluator, between the scanners and the report: `join`
//! pairs Compose services with the images they run and adds the compound
//! findings (`rules/`), `ignore` applies inline ignore comments, and
//! `baseline` holds the accepted findings of an earlier run.
//!
//! This file reads the built-in presets in `policies/` (compiled in), with
//! the same span-aware YAML layer as everything else, every problem of a
//! preset reported with its line. Today a preset can choose a Pod Security
//! level and the gate threshold; exceptions, per-rule settings and
//! repository policy files are not written yet.

pub mod baseline;
pub mod ignore;
pub mod join;
pub mod rules;

use crate::finding::Severity;
use crate::k8s::pss::Level;
use crate::yaml::{Limits, LocatedError, Node, parse_documents, source_from_text};

/// A policy, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    /// Evaluate exactly this Pod Security level.
    pub pod_security: Option<Level>,
    pub fail_on: Option<Severity>,
}

/// The built-in presets: name and YAML text.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "pss-baseline",
        include_str!("../../policies/pss-baseline.yaml"),
    ),
    (
        "pss-restricted",
        include_str!("../../policies/pss-restricted.yaml"),
    ),
];

/// The keys a policy may have.
const KEYS: [&str; 2] = ["pod-security", "fail-on"];

/// Loads a built-in preset by name.
pub fn preset(name: &str) -> Result<Policy, String> {
    let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        let hint = crate::suggest::closest(name, names.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!(
            "no built-in policy `{name}`{hint} (built in: {})",
            names.join(", ")
        ));
    };
    parse(&format!("policies/{name}.yaml"), name, text).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Parses a policy text, collecting every problem.
pub fn parse(display: &str, name: &str, text: &str) -> Result<Policy, Vec<LocatedError>> {
    let source = source_from_text(display, text);
    let docs = parse_documents(&source, Limits::default()).map_err(|e| vec![e])?;
    let mut policy = Policy {
        name: name.to_string(),
        pod_security: None,
        fail_on: None,
    };
    let Some(doc) = docs.into_iter().next() else {
        return Ok(policy);
    };
    let Some(entries) = doc.as_map() else {
        return Err(vec![LocatedError::at(
            &doc.pos,
            "a policy must be a mapping",
        )]);
    };
    let mut errors = Vec::new();
    for (key, value) in entries {
        match key.text.as_str() {
            "pod-security" => match value.as_str() {
                Some("baseline") => policy.pod_security = Some(Level::Baseline),
                Some("restricted") => policy.pod_security = Some(Level::Restricted),
                _ => errors.push(LocatedError::at(
                    &value.pos,
                    "`pod-security` must be `baseline` or `restricted`",
                )),
            },
            "fail-on" => match severity(value) {
                Some(s) => policy.fail_on = Some(s),
                None => errors.push(LocatedError::at(
                    &value.pos,
                    "`fail-on` must be info, low, medium, high or critical",
                )),
            },
            other => {
                let hint = crate::suggest::closest(other, KEYS)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.push(LocatedError::at(
                    &key.pos,
                    format!("unknown policy key `{other}`{hint}"),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

fn severity(node: &Node) -> Option<Severity> {
    Severity::ALL
        .into_iter()
        .find(|s| Some(s.as_str()) == node.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_presets_parse() {
        assert_eq!(
            preset("pss-baseline").unwrap().pod_security,
            Some(Level::Baseline)
        );
        assert_eq!(
            preset("pss-restricted").unwrap().fail_on,
            Some(Severity::Info)
        );
        assert!(
            preset("pss-restricted2")
                .unwrap_err()
                .contains("did you mean `pss-restricted`")
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let errors =
            parse("p.yaml", "p", "pod-securty: baseline\nfail-on: sometimes\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, Some(1));
        assert!(errors[0].message.contains("did you mean `pod-security`"));
        assert_eq!(errors[1].line, Some(2));
    }
}
