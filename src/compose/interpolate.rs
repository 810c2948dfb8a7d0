//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-d}`,
//! `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`, nesting in
//! the default/alternative/message, and `$$` for a literal `$`.
//!
//! Applied to every scalar value of a file (never to keys) before files are
//! merged, as the Compose specification says.

use std::collections::HashMap;

use crate::error::InputError;
use crate::yaml::{Node, Value};

/// Variables visible to interpolation, already in Compose's precedence.
pub type Env = HashMap<String, String>;

/// Nesting of `${...}` inside defaults deeper than this is refused.
const MAX_NESTING: usize = 32;

/// Longest value one scalar may expand to: a variable repeated in a
/// template multiplies its size, so a few lines can ask for gigabytes.
pub const MAX_EXPANDED_VALUE: usize = 4 << 20;

/// Most bytes the interpolation of one file may produce in all.
pub const MAX_EXPANDED_FILE: usize = 16 << 20;

/// Why a template could not be expanded.
#[derive(Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `${VAR:?message}` or `${VAR?message}` with the variable missing.
    Required { name: String, message: String },
    /// A malformed `${...}`.
    Syntax(String),
    /// The value grew past [`MAX_EXPANDED_VALUE`].
    TooLarge,
}

/// The outcome of expanding one string.
#[derive(Debug, Default)]
pub struct Expanded {
    pub text: String,
    /// Text taken from the environment (a variable's value) is in the
    /// result; defaults and alternatives written in the file do not count.
    pub from_env: bool,
    /// Variables that were unset and had no default: Compose warns and uses "".
    pub unset: Vec<String>,
    /// Required variables (`${VAR:?…}`) left unset, when they are allowed
    /// to be ([`Required::Warn`]): expanded to "".
    pub required_unset: Vec<String>,
    /// What a required variable left unset is.
    required: Required,
}

/// What a required variable (`${VAR:?message}`) left unset is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Required {
    /// An error, as in Docker Compose: the project cannot be loaded.
    #[default]
    Error,
    /// Expanded to "" and reported: the file was found by a scan, and the
    /// variable is one the deploying environment provides.
    Warn,
}

/// Expands one template string.
pub fn expand(template: &str, env: &Env) -> Result<Expanded, TemplateError> {
    let mut out = Expanded::default();
    expand_into(template, env, 0, &mut out)?;
    Ok(out)
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

fn expand_into(
    template: &str,
    env: &Env,
    depth: usize,
    out: &mut Expanded,
) -> Result<(), TemplateError> {
    if depth > MAX_NESTING {
        return Err(TemplateError::Syntax(format!(
            "interpolation nested deeper than {MAX_NESTING} levels"
        )));
    }
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        if out.text.len() > MAX_EXPANDED_VALUE {
            return Err(TemplateError::TooLarge);
        }
        out.text.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let mut chars = after.chars();
        match chars.next() {
            Some('$') => {
                out.text.push('$');
                rest = &after[1..];
            }
            Some('{') => {
                let body_end = matching_brace(&after[1..]).ok_or_else(|| {
                    TemplateError::Syntax(if crate::hazards::credentials::quotable(template) {
                        format!("unterminated `${{` in \"{template}\"")
                    } else {
                        "unterminated `${`".to_string()
                    })
                })?;
                let body = &after[1..1 + body_end];
                substitute(body, env, depth, out)?;
                rest = &after[1 + body_end + 1..];
            }
            Some(c) if is_name_start(c) => {
                let len = after
                    .char_indices()
                    .find(|(_, c)| !is_name_char(*c))
                    .map_or(after.len(), |(j, _)| j);
                let name = &after[..len];
                lookup(name, env, out);
                rest = &after[len..];
            }
            _ => {
                // Not a variable: kept as written.
                out.text.push('$');
                rest = after;
            }
        }
    }
    out.text.push_str(rest);
    if out.text.len() > MAX_EXPANDED_VALUE {
        return Err(TemplateError::TooLarge);
    }
    Ok(())
}

/// The index of the `}` closing a `${`, counting nested `${...}`.
fn matching_brace(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn lookup(name: &str, env: &Env, out: &mut Expanded) {
    match env.get(name) {
        Some(value) => {
            out.text.push_str(value);
            out.from_env = true;
        }
        None => {
            out.unset.push(name.to_string());
        }
    }
}

fn substitute(
    body: &str,
    env: &Env,
    depth: usize,
    out: &mut Expanded,
) -> Result<(), TemplateError> {
    let name_len = body
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(body.len(), |(j, _)| j);
    let name = &body[..name_len];
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(TemplateError::Syntax(format!(
            "invalid interpolation `${{{body}}}`"
        )));
    }
    let op = &body[name_len..];
    let value = env.get(name);
    let set = value.is_some();
    let non_empty = value.is_some_and(|v| !v.is_empty());
    let (operator, arg) = split_operator(op)
        .ok_or_else(|| TemplateError::Syntax(format!("invalid interpolation `${{{body}}}`")))?;
    match operator {
        "" => lookup(name, env, out),
        ":-" | "-" => {
            let use_default = if operator == ":-" { !non_empty } else { !set };
            if use_default {
                expand_into(arg, env, depth + 1, out)?;
            } else {
                out.text.push_str(value.map_or("", String::as_str));
                out.from_env = true;
            }
        }
        ":+" | "+" => {
            let use_alt = if operator == ":+" { non_empty } else { set };
            if use_alt {
                expand_into(arg, env, depth + 1, out)?;
            }
        }
        ":?" | "?" => {
            let ok = if operator == ":?" { non_empty } else { set };
            if ok {
                out.text.push_str(value.map_or("", String::as_str));
                out.from_env = true;
            } else if out.required == Required::Warn {
                out.required_unset.push(name.to_string());
            } else {
                let mut message = Expanded::default();
                expand_into(arg, env, depth + 1, &mut message)?;
                return Err(TemplateError::Required {
                    name: name.to_string(),
                    message: message.text,
                });
            }
        }
        _ => unreachable!("split_operator returns only known operators"),
    }
    Ok(())
}

fn split_operator(op: &str) -> Option<(&'static str, &str)> {
    if op.is_empty() {
        return Some(("", ""));
    }
    for operator in [":-", ":+", ":?", "-", "+", "?"] {
        if let Some(arg) = op.strip_prefix(operator) {
            return Some((operator, arg));
        }
    }
    None
}

/// Whether a template refers to any variable (`$$` is a literal `$`).
pub fn has_variables(template: &str) -> bool {
    let bytes = template.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            match bytes.get(i + 1) {
                Some(b'$') => i += 1,
                Some(b'{') => return true,
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => return true,
                _ => {}
            }
        }
        i += 1;
    }
    false
}

/// The defaults (`${V:-d}`, `${V-d}`) written in a template, outermost
/// first: text a reviewer sees in the file even when a variable is set.
/// Defaults nested deeper than [`expand`] reads ([`MAX_NESTING`]) are
/// not looked into: a template may be read (its variable set) however
/// deep its defaults nest, and each level would cost a pass over the
/// rest of the text and a frame of the stack.
pub fn written_defaults(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    defaults_within(template, 0, &mut out);
    out
}

fn defaults_within<'t>(template: &'t str, depth: usize, out: &mut Vec<&'t str>) {
    if depth > MAX_NESTING {
        return;
    }
    let mut rest = template;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = matching_brace(after) else {
            break;
        };
        let body = &after[..end];
        let name_len = body
            .char_indices()
            .find(|(_, c)| !is_name_char(*c))
            .map_or(body.len(), |(j, _)| j);
        let op = &body[name_len..];
        if let Some(default) = op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
            out.push(default);
            defaults_within(default, depth + 1, out);
        }
        rest = &after[end + 1..];
    }
}

/// Interpolates every scalar value in a tree (keys are left alone).
/// Returns the names of unset variables (Compose warns about them).
/// The variables of a tree's interpolation that were unset: without a
/// default (Compose warns and uses ""), and required ones (with
/// [`Required::Warn`]).
#[derive(Debug, Default)]
pub struct Unset {
    pub plain: Vec<String>,
    pub required: Vec<String>,
    /// Bytes the interpolation produced, bounded by [`MAX_EXPANDED_FILE`].
    pub expanded_bytes: usize,
}

pub fn interpolate_tree(
    node: &mut Node,
    env: &Env,
    required: Required,
) -> Result<Unset, InputError> {
    let mut unset = Unset::default();
    walk(node, env, required, &mut unset)?;
    for names in [&mut unset.plain, &mut unset.required] {
        names.sort();
        names.dedup();
    }
    Ok(unset)
}

fn walk(
    node: &mut Node,
    env: &Env,
    required: Required,
    unset: &mut Unset,
) -> Result<(), InputError> {
    match &mut node.value {
        Value::Scalar(scalar) => {
            if !scalar.text.contains('$') {
                return Ok(());
            }
            let mut expanded = Expanded {
                required,
                ..Expanded::default()
            };
            let result = expand_into(&scalar.text, env, 0, &mut expanded);
            let expanded = result.map(|()| expanded).map_err(|e| match e {
                TemplateError::Required { name, message } => {
                    let detail = if message.is_empty() {
                        format!("required variable {name} is missing a value")
                    } else {
                        format!("required variable {name} is missing a value: {message}")
                    };
                    InputError::at(&node.pos, detail)
                }
                TemplateError::Syntax(message) => InputError::at(&node.pos, message),
                TemplateError::TooLarge => InputError::at(
                    &node.pos,
                    format!(
                        "interpolation makes this value larger than {} MiB (a variable \
                         repeated many times?): refused like an alias bomb",
                        MAX_EXPANDED_VALUE >> 20
                    ),
                ),
            })?;
            unset.expanded_bytes += expanded.text.len();
            if unset.expanded_bytes > MAX_EXPANDED_FILE {
                return Err(InputError::at(
                    &node.pos,
                    format!(
                        "interpolation makes this file larger than {} MiB (variables \
                         repeated many times?): refused like an alias bomb",
                        MAX_EXPANDED_FILE >> 20
                    ),
                ));
            }
            let raw = std::mem::replace(&mut scalar.text, expanded.text);
            scalar.interpolated |= expanded.from_env;
            scalar.raw = Some(raw);
            unset.plain.extend(expanded.unset);
            unset.required.extend(expanded.required_unset);
        }
        Value::Seq(items) => {
            for item in items {
                walk(item, env, required, unset)?;
            }
        }
        Value::Map(entries) => {
            for (_, value) in entries {
                walk(value, env, required, unset)?;
            }
        }
        Value::Null => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        [("SET", "value"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn x(t: &str) -> String {
        expand(t, &env()).unwrap().text
    }

    #[test]
    fn expands_every_operator_like_compose() {
        assert_eq!(x("$SET ${SET}"), "value value");
        assert_eq!(x("${UNSET:-d} ${EMPTY:-d} ${SET:-d}"), "d d value");
        assert_eq!(x("${UNSET-d} ${EMPTY-d}"), "d ");
        assert_eq!(x("${UNSET:+a} ${EMPTY:+a} ${SET:+a}"), "  a");
        assert_eq!(x("${UNSET+a} ${EMPTY+a}"), " a");
        assert_eq!(x("$$SET $$ $5 a$"), "$SET $ $5 a$");
        assert_eq!(x("${UNSET:-${ALSO:-${SET}}}"), "value");
    }

    #[test]
    fn required_variables_fail_with_their_message() {
        let err = expand("${UNSET:?set it}", &env()).unwrap_err();
        assert_eq!(
            err,
            TemplateError::Required {
                name: "UNSET".into(),
                message: "set it".into()
            }
        );
        assert!(expand("${EMPTY:?x}", &env()).is_err());
        assert!(expand("${EMPTY?x}", &env()).is_ok());
    }

    #[test]
    fn reports_unset_variables_and_bad_syntax() {
        let out = expand("a${NOPE}b", &env()).unwrap();
        assert_eq!(out.text, "ab");
        assert_eq!(out.unset, vec!["NOPE".to_string()]);
        assert!(matches!(
            expand("${oops", &env()),
            Err(TemplateError::Syntax(_))
        ));
        assert!(matches!(
            expand("${A/b/c}", &env()),
            Err(TemplateError::Syntax(_))
        ));
    }

    #[test]
    fn written_defaults_are_read_only_as_deep_as_expansion_reads() {
        assert_eq!(written_defaults("${A:-a${B-b}}"), vec!["a${B-b}", "b"]);
        // Deep enough to overflow a stack one frame per level; expanded
        // with `A` set, the template is valid.
        let levels = 200_000;
        let template = format!("{}x{}", "${A:-".repeat(levels), "}".repeat(levels));
        assert_eq!(written_defaults(&template).len(), MAX_NESTING + 1);
        assert_eq!(x(&template.replace("${A", "${SET")), "value");
    }
}
