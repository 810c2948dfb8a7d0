//! The build a Dockerfile describes: its stages (named and numbered), the
//! `ARG`s before the first `FROM`, each stage's base (an image, an earlier
//! stage, or `scratch`), which stage is the image (the last, or a Compose
//! `build.target`), and what that image will be at run time: the user,
//! `HEALTHCHECK`, following `FROM stage` chains. `ARG` and `ENV` values are
//! substituted the way BuildKit does (`$x`, `${x}`, `${x:-default}`,
//! `${x:+alternative}`).

use std::collections::HashMap;

use super::syntax::{Args, Dockerfile, Instruction, Text, Word};

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// An image, its reference with the build arguments substituted.
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
    /// `FROM scratch`: nothing.
    Scratch,
}

/// One stage: `FROM …` and the instructions up to the next `FROM`.
#[derive(Debug)]
pub struct Stage<'a> {
    pub index: usize,
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    pub from: &'a Instruction,
    /// The image reference word of the `FROM`, as written.
    pub reference: Option<Word>,
    pub base: Base,
    /// The instructions after the `FROM`.
    pub instructions: &'a [Instruction],
}

impl Stage<'_> {
    /// How messages and routes name it: `stage build`, or `stage 2`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("stage {name}"),
            None => format!("stage {}", self.index),
        }
    }
}

/// The stages of a Dockerfile and the arguments they were resolved with.
#[derive(Debug)]
pub struct Build<'a> {
    pub dockerfile: &'a Dockerfile,
    pub stages: Vec<Stage<'a>>,
    /// `ARG`s before the first `FROM`, with their values (defaults
    /// overridden by the build's arguments).
    pub global_args: HashMap<String, String>,
}

/// What the image will run as, and where the Dockerfile says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeUser {
    /// The `USER` value (substituted), or `None` when no stage of the
    /// chain sets one (the base image's user applies).
    pub user: Option<String>,
    /// The `USER` instruction's argument, when there is one.
    pub at: Option<Word>,
    /// The stage chain ends on `scratch`, or on an image.
    pub base: Base,
}

impl<'a> Build<'a> {
    /// Resolves the stages, with `build_args` (Compose `build.args`,
    /// `--build-arg`) overriding `ARG` defaults.
    pub fn new(dockerfile: &'a Dockerfile, build_args: &HashMap<String, String>) -> Build<'a> {
        let mut global_args = HashMap::new();
        let mut stages: Vec<Stage<'a>> = Vec::new();
        let all = &dockerfile.instructions;
        let froms: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(n, _)| n)
            .collect();
        let mut budget = VariableBudget::default();
        for instruction in all.iter().take(froms.first().copied().unwrap_or(all.len())) {
            if instruction.keyword == "ARG" {
                for (name, default) in arg_names(instruction) {
                    let value = build_args
                        .get(&name)
                        .cloned()
                        .or_else(|| default.map(|d| expand(&d, &global_args)))
                        .unwrap_or_default();
                    global_args.insert(name, budget.spend(value));
                }
            }
        }
        // The first stage of each name, as BuildKit resolves `FROM name`.
        let mut named: HashMap<String, usize> = HashMap::new();
        for (index, &at) in froms.iter().enumerate() {
            let from = &all[at];
            let end = froms.get(index + 1).copied().unwrap_or(all.len());
            let words = match &from.args {
                Args::Shell(text) => text.words(),
                Args::Json(words) => words.clone(),
            };
            let reference = words.first().cloned();
            let name = match words.as_slice() {
                [_, as_, name, ..] if as_.text.eq_ignore_ascii_case("as") => {
                    Some(name.text.to_ascii_lowercase())
                }
                _ => None,
            };
            let image = reference
                .as_ref()
                .map(|w| expand(&w.text, &global_args))
                .unwrap_or_default();
            let lowered = image.to_ascii_lowercase();
            // Only an earlier stage can be a base: `FROM x AS x` is image x.
            let earlier = named
                .get(lowered.as_str())
                .copied()
                .or_else(|| lowered.parse::<usize>().ok().filter(|&n| n < index));
            if let Some(name) = &name {
                named.entry(name.clone()).or_insert(index);
            }
            let base = match earlier {
                Some(stage) => Base::Stage(stage),
                None if lowered == "scratch" => Base::Scratch,
                None => Base::Image(image),
            };
            stages.push(Stage {
                index,
                name,
                from,
                reference,
                base,
                instructions: &all[at + 1..end],
            });
        }
        Build {
            dockerfile,
            stages,
            global_args,
        }
    }

    /// The stage that is the image: `target` (a stage name), else the
    /// last. `None` for a Dockerfile without `FROM` or an unknown target.
    pub fn runtime_stage(&self, target: Option<&str>) -> Option<&Stage<'a>> {
        match target {
            Some(target) => {
                let target = target.to_ascii_lowercase();
                self.stages
                    .iter()
                    .find(|s| s.name.as_deref() == Some(target.as_str()))
            }
            None => self.stages.last(),
        }
    }

    /// The stages an image built from `stage` is made of: the stage, its
    /// base stage, that one's base, … (the last is built on an image or
    /// `scratch`).
    pub fn chain(&self, stage: usize) -> Vec<&Stage<'a>> {
        let mut chain = Vec::new();
        let mut at = Some(stage);
        while let Some(i) = at {
            let Some(stage) = self.stages.get(i) else {
                break;
            };
            chain.push(stage);
            at = match stage.base {
                // Bases are earlier stages, so this ends.
                Base::Stage(base) if base < i => Some(base),
                _ => None,
            };
        }
        chain
    }

    /// The user the image built from `stage` runs as: the last `USER` of
    /// the stage chain (the stage's own first).
    pub fn runtime_user(&self, stage: usize) -> RuntimeUser {
        let chain = self.chain(stage);
        let base = chain.last().map_or(Base::Scratch, |s| s.base.clone());
        for stage in &chain {
            let vars = self.stage_vars(stage);
            if let Some(user) = stage
                .instructions
                .iter()
                .rev()
                .find(|i| i.keyword == "USER")
            {
                let word = match &user.args {
                    Args::Shell(text) => text.words().into_iter().next(),
                    Args::Json(words) => words.first().cloned(),
                };
                // BuildKit reads the argument as one shell word: quotes
                // removed, variables expanded (`USER "root"` is root).
                return RuntimeUser {
                    user: word.as_ref().map(|w| expand(&unquote(&w.text), &vars)),
                    at: word,
                    base,
                };
            }
        }
        RuntimeUser {
            user: None,
            at: None,
            base,
        }
    }

    /// The variables a stage's instructions see: the global `ARG`s it
    /// declares again, its own `ARG`s and `ENV`s (the last values).
    pub fn stage_vars(&self, stage: &Stage) -> HashMap<String, String> {
        let mut vars = HashMap::new();
        let mut budget = VariableBudget::default();
        for instruction in stage.instructions {
            match instruction.keyword.as_str() {
                "ARG" => {
                    for (name, default) in arg_names(instruction) {
                        let value = self
                            .global_args
                            .get(&name)
                            .cloned()
                            .or_else(|| default.map(|d| expand(&d, &vars)))
                            .unwrap_or_default();
                        vars.insert(name, budget.spend(value));
                    }
                }
                "ENV" => {
                    if let Args::Shell(text) = &instruction.args {
                        for (name, value) in key_values(text, true) {
                            let value = value.map_or(String::new(), |v| expand(&v.text, &vars));
                            vars.insert(name.text, budget.spend(value));
                        }
                    }
                }
                _ => {}
            }
        }
        vars
    }
}

/// Base images known to run as a non-root user when the Dockerfile sets
/// none: distroless `nonroot` tags, Chainguard's and Bitnami's images.
pub fn non_root_base(reference: &str) -> bool {
    let reference = reference.to_ascii_lowercase();
    let tag = reference.rsplit_once(':').map_or("", |(_, t)| t);
    tag.contains("nonroot")
        || reference.starts_with("cgr.dev/chainguard/")
        || reference.starts_with("bitnami/")
        || reference.starts_with("docker.io/bitnami/")
}

impl RuntimeUser {
    /// The user the image runs as, for the join: the `USER`, else `""`
    /// (root) unless the base is known to run as non-root.
    pub fn effective(&self) -> String {
        match (&self.user, &self.base) {
            (Some(user), _) => user.clone(),
            (None, Base::Image(image)) if non_root_base(image) => "nonroot".into(),
            (None, _) => String::new(),
        }
    }
}

/// The names an `ARG` declares, with their defaults (`ARG a=1 b`).
pub fn arg_names(instruction: &Instruction) -> Vec<(String, Option<String>)> {
    let Args::Shell(text) = &instruction.args else {
        return Vec::new();
    };
    key_values(text, false)
        .into_iter()
        .map(|(name, value)| (name.text, value.map(|v| v.text)))
        .collect()
}

/// `KEY=VALUE` pairs (`ENV`, `ARG`, `LABEL`), values unquoted, each with
/// where it is written. With `old_form` (`ENV` only), `ENV KEY value with
/// spaces` is one pair. A name without `=` has no value.
pub fn key_values(text: &Text, old_form: bool) -> Vec<(Word, Option<Word>)> {
    let t = text.text.as_str();
    let bytes = t.as_bytes();
    let first_word_end = t.find(char::is_whitespace).unwrap_or(t.len());
    if old_form && !t[..first_word_end].contains('=') && first_word_end < t.len() {
        // `ENV NAME value…`: the rest of the line is the value.
        let value_start =
            first_word_end + t[first_word_end..].len() - t[first_word_end..].trim_start().len();
        return vec![(
            text.word(0..first_word_end),
            Some(Word {
                text: unquote(t[value_start..].trim_end()),
                span: text.span(value_start..t.trim_end().len()),
            }),
        )];
    }
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = text.word(name_start..i);
        if i >= bytes.len() || bytes[i] != b'=' {
            pairs.push((name, None));
            continue;
        }
        i += 1;
        let value_start = i;
        let mut quote = None;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (None, b'"' | b'\'') => quote = Some(bytes[i]),
                (Some(q), c) if c == q => quote = None,
                (None, b'\\') => i += 1,
                (None, c) if c.is_ascii_whitespace() => break,
                _ => {}
            }
            i += 1;
        }
        let end = i.min(bytes.len());
        pairs.push((
            name,
            Some(Word {
                text: unquote(&t[value_start..end]),
                span: text.span(value_start..end),
            }),
        ));
    }
    pairs
}

/// Removes one level of quotes and backslash escapes.
fn unquote(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut quote = None;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => out.push(c),
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            (_, c) => out.push(c),
        }
    }
    out
}

/// Longest value an `ARG` or `ENV` substitution makes. `ARG B=$A$A`,
/// `ARG C=$B$B`… doubles a value per line, so forty lines would ask for a
/// terabyte; a value is cut at this length instead (no real argument is
/// that long, and drydock reads only image names, users, packages and
/// ports out of them).
const MAX_EXPANDED: usize = 1 << 20;

/// Most bytes the values of one table of variables (the global `ARG`s, or
/// a stage's) hold in all. Each value is cut at [`MAX_EXPANDED`], but a
/// few hundred lines of `ARG A2=$A1$A1`, `ARG A3=$A2$A2`… would still make
/// a megabyte each (a 100 KB Dockerfile took 8 GB); past this budget a
/// value is cut to what is left of it, so a stage's variables cost at most
/// this much, however many lines ask for more.
const MAX_VARIABLE_BYTES: usize = 4 << 20;

/// What the values of one table of variables have used of
/// [`MAX_VARIABLE_BYTES`].
#[derive(Default)]
struct VariableBudget {
    spent: usize,
}

impl VariableBudget {
    /// `value`, cut to what is left of the budget, which it then uses.
    fn spend(&mut self, mut value: String) -> String {
        let left = MAX_VARIABLE_BYTES.saturating_sub(self.spent);
        if value.len() > left {
            let mut cut = left;
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            value.truncate(cut);
        }
        self.spent += value.len();
        value
    }
}

/// Substitutes `$x`, `${x}`, `${x:-default}` and `${x:+alternative}`
/// (and their forms without `:`) from `vars`; an unknown variable is empty,
/// `\$` is a literal `$`. The result is cut at [`MAX_EXPANDED`] bytes.
pub fn expand(text: &str, vars: &HashMap<String, String>) -> String {
    let mut out = expand_uncut(text, vars);
    if out.len() > MAX_EXPANDED {
        let mut cut = MAX_EXPANDED;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

fn expand_uncut(text: &str, vars: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if out.len() > MAX_EXPANDED {
            break;
        }
        if c == '\\' && text[i + 1..].starts_with('$') {
            out.push('$');
            chars.next();
            continue;
        }
        if c != '$' {
            out.push(c);
            continue;
        }
        let rest = &text[i + 1..];
        if let Some(body) = rest.strip_prefix('{') {
            let Some(close) = matching_brace(body) else {
                out.push_str(&text[i..]);
                break;
            };
            let inner = &body[..close];
            out.push_str(&expand_braced(inner, vars));
            // Past the `}` (byte offsets: a default may hold any character).
            let end = i + 2 + close + 1;
            while chars.next_if(|&(j, _)| j < end).is_some() {}
            continue;
        }
        let name_len = rest
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            out.push('$');
            continue;
        }
        out.push_str(vars.get(&rest[..name_len]).map_or("", String::as_str));
        for _ in 0..name_len {
            chars.next();
        }
    }
    out
}

fn matching_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn expand_braced(inner: &str, vars: &HashMap<String, String>) -> String {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, op) = inner.split_at(name_len);
    let value = vars.get(name);
    let set = value.is_some_and(|v| !v.is_empty());
    if let Some(default) = op.strip_prefix(":-") {
        return if set {
            value.cloned().unwrap_or_default()
        } else {
            expand(default, vars)
        };
    }
    if let Some(default) = op.strip_prefix('-') {
        return match value {
            Some(v) => v.clone(),
            None => expand(default, vars),
        };
    }
    if let Some(alternative) = op.strip_prefix(":+") {
        return if set {
            expand(alternative, vars)
        } else {
            String::new()
        };
    }
    if let Some(alternative) = op.strip_prefix('+') {
        return if value.is_some() {
            expand(alternative, vars)
        } else {
            String::new()
        };
    }
    value.cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SourceFile;
    use std::sync::Arc;

    fn parsed(text: &str) -> Dockerfile {
        super::super::parse(Arc::new(SourceFile {
            path: "Dockerfile".into(),
            display: "Dockerfile".into(),
            text: text.into(),
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn substitutes_as_buildkit_does() {
        let vars: HashMap<String, String> = [("A".into(), "1".into()), ("E".into(), String::new())]
            .into_iter()
            .collect();
        assert_eq!(expand("x$A-${A}", &vars), "x1-1");
        assert_eq!(expand("${UNSET:-é}x", &vars), "éx");
        assert_eq!(
            expand("${B:-def}/${E:-empty}/${E-set}", &vars),
            "def/empty/"
        );
        assert_eq!(expand("${A:+alt}${B:+no}", &vars), "alt");
        assert_eq!(expand("\\$A $", &vars), "$A $");
        assert_eq!(expand("${A:-${B:-deep}}", &vars), "1");
    }

    #[test]
    fn variables_that_double_per_line_stay_within_the_budget() {
        // Global `ARG`s and a stage's `ARG`s and `ENV`s, each twice the
        // one before: 2 000 lines that would ask for 2^2000 bytes.
        let mut text = String::from("ARG G0=0123456789abcdef\n");
        for i in 1..2000 {
            text.push_str(&format!("ARG G{i}=${{G{}}}${{G{}}}\n", i - 1, i - 1));
        }
        text.push_str("FROM debian:12\nARG G1999\nARG A0=0123456789abcdef\n");
        for i in 1..2000 {
            let keyword = if i % 2 == 0 { "ARG" } else { "ENV" };
            text.push_str(&format!("{keyword} A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        let d = parsed(&text);
        let build = Build::new(&d, &HashMap::new());
        let global: usize = build.global_args.values().map(String::len).sum();
        assert!(global <= MAX_VARIABLE_BYTES, "{global}");
        let stage: usize = build
            .stage_vars(&build.stages[0])
            .values()
            .map(String::len)
            .sum();
        assert!(stage <= MAX_VARIABLE_BYTES, "{stage}");
        // The first values are whole: only what is past the budget is cut.
        assert_eq!(build.global_args["G2"], "0123456789abcdef".repeat(4));
    }

    #[test]
    fn resolves_stages_bases_and_the_runtime_user() {
        let d = parsed(
            "ARG BASE=debian:bookworm\nFROM ${BASE} AS build\nUSER builder\nFROM build AS test\nFROM alpine:3.20 AS tools\nUSER 0\nFROM build\nENV APP=/srv\n",
        );
        let args: HashMap<String, String> = HashMap::new();
        let build = Build::new(&d, &args);
        assert_eq!(build.stages.len(), 4);
        assert_eq!(build.stages[0].base, Base::Image("debian:bookworm".into()));
        assert_eq!(build.stages[1].base, Base::Stage(0));
        assert_eq!(build.runtime_stage(None).map(|s| s.index), Some(3));
        assert_eq!(build.runtime_stage(Some("TOOLS")).map(|s| s.index), Some(2));
        let user = build.runtime_user(3);
        assert_eq!(user.user.as_deref(), Some("builder"));
        assert_eq!(user.base, Base::Image("debian:bookworm".into()));
        assert_eq!(build.runtime_user(2).user.as_deref(), Some("0"));
        let quoted =
            parsed("FROM alpine\nUSER \"root\"\nFROM alpine\nARG U=0\nUSER \"${U:-app}:0\"\n");
        let build = Build::new(&quoted, &HashMap::new());
        assert_eq!(build.runtime_user(0).user.as_deref(), Some("root"));
        assert_eq!(build.runtime_user(1).user.as_deref(), Some("0:0"));
        let overridden: HashMap<String, String> = [("BASE".into(), "ubuntu:24.04".into())]
            .into_iter()
            .collect();
        let build = Build::new(&d, &overridden);
        assert_eq!(build.stages[0].base, Base::Image("ubuntu:24.04".into()));
    }

    #[test]
    fn a_stage_named_like_its_image_is_built_on_the_image() {
        let d = parsed("FROM node AS node\nFROM scratch\nCOPY --from=node /a /a\n");
        let build = Build::new(&d, &HashMap::new());
        assert_eq!(build.stages[0].base, Base::Image("node".into()));
        assert_eq!(build.stages[1].base, Base::Scratch);
        assert_eq!(build.runtime_user(1).user, None);
    }

    #[test]
    fn reads_key_values_in_both_forms() {
        let d = parsed(
            "FROM a\nENV A=1 B=\"two words\" C\nENV OLD value with spaces\nARG TOKEN=abc NAME\n",
        );
        let kv = |i: usize| match &d.instructions[i].args {
            Args::Shell(t) => key_values(t, i != 3)
                .into_iter()
                .map(|(k, v)| (k.text, v.map(|v| v.text).unwrap_or_default()))
                .collect::<Vec<_>>(),
            Args::Json(_) => Vec::new(),
        };
        assert_eq!(
            kv(1),
            [
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), String::new())
            ]
        );
        assert_eq!(kv(2), [("OLD".into(), "value with spaces".into())]);
        assert_eq!(
            arg_names(&d.instructions[3]),
            [("TOKEN".into(), Some("abc".into())), ("NAME".into(), None)]
        );
    }
}
