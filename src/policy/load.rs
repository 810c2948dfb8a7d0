//! Policies: the built-in presets in `policies/` (compiled in) and policy
//! files (`.drydock.yaml`, `--policy FILE`), read with the same span-aware
//! YAML layer as everything else, every problem reported at once with its
//! line and a "did you mean".

use std::path::{Path, PathBuf};

use super::compound::{self, CompoundRule};
use super::exceptions::{Date, Exception, RuleSetting};
use super::keys::{mapping, unknown_keys};
use crate::error::InputError;
use crate::finding::Severity;
use crate::k8s::pss::Level;
use crate::rule::Registry;
use crate::yaml::{Limits, Node, Pos, parse_documents, source_from_text};

/// A policy, validated.
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    /// Evaluate exactly this Pod Security level.
    pub pod_security: Option<Level>,
    pub fail_on: Option<Severity>,
    /// Per-rule settings, later ones winning.
    pub rules: Vec<RuleSetting>,
    pub exceptions: Vec<Exception>,
    /// Rule parameters (`rules: {id: {parameter: [...]}}`).
    pub params: crate::params::Params,
    /// The policy's own compound rules (`compound-rules:`).
    pub compound: Vec<CompoundRule>,
    /// The directory of the policy file: exception paths are relative to
    /// it (for a preset, to the scan root).
    pub base: Option<PathBuf>,
}

/// The built-in presets: name and YAML text.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../policies/default.yaml")),
    ("strict", include_str!("../../policies/strict.yaml")),
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
const KEYS: [&str; 6] = [
    "extends",
    "pod-security",
    "fail-on",
    "rules",
    "exceptions",
    "compound-rules",
];

/// The keys of an exception.
const EXCEPTION_KEYS: [&str; 9] = [
    "rule",
    "path",
    "service",
    "namespace",
    "workload",
    "image",
    "image-path",
    "reason",
    "expires",
];

/// The file a repository's policy lives in, found by walking up from the
/// scan root.
pub const REPOSITORY_FILE: &str = ".drydock.yaml";

/// The nearest `.drydock.yaml` at or above `dir`, read and validated.
/// Reports name it relative to `dir`, as they name the files scanned
/// from there (`.drydock.yaml`, `../.drydock.yaml`).
///
/// The file is in the repository being audited, so it is read only when
/// it resolves inside the directory it was found in: a committed
/// `.drydock.yaml -> /etc/…` symlink is an error, never read.
pub fn load_repository_policy(
    dir: &Path,
    registry: &Registry,
) -> Option<Result<Policy, Vec<InputError>>> {
    use crate::boundary::{Boundary, Resolved};
    let start = dir.canonicalize().ok()?;
    for (depth, ancestor) in start.ancestors().enumerate() {
        let display = format!("{}{REPOSITORY_FILE}", "../".repeat(depth));
        let candidate = ancestor.join(REPOSITORY_FILE);
        match Boundary::new(&[ancestor.to_path_buf()], false).resolve(&candidate) {
            Resolved::File(real) => return Some(load_file_as(&real, &display, registry)),
            Resolved::Refused(why) => {
                let message = format!("not read: it {}", why.describe());
                return Some(Err(vec![InputError::in_file(display, message)]));
            }
            Resolved::Missing | Resolved::Dir(_) => {}
        }
    }
    None
}

/// `--policy`: a file when one exists at that path, else a built-in name.
pub fn load(spec: &str, registry: &Registry) -> Result<Policy, Vec<InputError>> {
    let path = Path::new(spec);
    if path.is_file() {
        return load_file(path, registry);
    }
    preset(spec, registry).map_err(|m| vec![InputError::option("--policy", m)])
}

/// Reads and validates a policy file.
pub fn load_file(path: &Path, registry: &Registry) -> Result<Policy, Vec<InputError>> {
    load_file_as(path, &path.to_string_lossy(), registry)
}

/// Reads and validates a policy file that reports name `display`.
fn load_file_as(
    path: &Path,
    display: &str,
    registry: &Registry,
) -> Result<Policy, Vec<InputError>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![InputError::in_file(display, format!("cannot read: {e}"))])?;
    let mut policy = parse(display, display, &text, registry)?;
    policy.base = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    Ok(policy)
}

/// Loads a built-in preset by name.
pub fn preset(name: &str, registry: &Registry) -> Result<Policy, String> {
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
    parse(&format!("policies/{name}.yaml"), name, text, registry).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Parses a policy text, collecting every problem.
pub fn parse(
    display: &str,
    name: &str,
    text: &str,
    registry: &Registry,
) -> Result<Policy, Vec<InputError>> {
    let source = source_from_text(display, text);
    let docs = parse_documents(&source, Limits::default()).map_err(|e| vec![e])?;
    let mut policy = Policy {
        name: name.to_string(),
        pod_security: None,
        fail_on: None,
        rules: Vec::new(),
        exceptions: Vec::new(),
        params: crate::params::Params::default(),
        compound: Vec::new(),
        base: None,
    };
    let Some(doc) = docs.into_iter().next() else {
        return Ok(policy);
    };
    let Some(entries) = doc.as_map() else {
        return Err(vec![InputError::at(&doc.pos, "a policy must be a mapping")]);
    };
    let mut errors = Vec::new();
    // `extends` first, so this file's keys override the preset's.
    if let Some(base) = doc.get("extends") {
        match base.as_str().map(|name| preset(name, registry)) {
            Some(Ok(base)) => {
                policy.pod_security = base.pod_security;
                policy.fail_on = base.fail_on;
                policy.rules = base.rules;
                policy.exceptions = base.exceptions;
                policy.params = base.params;
            }
            Some(Err(message)) => errors.push(InputError::at(&base.pos, message)),
            None => errors.push(InputError::at(
                &base.pos,
                "`extends` must name a built-in policy",
            )),
        }
    }
    // Then the policy's own rules, so its settings and exceptions may name them.
    // A broken declaration still names its rule: no second error there.
    let mut known = Known {
        registry,
        declared: Vec::new(),
    };
    if let Some(node) = doc.get("compound-rules") {
        policy.compound = compound::parse_declared(node, registry, &mut errors);
        known.declared.extend(
            node.as_map()
                .unwrap_or(&[])
                .iter()
                .map(|(k, _)| k.text.as_str()),
        );
    }
    for (key, value) in entries {
        match key.text.as_str() {
            "extends" | "compound-rules" => {}
            "rules" => rule_settings(value, &known, &mut policy, &mut errors),
            "exceptions" => match value.as_seq() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        if let Some(e) = exception(item, index, &known, &mut errors) {
                            policy.exceptions.push(e);
                        }
                    }
                }
                None => errors.push(InputError::at(&value.pos, "`exceptions` must be a list")),
            },
            "pod-security" => match value.as_str() {
                Some("baseline") => policy.pod_security = Some(Level::Baseline),
                Some("restricted") => policy.pod_security = Some(Level::Restricted),
                _ => errors.push(InputError::at(
                    &value.pos,
                    "`pod-security` must be `baseline` or `restricted`",
                )),
            },
            "fail-on" => match severity(value) {
                Some(s) => policy.fail_on = Some(s),
                None => errors.push(InputError::at(
                    &value.pos,
                    "`fail-on` must be info, low, medium, high or critical",
                )),
            },
            other => {
                let hint = crate::suggest::closest(other, KEYS)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.push(InputError::at(
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

/// The rule ids a policy may name: built in, or declared by the policy.
struct Known<'a> {
    registry: &'a Registry,
    declared: Vec<&'a str>,
}

/// A rule id (built in, or declared by the policy), or its error with
/// "did you mean".
fn rule_id(id: &str, pos: &Pos, known: &Known, errors: &mut Vec<InputError>) -> Option<String> {
    if known.registry.find(id).is_some() || known.declared.contains(&id) {
        return Some(id.to_string());
    }
    let hint = crate::suggest::closest(
        id,
        (known.registry.all().iter().map(|r| r.id.as_ref())).chain(known.declared.iter().copied()),
    )
    .map(|s| format!("; did you mean `{s}`?"))
    .unwrap_or_default();
    errors.push(InputError::at(pos, format!("no rule `{id}`{hint}")));
    None
}

/// `rules: {id: off | <severity>}`.
fn rule_settings(node: &Node, known: &Known, policy: &mut Policy, errors: &mut Vec<InputError>) {
    let Some(entries) = mapping(
        node,
        "`rules` must map rule ids to `off`, a severity, or a mapping of `severity` and parameters",
        errors,
    ) else {
        return;
    };
    for (key, value) in entries {
        let Some(rule) = rule_id(&key.text, &key.pos, known, errors) else {
            continue;
        };
        // `id: high`, or `id: {severity: high, <parameter>: [...]}`.
        let severity_node = match value.as_map() {
            Some(fields) => {
                for (field, list) in fields {
                    if field.text != "severity" {
                        crate::params::parse(&rule, field, list, &mut policy.params, errors);
                    }
                }
                value.get("severity")
            }
            None => Some(value),
        };
        let Some(severity_node) = severity_node else {
            continue;
        };
        let setting = match severity_node.as_str() {
            Some("off") | Some("false") => Some(None),
            _ => severity(severity_node).map(Some),
        };
        match setting {
            Some(severity) => policy.rules.push(RuleSetting { rule, severity }),
            None => errors.push(InputError::at(
                &severity_node.pos,
                format!(
                    "`{}` must be `off` or info, low, medium, high or critical",
                    key.text
                ),
            )),
        }
    }
}

/// One entry of `exceptions`.
fn exception(
    node: &Node,
    index: usize,
    known: &Known,
    errors: &mut Vec<InputError>,
) -> Option<Exception> {
    let entries = mapping(node, "an exception must be a mapping", errors)?;
    let before = errors.len();
    unknown_keys(entries, &EXCEPTION_KEYS, "exception", errors);
    let text = |key: &str| node.get(key).and_then(Node::as_str).map(String::from);
    let glob = |key: &str, errors: &mut Vec<InputError>| {
        let value = node.get(key)?;
        match value
            .as_str()
            .map(|g| globset::Glob::new(g.trim_start_matches('/')))
        {
            Some(Ok(glob)) => Some(glob.compile_matcher()),
            Some(Err(e)) => {
                errors.push(InputError::at(&value.pos, format!("`{key}`: {e}")));
                None
            }
            None => {
                errors.push(InputError::at(
                    &value.pos,
                    format!("`{key}` must be a glob"),
                ));
                None
            }
        }
    };
    let rule = match node.get("rule") {
        Some(r) => rule_id(r.as_str().unwrap_or(""), &r.pos, known, errors),
        None => {
            errors.push(InputError::at(&node.pos, "an exception needs a `rule`"));
            None
        }
    };
    let reason = text("reason").filter(|r| !r.trim().is_empty());
    if reason.is_none() {
        errors.push(InputError::at(
            &node.pos,
            "an exception needs a `reason` (why the finding is accepted)",
        ));
    }
    let expires = match node.get("expires") {
        None => None,
        Some(value) => match value.as_str().and_then(Date::parse) {
            Some(date) => Some(date),
            None => {
                errors.push(InputError::at(
                    &value.pos,
                    "`expires` must be a date, YYYY-MM-DD",
                ));
                None
            }
        },
    };
    let path = glob("path", errors);
    let image_path = glob("image-path", errors);
    if errors.len() > before {
        return None;
    }
    Some(Exception {
        rule: rule?,
        path,
        service: text("service"),
        namespace: text("namespace"),
        workload: text("workload"),
        image: text("image"),
        image_path,
        reason: reason?,
        expires,
        at: node.pos.clone(),
        route: format!("exceptions[{index}]"),
    })
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
    fn every_preset_parses() {
        for (name, _) in PRESETS {
            assert!(
                preset(name, &crate::rules::registry()).is_ok(),
                "{name}: {:?}",
                preset(name, &crate::rules::registry()).err()
            );
        }
        let strict = preset("strict", &crate::rules::registry()).unwrap();
        assert_eq!(strict.fail_on, Some(Severity::Medium));
        assert!(
            strict
                .rules
                .iter()
                .any(|r| r.rule == "no-new-privileges" && r.severity == Some(Severity::High))
        );
    }

    #[test]
    fn the_presets_parse() {
        assert_eq!(
            preset("pss-baseline", &crate::rules::registry())
                .unwrap()
                .pod_security,
            Some(Level::Baseline)
        );
        assert_eq!(
            preset("pss-restricted", &crate::rules::registry())
                .unwrap()
                .fail_on,
            Some(Severity::Info)
        );
        assert!(
            preset("pss-restricted2", &crate::rules::registry())
                .unwrap_err()
                .contains("did you mean `pss-restricted`")
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let errors = parse(
            "p.yaml",
            "p",
            "pod-securty: baseline\nfail-on: sometimes\n",
            &crate::rules::registry(),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, Some(1));
        assert!(errors[0].message.contains("did you mean `pod-security`"));
        assert_eq!(errors[1].line, Some(2));
    }

    #[test]
    fn parameters_are_read_under_their_rule() {
        let policy = parse(
            "p.yaml",
            "p",
            "rules:\n  added-capabilities:\n    allowed: [cap_net_admin]\n  host-path-mount:\n    severity: high\n    sensitive-paths: [/srv/keys/]\n  untrusted-registry:\n    trusted: [registry.example.com/]\n",
            &crate::rules::registry(),
        )
        .unwrap();
        assert_eq!(policy.params.allowed_capabilities, ["NET_ADMIN"]);
        assert_eq!(policy.params.sensitive_paths, ["/srv/keys"]);
        assert_eq!(policy.params.trusted_registries, ["registry.example.com"]);
        assert_eq!(policy.rules.len(), 1, "the severity is a setting too");
    }

    #[test]
    fn every_parameter_problem_is_reported() {
        let errors = parse(
            "p.yaml",
            "p",
            "rules:\n  network-tool:\n    tool: [curl]\n    allowed: curl\n  privileged:\n    allowed: [x]\n  host-path-mount:\n    sensitive-paths: [srv]\n",
            &crate::rules::registry(),
        )
        .unwrap_err();
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let all = all.join("\n");
        assert!(
            all.contains(
                "p.yaml:3:5: `network-tool` has no parameter `tool`; did you mean `tools`?"
            ),
            "{all}"
        );
        assert!(
            all.contains("p.yaml:4:14: `allowed` must be a list of names"),
            "{all}"
        );
        assert!(
            all.contains("p.yaml:6:5: `privileged` takes no parameters"),
            "{all}"
        );
        assert!(
            all.contains("p.yaml:8:22: `sensitive-paths` are absolute"),
            "{all}"
        );
    }
}
