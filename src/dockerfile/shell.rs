//! Shell commands in `RUN` lines and heredoc scripts, split well enough
//! to see each program and its arguments: words (quotes removed, each
//! with the bytes of the file it was written in) and the operators between
//! commands (`&&`, `||`, `;`, `|`, `&`, line breaks, subshell parentheses).
//! Redirections (`> file`, `2>&1`, `<<EOF`) are left out of the words.
//! Command and process substitutions (`$(…)`, `` `…` ``, `<(…)`) stay
//! inside their word.
//!
//! This is not a shell: nothing is expanded, and text it cannot make sense
//! of (an unterminated quote) ends the last word rather than failing. A
//! crate was weighed and left: brush-parser 0.4, the maintained bash
//! parser, memoises tokenising in process-wide caches and brings ~75
//! crates with two proc-macro stacks; shell-words and shlex know neither
//! operators nor positions; conch-parser is unmaintained since 2017.

use super::syntax::{Text, Word};

/// One simple command.
#[derive(Clone, Debug, Default)]
pub struct Command {
    pub words: Vec<Word>,
    /// Its output is piped into the next command (`a | b`).
    pub pipes_into_next: bool,
}

impl Command {
    /// The index of the program: the first word after `NAME=value`
    /// assignments.
    pub fn program_index(&self) -> Option<usize> {
        self.words.iter().position(|w| !is_assignment(&w.text))
    }

    /// The program's name, without a directory (`/usr/bin/curl` → `curl`).
    pub fn program(&self) -> Option<&str> {
        let word = &self.words[self.program_index()?].text;
        Some(word.rsplit('/').next().unwrap_or(word))
    }

    /// The index of the program that runs once wrappers that run their
    /// arguments as a command are read past: `sudo -u app sh` → `sh`,
    /// `env X=1 nice -n 5 make` → `make`. `None` when a wrapper names
    /// no command (`sudo -i`).
    pub fn runs_index(&self) -> Option<usize> {
        let mut at = self.program_index()?;
        loop {
            let word = &self.words.get(at)?.text;
            let Some(values) = wrapper_value_options(word.rsplit('/').next().unwrap_or(word))
            else {
                return Some(at);
            };
            at += 1;
            while let Some(w) = self.words.get(at) {
                let t = w.text.as_str();
                if t == "--" {
                    at += 1;
                    break;
                }
                if t.starts_with('-') {
                    at += 1 + usize::from(values.contains(&t));
                } else if is_assignment(t) {
                    at += 1;
                } else {
                    break;
                }
            }
        }
    }

    /// The name of the program [`Command::runs_index`] finds, without a
    /// directory.
    pub fn runs(&self) -> Option<&str> {
        let word = &self.words[self.runs_index()?].text;
        Some(word.rsplit('/').next().unwrap_or(word))
    }

    /// The words after the program.
    pub fn arguments(&self) -> &[Word] {
        match self.program_index() {
            Some(i) => &self.words[i + 1..],
            None => &[],
        }
    }
}

/// The options that take a value (the next word) of a program that runs
/// its arguments as a command; `None` for any other program.
fn wrapper_value_options(program: &str) -> Option<&'static [&'static str]> {
    Some(match program {
        "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U"],
        "doas" => &["-u", "-C"],
        "env" => &["-u", "-C", "--unset", "--chdir"],
        "nice" => &["-n", "--adjustment"],
        "time" => &["-f", "-o", "--format", "--output"],
        "nohup" | "exec" | "busybox" => &[],
        _ => return None,
    })
}

/// `NAME=value`: a variable assignment, not a program.
pub fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        None => false,
    }
}

/// The shell's reserved words that may start a command and run none
/// themselves (`for x in …` keeps `x in …` as a command of no use).
const RESERVED: [&str; 14] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "!", "{", "}",
    "esac",
];

/// The blanks that separate words: the shell's space and tab, and a
/// carriage return (a Dockerfile written on Windows). Other control
/// characters (a form feed) are part of a word, as in `sh`.
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

/// The commands of a script, in order.
pub fn commands(script: &Text) -> Vec<Command> {
    let text = script.text.as_bytes();
    let mut commands = Vec::new();
    let mut current = Command::default();
    let mut i = 0;
    // The next word is a redirection's target, not an argument.
    let mut redirect_target = false;
    let end_command = |current: &mut Command, commands: &mut Vec<Command>, pipe: bool| {
        let mut done = std::mem::take(current);
        done.pipes_into_next = pipe;
        if !done.words.is_empty() {
            commands.push(done);
        }
    };
    while i < text.len() {
        let c = text[i];
        match c {
            c if is_blank(c) => i += 1,
            b'\n' | b';' | b'(' | b')' => {
                end_command(&mut current, &mut commands, false);
                i += 1;
            }
            b'&' if text.get(i + 1) == Some(&b'&') => {
                end_command(&mut current, &mut commands, false);
                i += 2;
            }
            b'&' if text.get(i + 1) == Some(&b'>') => {
                redirect_target = true;
                i += 2 + usize::from(text.get(i + 2) == Some(&b'>'));
            }
            b'&' => {
                end_command(&mut current, &mut commands, false);
                i += 1;
            }
            b'|' if text.get(i + 1) == Some(&b'|') => {
                end_command(&mut current, &mut commands, false);
                i += 2;
            }
            b'|' => {
                end_command(&mut current, &mut commands, true);
                i += 1 + usize::from(text.get(i + 1) == Some(&b'&'));
            }
            b'#' => {
                // A comment, to the end of the line.
                while i < text.len() && text[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' | b'>' if text.get(i + 1) != Some(&b'(') => {
                i += 1;
                while i < text.len() && matches!(text[i], b'<' | b'>' | b'&' | b'-' | b'|') {
                    i += 1;
                }
                // `2>&1`: the target is the descriptor, already read.
                if text.get(i).is_some_and(u8::is_ascii_digit) && text[i - 1] == b'&' {
                    i += 1;
                } else {
                    redirect_target = true;
                }
            }
            _ => {
                let (word, end) = read_word(script, i);
                // `2>file`: a descriptor number just before a redirection.
                let is_fd = word.text.bytes().all(|b| b.is_ascii_digit())
                    && matches!(text.get(end), Some(b'<' | b'>'));
                // `then apt-get …`, `do apk add …`: a reserved word, unquoted,
                // where a command starts is no program.
                let reserved = current.words.is_empty()
                    && script.text[i..end] == word.text
                    && RESERVED.contains(&word.text.as_str());
                if redirect_target {
                    redirect_target = false;
                } else if !is_fd && !reserved {
                    current.words.push(word);
                }
                // Past at least one byte, whatever the word reader stops
                // at: the scan ends on any text.
                i = end.max(i + 1);
            }
        }
    }
    end_command(&mut current, &mut commands, false);
    commands
}

/// Shells: a `-c` argument of theirs is a script, and so is a heredoc
/// they read.
const SHELLS: [&str; 7] = ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// Whether a program (a name without its directory) is a shell.
pub fn is_shell(program: &str) -> bool {
    SHELLS.contains(&program)
}

/// How deep `sh -c "bash -c '…'"` is read.
const MAX_NESTING: usize = 3;

impl Command {
    /// The script of `sh -c SCRIPT` (or `bash -ec SCRIPT`, `sudo sh -c
    /// SCRIPT`): the word after the option cluster holding `c`.
    pub fn shell_script(&self) -> Option<&Word> {
        let at = self.runs_index()?;
        let program = self.words[at].text.rsplit('/').next()?;
        if !is_shell(program) {
            return None;
        }
        let mut options = self.words[at + 1..].iter();
        while let Some(word) = options.next() {
            let t = word.text.as_str();
            if t == "--" {
                // The options end: what follows is a script file's name.
                return None;
            }
            match t.strip_prefix('-') {
                Some(cluster) if !cluster.starts_with('-') && cluster.contains('c') => {
                    return options.next();
                }
                // `-o pipefail`: the option's value.
                Some("o") => {
                    options.next();
                }
                Some(_) => {}
                None => return None,
            }
        }
        None
    }
}

/// The commands of a script and, after them, those of every `sh -c
/// '…'` script inside it, as deep as [`MAX_NESTING`].
pub fn commands_deep(script: &Text, file_text: &str) -> Vec<Command> {
    let mut out = commands(script);
    append_nested(&mut out, 0, file_text, 1);
    out
}

/// The commands of a word that is a script (`sh -c` argument, a JSON-form
/// `RUN`'s), and those nested in them.
pub fn word_commands(word: &Word, file_text: &str) -> Vec<Command> {
    let mut out = script_commands(word, file_text);
    append_nested(&mut out, 0, file_text, 1);
    out
}

fn append_nested(out: &mut Vec<Command>, from: usize, file_text: &str, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    let outer_end = out.len();
    for i in from..outer_end {
        if let Some(word) = out[i].shell_script().cloned() {
            let nested = script_commands(&word, file_text);
            let start = out.len();
            out.extend(nested);
            append_nested(out, start, file_text, depth + 1);
        }
    }
}

/// The commands of a word that is a script. Their words point at where
/// the file writes them when the word is written as is (bare, or quoted
/// without escapes); otherwise each points at the whole word.
fn script_commands(word: &Word, file_text: &str) -> Vec<Command> {
    let written = file_text.get(word.span.start..word.span.end).unwrap_or("");
    let (inner, offset) = ['\'', '"']
        .iter()
        .find_map(|&q| written.strip_prefix(q)?.strip_suffix(q))
        .map_or((written, word.span.start), |inner| {
            (inner, word.span.start + 1)
        });
    if inner == word.text {
        let mut text = Text::default();
        text.push(&word.text, offset);
        return commands(&text);
    }
    let mut cmds = commands_of(&word.text);
    for w in cmds.iter_mut().flat_map(|c| c.words.iter_mut()) {
        w.span = word.span;
    }
    cmds
}

/// The commands of a string that is no text of the file (the inside of a
/// `$(…)` word, a test's script): their words' spans are offsets in
/// `script`.
pub fn commands_of(script: &str) -> Vec<Command> {
    let mut text = Text::default();
    text.push(script, 0);
    commands(&text)
}

/// The word starting at `start`: its text with quotes removed and
/// backslash escapes applied, and the offset just past it.
fn read_word(script: &Text, start: usize) -> (Word, usize) {
    let text = script.text.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = start;
    let mut depth = 0usize;
    while i < text.len() {
        let c = text[i];
        // `<(…)` / `>(…)`: a process substitution, one word.
        let process = matches!(c, b'<' | b'>') && text.get(i + 1) == Some(&b'(');
        if depth == 0 && !process && (is_blank(c) || b"\n;&|()<>".contains(&c)) {
            break;
        }
        match c {
            b'<' | b'>' if process => {
                depth += 1;
                out.extend_from_slice(&text[i..i + 2]);
                i += 2;
            }
            b'\\' => {
                if let Some(&next) = text.get(i + 1) {
                    if next != b'\n' {
                        out.push(next);
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                let close = text[i + 1..]
                    .iter()
                    .position(|&b| b == b'\'')
                    .map_or(text.len(), |p| i + 1 + p);
                out.extend_from_slice(&text[i + 1..close]);
                i = close + 1;
            }
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    if text[i] == b'\\'
                        && let Some(&next) = text.get(i + 1)
                        && matches!(next, b'"' | b'\\' | b'$' | b'`')
                    {
                        out.push(next);
                        i += 2;
                        continue;
                    }
                    out.push(text[i]);
                    i += 1;
                }
                i += 1;
            }
            b'$' if text.get(i + 1) == Some(&b'(') => {
                depth += 1;
                out.extend_from_slice(b"$(");
                i += 2;
            }
            b'(' if depth > 0 => {
                depth += 1;
                out.push(c);
                i += 1;
            }
            b')' if depth > 0 => {
                depth -= 1;
                out.push(c);
                i += 1;
            }
            b'`' => {
                let close = text[i + 1..]
                    .iter()
                    .position(|&b| b == b'`')
                    .map_or(text.len(), |p| i + 1 + p);
                out.extend_from_slice(&text[i..(close + 1).min(text.len())]);
                i = close + 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let end = i.min(text.len());
    (
        Word {
            text: String::from_utf8_lossy(&out).into_owned(),
            span: script.span(start..end),
        },
        end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Text {
        let mut t = Text::default();
        t.push(s, 100);
        t
    }

    fn split(s: &str) -> Vec<Vec<String>> {
        commands(&text(s))
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.text).collect())
            .collect()
    }

    #[test]
    fn splits_on_operators() {
        assert_eq!(
            split("apt-get update && apt-get install -y nc || true; echo done & wait\nls"),
            [
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "nc"],
                vec!["true"],
                vec!["echo", "done"],
                vec!["wait"],
                vec!["ls"],
            ]
        );
    }

    #[test]
    fn removes_quotes_and_keeps_positions() {
        let script = text(r#"echo "a b" 'c d' e\ f x"y"z"#);
        let cmds = commands(&script);
        let words: Vec<&str> = cmds[0].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(words, ["echo", "a b", "c d", "e f", "xyz"]);
        assert_eq!(cmds[0].words[1].span.start, 105);
        assert_eq!(cmds[0].words[1].span.end, 110);
    }

    #[test]
    fn sees_pipes_and_leaves_redirections_out() {
        let cmds = commands(&text(
            "curl -fsSL https://x/install.sh 2>/dev/null | sh -s -- -y > /log 2>&1",
        ));
        assert!(cmds[0].pipes_into_next);
        let first: Vec<&str> = cmds[0].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(first, ["curl", "-fsSL", "https://x/install.sh"]);
        let second: Vec<&str> = cmds[1].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(second, ["sh", "-s", "--", "-y"]);
        assert_eq!(cmds[1].program(), Some("sh"));
    }

    #[test]
    fn keeps_substitutions_in_their_word_and_skips_assignments() {
        let cmds = commands(&text(
            "DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install $(cat list) `pkgs` # note",
        ));
        assert_eq!(cmds.len(), 1);
        assert_eq!(cmds[0].program(), Some("apt-get"));
        let args: Vec<&str> = cmds[0]
            .arguments()
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(args, ["install", "$(cat list)", "`pkgs`"]);
    }

    #[test]
    fn reads_past_reserved_words_to_the_command() {
        assert_eq!(
            split(
                "if [ -n \"$x\" ]; then apt-get install -y a; else ! apk add b; fi\nfor m in $L; do\n  apk add \"$m\"; done; echo then"
            ),
            [
                vec!["[", "-n", "$x", "]"],
                vec!["apt-get", "install", "-y", "a"],
                vec!["apk", "add", "b"],
                vec!["m", "in", "$L"],
                vec!["apk", "add", "$m"],
                vec!["echo", "then"],
            ]
        );
        assert_eq!(split("'if' x"), [vec!["if", "x"]]);
    }

    #[test]
    fn keeps_a_process_substitution_in_its_word() {
        assert_eq!(
            split("bash <(curl -fsSL https://x/i.sh) --y; diff <(a) >(b c)"),
            [
                vec!["bash", "<(curl -fsSL https://x/i.sh)", "--y"],
                vec!["diff", "<(a)", ">(b c)"],
            ]
        );
        assert_eq!(split("sort < in > out"), [vec!["sort"]]);
    }

    #[test]
    fn reads_past_wrappers_to_the_program_they_run() {
        let runs = |s: &str| commands(&text(s))[0].runs().map(str::to_string);
        assert_eq!(runs("sudo -E -u app sh -s").as_deref(), Some("sh"));
        assert_eq!(
            runs("X=1 env -u HOME Y=2 nice -n 5 /usr/bin/make").as_deref(),
            Some("make")
        );
        assert_eq!(
            runs("sudo -- apt-get install x").as_deref(),
            Some("apt-get")
        );
        assert_eq!(runs("busybox wget -O- u").as_deref(), Some("wget"));
        assert_eq!(runs("sudo -i"), None);
        assert_eq!(runs("curl x").as_deref(), Some("curl"));
    }

    #[test]
    fn reads_the_scripts_of_shells_run_with_c() {
        let script = |s: &str| commands(&text(s))[0].shell_script().map(|w| w.text.clone());
        assert_eq!(script("sh -c 'a b'").as_deref(), Some("a b"));
        assert_eq!(
            script("sudo /bin/bash -o pipefail -ec \"x\"").as_deref(),
            Some("x")
        );
        assert_eq!(script("bash -s -- -c x"), None);
        assert_eq!(script("bash script.sh -c x"), None);
        assert_eq!(script("python3 -c x"), None);
        // Written as is: the nested words point into the file.
        let file = format!(
            "{}RUN sh -c 'apk add socat' && bash -c \"sh -c \\\"nc -l\\\"\"",
            " ".repeat(96)
        );
        let deep = commands_deep(&text(&file[100..]), &file);
        let programs: Vec<&str> = deep.iter().filter_map(Command::program).collect();
        assert_eq!(programs, ["sh", "bash", "apk", "sh", "nc"]);
        let socat = &deep[2].words[2];
        assert_eq!(&file[socat.span.start..socat.span.end], "socat");
        // Escaped inside: each word points at the whole script.
        let nc = &deep[4].words[0];
        assert_eq!(&file[nc.span.start..nc.span.end], r#""sh -c \"nc -l\"""#);
    }

    #[test]
    fn survives_what_it_cannot_read() {
        for s in [
            "echo 'unterminated",
            "echo \"x",
            "a $(b",
            "`",
            "\\",
            ">",
            "| |",
            "2>",
            "<(",
            "a >(b",
        ] {
            let _ = commands(&text(s));
        }
    }

    #[test]
    fn a_form_feed_is_part_of_a_word_as_in_sh() {
        // The word reader once stopped at a form feed where the command
        // splitter did not, and words of nothing were read for ever.
        assert_eq!(split("true\x0c&& false"), [vec!["true\x0c"], vec!["false"]]);
        assert_eq!(split("a\x0cb c\r\n"), [vec!["a\x0cb", "c"]]);
    }
}
