//! Compound rules as written: the built-in declarations (`rules/`) and a
//! policy's `compound-rules:`, parsed the same way, every problem
//! reported at once.

use std::borrow::Cow;

use crate::error::InputError;
use crate::finding::Severity;
use crate::rule::{Registry, RuleId, RuleInfo, RuleMeta, Scope};
use crate::yaml::{Key, Limits, Node, Pos, parse_documents, source_from_text};

use super::rule::{CompoundRule, Condition};
use crate::policy::keys::{mapping, unknown_keys};
use crate::policy::rules::{
    remote_shell_toolkit, setuid_escalation_path, writable_binaries_at_runtime,
};

/// The keys of a condition.
const CONDITION_KEYS: [&str; 6] = ["image", "service", "user", "any", "note", "severity"];

/// The keys of a declared compound rule.
const RULE_KEYS: [&str; 6] = ["title", "severity", "description", "when", "message", "fix"];

/// What a message may name.
const PLACEHOLDERS: [&str; 4] = ["service", "image", "user", "parts"];

/// The message of a declared rule that writes none.
const DEFAULT_MESSAGE: &str = "{service} runs image `{image}` as {user} with {parts}";

/// The built-in compound rules, parsed from their declarations (three
/// short texts: parsing them per run costs nothing).
pub fn builtin(registry: &Registry) -> Vec<CompoundRule> {
    BUILTIN_DECLARATIONS
        .iter()
        .filter_map(|(meta, text)| parse_builtin(meta, text, registry).ok())
        .collect()
}

/// Each built-in compound rule's metadata and declaration.
pub const BUILTIN_DECLARATIONS: [(&RuleMeta, &str); 3] = [
    (
        &remote_shell_toolkit::META,
        remote_shell_toolkit::DECLARATION,
    ),
    (
        &setuid_escalation_path::META,
        setuid_escalation_path::DECLARATION,
    ),
    (
        &writable_binaries_at_runtime::META,
        writable_binaries_at_runtime::DECLARATION,
    ),
];

/// The declaration of a built-in compound rule, for `drydock explain`.
pub fn declaration_of(id: &str) -> Option<&'static str> {
    BUILTIN_DECLARATIONS
        .iter()
        .find(|(meta, _)| meta.id == id)
        .map(|(_, text)| *text)
}

fn parse_builtin(
    meta: &'static RuleMeta,
    text: &str,
    registry: &Registry,
) -> Result<CompoundRule, Vec<InputError>> {
    let source = source_from_text(&format!("built-in {}", meta.id), text);
    let docs = parse_documents(&source, Limits::default()).map_err(|e| vec![e])?;
    let Some(node) = docs.first() else {
        return Err(vec![InputError::in_file(meta.id, "empty declaration")]);
    };
    let mut errors = Vec::new();
    match body(node, registry, &mut errors) {
        Some(body) if errors.is_empty() => Ok(body.into_rule(meta.into())),
        _ => Err(errors),
    }
}

/// `compound-rules:` of a policy: rule id → declaration.
pub fn parse_declared(
    node: &Node,
    registry: &Registry,
    errors: &mut Vec<InputError>,
) -> Vec<CompoundRule> {
    let Some(entries) = mapping(
        node,
        "`compound-rules` must map new rule ids to their declarations",
        errors,
    ) else {
        return Vec::new();
    };
    let mut rules: Vec<CompoundRule> = Vec::new();
    for (key, value) in entries {
        if let Some(rule) = declared(key, value, registry, errors) {
            rules.push(rule);
        }
    }
    rules
}

/// One declared rule: its id, title and severity, then the body.
fn declared(
    key: &Key,
    node: &Node,
    registry: &Registry,
    errors: &mut Vec<InputError>,
) -> Option<CompoundRule> {
    let id = key.text.as_str();
    let before = errors.len();
    let kebab = !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !kebab {
        errors.push(InputError::at(
            &key.pos,
            format!("compound rule id `{id}` must be kebab-case (a-z, 0-9, -)"),
        ));
    } else if registry.find(id).is_some() {
        errors.push(InputError::at(
            &key.pos,
            format!("`{id}` is a built-in rule; a compound rule needs an id of its own"),
        ));
    }
    let entries = mapping(
        node,
        format!("compound rule `{id}` must be a mapping (title, severity, when, message, fix)"),
        errors,
    )?;
    unknown_keys(entries, &RULE_KEYS, "compound rule", errors);
    let title = match node.get("title").map(|t| (t, t.as_str())) {
        Some((_, Some(t))) if !t.trim().is_empty() => Some(t.trim().to_string()),
        Some((t, _)) => {
            errors.push(InputError::at(&t.pos, "`title` must be a line of text"));
            None
        }
        None => {
            errors.push(InputError::at(
                &key.pos,
                format!("compound rule `{id}` needs a `title`"),
            ));
            None
        }
    };
    let severity = match node.get("severity") {
        Some(s) => severity_of(s, errors),
        None => {
            errors.push(InputError::at(
                &key.pos,
                format!("compound rule `{id}` needs a `severity`"),
            ));
            None
        }
    };
    let description = node.get("description").and_then(Node::as_str);
    if errors.len() > before {
        // Still check the body, so every error is reported at once.
        body(node, registry, errors);
        return None;
    }
    let body = body(node, registry, errors)?;
    let docs = declared_docs(id, &key.pos, description, node);
    Some(body.into_rule(RuleInfo {
        id: Cow::Owned(id.to_string()),
        title: Cow::Owned(title?),
        severity: severity?,
        scopes: Cow::Borrowed(&[Scope::Policy]),
        docs: Cow::Owned(docs),
    }))
}

/// What built-in and declared rules both write.
struct Body {
    when: Vec<Condition>,
    message: String,
    fix: Option<String>,
}

impl Body {
    fn into_rule(self, info: RuleInfo) -> CompoundRule {
        CompoundRule {
            info,
            when: self.when,
            message: self.message,
            fix: self.fix,
        }
    }
}

/// `when`, `message` and `fix` of a compound rule.
fn body(node: &Node, registry: &Registry, errors: &mut Vec<InputError>) -> Option<Body> {
    let before = errors.len();
    let when = match node.get("when") {
        Some(list) => match list.as_seq() {
            Some(items) if !items.is_empty() => items
                .iter()
                .filter_map(|c| condition(c, registry, errors))
                .collect::<Vec<_>>(),
            _ => {
                errors.push(InputError::at(
                    &list.pos,
                    "`when` must be a non-empty list of conditions",
                ));
                Vec::new()
            }
        },
        None => {
            errors.push(InputError::at(
                &node.pos,
                "a compound rule needs `when`: the conditions that make it",
            ));
            Vec::new()
        }
    };
    if !when.iter().any(joins_image) && errors.len() == before {
        errors.push(InputError::at(
            &node.pos,
            "a compound rule needs at least one `image:` condition outside `any` \
             (it is about a service and the image it runs)",
        ));
    }
    let message = match node.get("message") {
        Some(m) => match m.as_str() {
            Some(text) => {
                check_placeholders(text, &m.pos, errors);
                text.trim().to_string()
            }
            None => {
                errors.push(InputError::at(&m.pos, "`message` must be text"));
                String::new()
            }
        },
        None => DEFAULT_MESSAGE.to_string(),
    };
    let fix = node.get("fix").and_then(Node::as_str).map(String::from);
    (errors.len() == before).then_some(Body { when, message, fix })
}

/// Whether a condition requires an image finding.
fn joins_image(condition: &Condition) -> bool {
    matches!(condition, Condition::Image { .. })
}

fn condition(node: &Node, registry: &Registry, errors: &mut Vec<InputError>) -> Option<Condition> {
    let entries = mapping(
        node,
        "a condition is a mapping: `image: RULE`, `service: RULE`, `user: root|non-root` or `any: [...]`",
        errors,
    )?;
    let before = errors.len();
    unknown_keys(entries, &CONDITION_KEYS, "condition", errors);
    let kinds: Vec<&Key> = entries
        .iter()
        .map(|(k, _)| k)
        .filter(|k| ["image", "service", "user", "any"].contains(&k.text.as_str()))
        .collect();
    if kinds.len() != 1 {
        errors.push(InputError::at(
            &node.pos,
            "a condition has exactly one of `image`, `service`, `user` and `any`",
        ));
        return None;
    }
    let note = node.get("note").and_then(Node::as_str).map(String::from);
    let min = match node.get("severity") {
        Some(s) => severity_of(s, errors).unwrap_or(Severity::Info),
        None => Severity::Info,
    };
    let kind = kinds[0].text.as_str();
    let value = node.get(kind)?;
    if node.get("severity").is_some() && matches!(kind, "user" | "any") {
        errors.push(InputError::at(
            &node.pos,
            format!("`severity` applies to `image` and `service` conditions, not `{kind}`"),
        ));
    }
    let condition = match kind {
        "image" | "service" => {
            let scopes: &[Scope] = if kind == "image" {
                &[Scope::Image]
            } else {
                &[Scope::Compose, Scope::Kubernetes]
            };
            let rule = scanner_rule(value, scopes, registry, errors)?;
            if kind == "image" {
                Condition::Image { rule, min, note }
            } else {
                Condition::Service { rule, min, note }
            }
        }
        "user" => match value.as_str() {
            Some("root") => Condition::User { root: true, note },
            Some("non-root") => Condition::User { root: false, note },
            _ => {
                errors.push(InputError::at(
                    &value.pos,
                    "`user` must be `root` or `non-root`",
                ));
                return None;
            }
        },
        _ => match value.as_seq() {
            Some(items) if !items.is_empty() => Condition::Any(
                items
                    .iter()
                    .filter_map(|c| condition(c, registry, errors))
                    .collect(),
            ),
            _ => {
                errors.push(InputError::at(
                    &value.pos,
                    "`any` must be a non-empty list of conditions",
                ));
                return None;
            }
        },
    };
    (errors.len() == before).then_some(condition)
}

/// A rule id that a scanner of one of `scopes` reports.
fn scanner_rule(
    node: &Node,
    scopes: &[Scope],
    registry: &Registry,
    errors: &mut Vec<InputError>,
) -> Option<RuleId> {
    let id = node.as_str().unwrap_or("");
    let candidates: Vec<&RuleInfo> = registry
        .all()
        .iter()
        .filter(|m| m.scopes.iter().any(|s| scopes.contains(s)))
        .collect();
    if let Some(meta) = candidates.iter().find(|m| m.id == id) {
        return Some(meta.id.clone());
    }
    let what = if scopes.contains(&Scope::Image) {
        "image"
    } else {
        "Compose or Kubernetes"
    };
    let hint = crate::suggest::closest(id, candidates.iter().map(|m| m.id.as_ref()))
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    errors.push(InputError::at(
        &node.pos,
        format!("no {what} rule `{id}`{hint}"),
    ));
    None
}

fn check_placeholders(text: &str, pos: &Pos, errors: &mut Vec<InputError>) {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            errors.push(InputError::at(pos, "`message` has a `{` without `}`"));
            return;
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            let hint = crate::suggest::closest(name, PLACEHOLDERS)
                .map(|s| format!("; did you mean `{{{s}}}`?"))
                .unwrap_or_default();
            errors.push(InputError::at(
                pos,
                format!(
                    "`message` names `{{{name}}}`{hint} (it may name {{service}}, {{image}}, {{user}} and {{parts}})"
                ),
            ));
        }
        rest = &after[close + 1..];
    }
}

fn severity_of(node: &Node, errors: &mut Vec<InputError>) -> Option<Severity> {
    let found = Severity::ALL
        .into_iter()
        .find(|s| Some(s.as_str()) == node.as_str());
    if found.is_none() {
        errors.push(InputError::at(
            &node.pos,
            "`severity` must be info, low, medium, high or critical",
        ));
    }
    found
}

/// The docs of a declared rule, with the sections every rule has: its
/// declaration as written (the key's line and the lines indented below it).
fn declared_docs(id: &str, at: &Pos, description: Option<&str>, node: &Node) -> String {
    let indent = at.column.saturating_sub(1) as usize;
    let lines: Vec<&str> = at
        .file
        .text
        .lines()
        .skip(at.line.saturating_sub(1) as usize)
        .enumerate()
        .take_while(|(i, l)| {
            *i == 0 || l.trim().is_empty() || l.len() - l.trim_start().len() > indent
        })
        .map(|(_, l)| l.get(indent..).unwrap_or(l.trim_start()))
        .collect();
    let fix = node
        .get("fix")
        .and_then(Node::as_str)
        .unwrap_or("Change what the conditions name: the image, or the service's settings.");
    format!(
        "## What it checks\nA compound rule declared by the policy at `{}:{}`:\n\n```yaml\n{}\n```\n\n\
         ## Why it matters\n{}\n\n## Example\nA service or container that meets every condition above.\n\n\
         ## Use instead\n{fix}\n\n## References\n- The policy that declares `{id}`\n",
        at.file.display,
        at.line,
        lines.join("\n").trim_end(),
        description.unwrap_or("The policy's authors declared this combination a finding."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_declaration_parses() {
        for (meta, text) in BUILTIN_DECLARATIONS {
            if let Err(errors) = parse_builtin(meta, text, &crate::rules::registry()) {
                panic!("{}: {errors:?}", meta.id);
            }
        }
        assert_eq!(
            builtin(&crate::rules::registry()).len(),
            BUILTIN_DECLARATIONS.len()
        );
    }

    fn declare(text: &str) -> Result<Vec<CompoundRule>, Vec<String>> {
        let source = source_from_text("p.yaml", text);
        let docs = parse_documents(&source, Limits::default()).unwrap();
        let mut errors = Vec::new();
        let rules = parse_declared(&docs[0], &crate::rules::registry(), &mut errors);
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors.iter().map(ToString::to_string).collect())
        }
    }

    #[test]
    fn a_declared_rule_parses_with_its_docs() {
        let rules = declare(
            "debug-tools:\n  title: Network tools in a root service\n  severity: high\n  when:\n    - image: network-tool\n      note: network tools\n    - user: root\n",
        )
        .unwrap();
        assert_eq!(rules[0].info.id, "debug-tools");
        assert_eq!(rules[0].info.severity, Severity::High);
        assert!(rules[0].info.docs.contains("- image: network-tool"));
        assert!(rules[0].info.docs.contains("p.yaml:1"));
    }

    #[test]
    fn every_problem_of_a_declaration_is_reported() {
        let errors = declare(
            "Bad_Id:\n  title: t\n  severity: severe\n  when:\n    - image: exec-capable-netcatt\n    - service: exec-capable-netcat\n    - user: admin\n    - imag: x\n  message: \"{servce}\"\n",
        )
        .unwrap_err();
        let all = errors.join("\n");
        assert!(
            all.contains("p.yaml:1:1: compound rule id `Bad_Id`"),
            "{all}"
        );
        assert!(all.contains("p.yaml:3:13: `severity`"), "{all}");
        assert!(all.contains("did you mean `exec-capable-netcat`"), "{all}");
        assert!(
            all.contains("no Compose or Kubernetes rule `exec-capable-netcat`"),
            "{all}"
        );
        assert!(all.contains("`user` must be `root` or `non-root`"), "{all}");
        assert!(all.contains("unknown condition key `imag`"), "{all}");
        assert!(all.contains("did you mean `{service}`"), "{all}");
    }

    #[test]
    fn a_declared_rule_may_not_take_a_builtin_id() {
        let errors =
            declare("privileged:\n  title: t\n  severity: low\n  when: [{image: network-tool}]\n")
                .unwrap_err();
        assert!(errors[0].contains("is a built-in rule"), "{errors:?}");
    }
}
