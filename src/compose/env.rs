//! `.env` files and the variables interpolation sees.
//!
//! Compose's precedence: the process environment wins over `--env-file`
//! files, which replace the project's `.env`. Values in a `.env` file may
//! use earlier variables (`${A}`), except inside single quotes.

use std::sync::Arc;

use super::interpolate::{Env, expand};
use crate::error::InputError;
use crate::yaml::{Pos, SourceFile};

/// Largest `.env` file read.
pub const MAX_ENV_FILE: u64 = 1 << 20;

/// One variable of an env file and the line that set it.
pub struct EnvEntry {
    pub key: String,
    pub value: String,
    pub line: u32,
}

pub fn parse_env_text(text: &str, display: &str, base: &Env) -> Result<Env, InputError> {
    Ok(parse_env_entries(text, display, base)?
        .into_iter()
        .map(|e| (e.key, e.value))
        .collect())
}

/// Parses a dotenv text into its entries, in order.
pub fn parse_env_entries(
    text: &str,
    display: &str,
    base: &Env,
) -> Result<Vec<EnvEntry>, InputError> {
    let mut entries: Vec<EnvEntry> = Vec::new();
    let mut vars = Env::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i as u32 + 1;
        let raw = lines[i].trim_start();
        i += 1;
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let raw = raw.strip_prefix("export ").unwrap_or(raw).trim_start();
        let split = raw.find(['=', ':']).filter(|&j| {
            // `KEY: value` is accepted like `KEY=value`; a colon must be
            // followed by a space to count.
            raw.as_bytes()[j] == b'=' || raw[j + 1..].starts_with(' ')
        });
        let Some(eq) = split else {
            let name = raw.trim();
            if is_valid_name(name) {
                // A bare name takes its value from the environment, if any.
                if let Some(v) = base.get(name) {
                    vars.insert(name.to_string(), v.clone());
                    entries.push(EnvEntry {
                        key: name.to_string(),
                        value: v.clone(),
                        line: line_no,
                    });
                }
                continue;
            }
            // The line is quoted only when it cannot be a credential: the
            // file may be one that was never meant as an env file.
            let found = if crate::hazards::credentials::quotable(raw) {
                format!(", found `{raw}`")
            } else {
                String::new()
            };
            return Err(located(
                display,
                line_no,
                format!("expected KEY=VALUE{found}"),
            ));
        };
        let key = raw[..eq].trim();
        if !is_valid_name(key) {
            return Err(located(
                display,
                line_no,
                format!("invalid variable name `{key}`"),
            ));
        }
        let mut value = raw[eq + 1..].trim_start().to_string();
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
        let resolved = if let Some(q) = quote {
            // Quoted values may span lines until the closing quote.
            let mut body = value[1..].to_string();
            loop {
                if let Some(end) = closing_quote(&body, q) {
                    body.truncate(end);
                    break;
                }
                if i >= lines.len() {
                    return Err(located(display, line_no, "unterminated quoted value"));
                }
                body.push('\n');
                body.push_str(lines[i]);
                i += 1;
            }
            if q == '\'' {
                body
            } else {
                let unescaped = unescape_double(&body);
                expand_with(&unescaped, &vars, base, display, line_no)?
            }
        } else {
            if let Some(hash) = value.find(" #") {
                value.truncate(hash);
            }
            expand_with(value.trim_end(), &vars, base, display, line_no)?
        };
        vars.insert(key.to_string(), resolved.clone());
        entries.push(EnvEntry {
            key: key.to_string(),
            value: resolved,
            line: line_no,
        });
    }
    Ok(entries)
}

fn located(display: &str, line: u32, message: impl Into<String>) -> InputError {
    InputError {
        line: Some(line),
        ..InputError::in_file(display, message)
    }
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote == '"' {
            escaped = true;
        } else if c == quote {
            return Some(i);
        }
    }
    None
}

fn unescape_double(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn expand_with(
    value: &str,
    vars: &Env,
    base: &Env,
    display: &str,
    line: u32,
) -> Result<String, InputError> {
    if !value.contains('$') {
        return Ok(value.to_string());
    }
    let mut scope = base.clone();
    scope.extend(vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    expand(value, &scope)
        .map(|e| e.text)
        .map_err(|e| located(display, line, format!("{e:?}")))
}

/// The variables for interpolating a project: env files in order (later
/// wins), then `outer` (the process environment, or the including
/// project's variables) over them. Without env files the outer map is
/// shared, not copied.
pub fn project_env(
    env_files: &[Arc<SourceFile>],
    outer: &Arc<Env>,
) -> Result<(Arc<Env>, EnvOrigins), InputError> {
    let mut origins = EnvOrigins::new();
    if env_files.is_empty() {
        return Ok((Arc::clone(outer), origins));
    }
    let mut env = Env::new();
    for source in env_files {
        let mut scope = (**outer).clone();
        scope.extend(env.clone());
        for entry in parse_env_entries(&source.text, &source.display, &scope)? {
            let pos = Pos::line_of(Arc::clone(source), entry.line);
            origins.insert(entry.key.clone(), pos);
            env.insert(entry.key, entry.value);
        }
    }
    // What the outer environment sets is not the file's value.
    origins.retain(|key, _| !outer.contains_key(key));
    env.extend(outer.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok((Arc::new(env), origins))
}

/// Where each interpolation variable a project's env files set was
/// written (its line in `.env` or an `--env-file`), for the variables the
/// process environment does not override.
pub type EnvOrigins = std::collections::HashMap<String, Pos>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dotenv_like_compose() {
        let text = "# c\nA=1\nexport B = two # note\nC='lit $A'\nD=\"x${A}y\\n\"\nE=${A}-${MISSING:-m}\nF: yes\n\nG=\"multi\nline\"\n";
        let env = parse_env_text(text, ".env", &Env::new()).unwrap();
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "two");
        assert_eq!(env["C"], "lit $A");
        assert_eq!(env["D"], "x1y\n");
        assert_eq!(env["E"], "1-m");
        assert_eq!(env["F"], "yes");
        assert_eq!(env["G"], "multi\nline");
    }

    #[test]
    fn names_the_line_of_a_bad_entry() {
        let err = parse_env_text("A=1\nnot valid here\n", ".env", &Env::new()).unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
