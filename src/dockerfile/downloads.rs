//! Downloads in shell commands and the interpreters that run what they
//! fetch: `curl` or `wget` writing to standard output, piped into a shell
//! or a language interpreter that reads its program from standard input
//! (`curl … | sh`), or substituted as its program (`sh -c "$(curl …)"`,
//! `bash <(curl …)`, `eval "$(wget -O- …)"`).

use super::options::{Spec, parse};
use super::shell::{Command, commands_of};
use super::syntax::Word;

/// A download a command writes to standard output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    /// `curl`, `wget`.
    pub tool: String,
    /// The URL as written, when one is.
    pub url: Option<String>,
}

/// curl's options (those that take a value).
pub const CURL: Spec = Spec {
    value_letters: "AbcCdDeEFHKmoPQrtTuUwxXyYz",
    value_longs: &[
        "output",
        "output-dir",
        "user",
        "header",
        "data",
        "data-binary",
        "data-raw",
        "data-urlencode",
        "form",
        "json",
        "request",
        "url",
        "user-agent",
        "referer",
        "cookie",
        "cookie-jar",
        "config",
        "connect-timeout",
        "max-time",
        "max-redirs",
        "retry",
        "retry-delay",
        "retry-max-time",
        "proxy",
        "proxy-user",
        "noproxy",
        "cacert",
        "capath",
        "cert",
        "key",
        "resolve",
        "connect-to",
        "write-out",
        "range",
        "limit-rate",
        "max-filesize",
        "continue-at",
        "interface",
        "dump-header",
        "trace",
        "trace-ascii",
        "stderr",
        "time-cond",
        "upload-file",
        "unix-socket",
        "proto",
        "proto-redir",
        "tls-max",
        "ciphers",
        "netrc-file",
        "oauth2-bearer",
        "create-file-mode",
        "variable",
    ],
    stop_at_operand: false,
};

/// wget's options (those that take a value).
pub const WGET: Spec = Spec {
    value_letters: "oaOeiBtTwQUPlARDXI",
    value_longs: &[
        "output-document",
        "output-file",
        "append-output",
        "execute",
        "input-file",
        "base",
        "tries",
        "timeout",
        "wait",
        "user-agent",
        "directory-prefix",
        "header",
        "user",
        "password",
        "post-data",
        "post-file",
        "ca-certificate",
        "certificate",
        "private-key",
        "load-cookies",
        "save-cookies",
        "level",
        "accept",
        "reject",
        "domains",
        "limit-rate",
        "quota",
        "method",
        "body-data",
        "secure-protocol",
    ],
    stop_at_operand: false,
};

/// Whether an output file is standard output.
fn is_stdout(file: Option<&str>) -> bool {
    matches!(file, Some("-" | "/dev/stdout"))
}

/// The download `command` writes to standard output: `curl` without
/// `-o FILE`/`-O`, `wget -O-`.
pub fn to_stdout(command: &Command) -> Option<Download> {
    let at = command.runs_index()?;
    let tool = command.runs()?;
    let args = &command.words[at + 1..];
    let (parsed, writes_stdout) = match tool {
        "curl" => {
            let parsed = parse(args, &CURL);
            let to_file = parsed.options.iter().any(|o| {
                (o.is('o', "output") && !is_stdout(o.value.as_deref()))
                    || o.is('O', "remote-name")
                    || o.is('O', "remote-name-all")
            });
            (parsed, !to_file)
        }
        "wget" => {
            let parsed = parse(args, &WGET);
            let to_stdout = parsed
                .options
                .iter()
                .rev()
                .find(|o| o.is('O', "output-document"))
                .is_some_and(|o| is_stdout(o.value.as_deref()));
            (parsed, to_stdout)
        }
        _ => return None,
    };
    if !writes_stdout {
        return None;
    }
    let url = parsed
        .options
        .iter()
        .find(|o| o.long && o.name == "url")
        .and_then(|o| o.value.clone())
        .or_else(|| {
            let operands = &parsed.operands;
            operands
                .iter()
                .find(|w| w.text.contains("://"))
                .or(operands.first())
                .map(|w| w.text.clone())
        });
    Some(Download {
        tool: tool.to_string(),
        url,
    })
}

/// The file a download `command` writes (`curl -o FILE`, `wget -O FILE`),
/// as written.
pub fn to_file(command: &Command) -> Option<&Word> {
    let at = command.runs_index()?;
    let args = &command.words[at + 1..];
    let (parsed, letter, long) = match command.runs()? {
        "curl" => (parse(args, &CURL), 'o', "output"),
        "wget" => (parse(args, &WGET), 'O', "output-document"),
        _ => return None,
    };
    parsed
        .options
        .iter()
        .rev()
        .find(|o| o.is(letter, long))
        .filter(|o| !is_stdout(o.value.as_deref()))
        .and_then(|o| o.value_word.or(Some(o.word)))
        .filter(|w| !w.text.starts_with('-') || w.text.len() > 2)
        .map(|w| w as &Word)
}

/// Where an interpreter reads the program it runs from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`sh`, `sh -s`, `python3 -`, `php -- --opt`).
    Stdin,
    /// An argument holding the program (`sh -c CODE`, `perl -e CODE`,
    /// `eval CODE…`).
    Code(String),
    /// A file (`bash script.sh`, `bash <(…)`, `source FILE`).
    File(String),
    /// Neither (`python3 -m module`).
    Other,
}

/// How a language's interpreter reads its command line.
struct Interpreter {
    spec: Spec,
    /// Options whose value is the program.
    code: &'static [(char, &'static str)],
    /// Options that run no program from standard input or a file
    /// (`python -m`), or whose value is the file (`php -f`).
    other: &'static [(char, &'static str)],
    file: Option<(char, &'static str)>,
    /// `-s`: read the program from standard input (shells).
    stdin_letter: Option<char>,
    /// `--` before any operand reads the program from standard input.
    dash_dash_stdin: bool,
}

impl Interpreter {
    /// An interpreter whose options in `value_letters` take a value and
    /// whose `code` options hold the program; the first operand is its
    /// script.
    const fn new(
        value_letters: &'static str,
        code: &'static [(char, &'static str)],
    ) -> Interpreter {
        Interpreter {
            spec: Spec {
                value_letters,
                value_longs: &[],
                stop_at_operand: true,
            },
            code,
            other: &[],
            file: None,
            stdin_letter: None,
            dash_dash_stdin: false,
        }
    }
}

const SHELL: Interpreter = Interpreter {
    spec: Spec {
        value_letters: "coO",
        value_longs: &["rcfile", "init-file"],
        stop_at_operand: true,
    },
    stdin_letter: Some('s'),
    ..Interpreter::new("", &[('c', "")])
};

const PYTHON: Interpreter = Interpreter {
    other: &[('m', "")],
    ..Interpreter::new("cmWX", &[('c', "")])
};

const PERL: Interpreter = Interpreter::new("eE", &[('e', ""), ('E', "")]);

const RUBY: Interpreter = Interpreter::new("erIC", &[('e', "")]);

const NODE: Interpreter = Interpreter {
    spec: Spec {
        value_letters: "epr",
        value_longs: &["eval", "print", "require", "import", "loader", "input-type"],
        stop_at_operand: true,
    },
    ..Interpreter::new("", &[('e', "eval"), ('p', "print")])
};

const PHP: Interpreter = Interpreter {
    file: Some(('f', "")),
    dash_dash_stdin: true,
    ..Interpreter::new("rfdcz", &[('r', "")])
};

/// The interpreter a program name is, if any: shells, Python, Perl,
/// Ruby, Node.js, PHP (a version suffix allowed: `python3.12`, `php82`).
fn interpreter_for(program: &str) -> Option<&'static Interpreter> {
    let bare = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match bare {
        "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh" | "mksh" | "yash" | "fish" => &SHELL,
        "python" | "pypy" => &PYTHON,
        "perl" => &PERL,
        "ruby" => &RUBY,
        "node" | "nodejs" => &NODE,
        "php" => &PHP,
        _ => return None,
    })
}

/// The interpreter `command` runs and where it reads its program from;
/// `eval` and `source`/`.` count, as the shell itself is their
/// interpreter.
pub fn interpreter(command: &Command) -> Option<(&Word, Source)> {
    let at = command.runs_index()?;
    let word = &command.words[at];
    let args = &command.words[at + 1..];
    let program = command.runs()?;
    match program {
        "eval" => {
            let code: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
            return Some((word, Source::Code(code.join(" "))));
        }
        "source" | "." => {
            let file = args.first().map_or(String::new(), |w| w.text.clone());
            return Some((word, Source::File(file)));
        }
        _ => {}
    }
    let interpreter = interpreter_for(program)?;
    let parsed = parse(args, &interpreter.spec);
    let value = |o: &super::options::Opt| o.value.clone().unwrap_or_default();
    for o in &parsed.options {
        let is = |list: &[(char, &str)]| list.iter().any(|&(l, long)| o.is(l, long));
        if is(interpreter.code) {
            return Some((word, Source::Code(value(o))));
        }
        if is(interpreter.other) {
            return Some((word, Source::Other));
        }
        if interpreter.file.is_some_and(|(l, long)| o.is(l, long)) {
            return Some((word, Source::File(value(o))));
        }
    }
    let stdin_option = interpreter
        .stdin_letter
        .is_some_and(|s| parsed.options.iter().any(|o| o.is(s, "")));
    if stdin_option || (interpreter.dash_dash_stdin && parsed.dash_dash == Some(0)) {
        return Some((word, Source::Stdin));
    }
    let source = match parsed.operands.first() {
        None => Source::Stdin,
        Some(w) if matches!(w.text.as_str(), "-" | "/dev/stdin") => Source::Stdin,
        Some(w) => Source::File(w.text.clone()),
    };
    Some((word, source))
}

/// The download a word's whole text substitutes (`$(curl …)`, `` `wget
/// -O- …` ``, `<(curl …)`), if it is one.
pub fn substituted(text: &str) -> Option<Download> {
    let t = text.trim();
    let inner = t
        .strip_prefix("$(")
        .or_else(|| t.strip_prefix("<("))
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| t.strip_prefix('`').and_then(|r| r.strip_suffix('`')))?;
    commands_of(inner).iter().find_map(to_stdout)
}

/// A download run as a program.
#[derive(Debug)]
pub struct RemoteScript<'a> {
    /// The interpreter (`sh`, `bash`, `python3`, `eval`) that runs it.
    pub interpreter: &'a Word,
    pub download: Download,
    /// Piped into the interpreter (`curl … | sh`), or substituted as its
    /// program (`sh -c "$(curl …)"`).
    pub piped: bool,
}

/// The downloads `commands` (one script, in order) run as programs.
pub fn remote_scripts(commands: &[Command]) -> Vec<RemoteScript<'_>> {
    let mut out = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        let Some((interpreter, source)) = interpreter(command) else {
            continue;
        };
        let found = match source {
            // The commands piped into this one, nearest first.
            Source::Stdin => (0..i)
                .rev()
                .take_while(|&j| commands[j].pipes_into_next)
                .find_map(|j| to_stdout(&commands[j]))
                .map(|d| (d, true)),
            Source::Code(code) => substituted(&code).map(|d| (d, false)),
            Source::File(file) => substituted(&file).map(|d| (d, false)),
            Source::Other => None,
        };
        if let Some((download, piped)) = found {
            out.push(RemoteScript {
                interpreter,
                download,
                piped,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(script: &str) -> Vec<(String, String)> {
        let commands = commands_of(script);
        remote_scripts(&commands)
            .into_iter()
            .map(|r| {
                (
                    r.interpreter.text.clone(),
                    r.download.url.unwrap_or_default(),
                )
            })
            .collect()
    }

    fn pair(interpreter: &str, url: &str) -> Vec<(String, String)> {
        vec![(interpreter.to_string(), url.to_string())]
    }

    #[test]
    fn finds_downloads_piped_into_an_interpreter() {
        assert_eq!(
            found("curl -fsSL https://x/i.sh | sh"),
            pair("sh", "https://x/i.sh")
        );
        assert_eq!(
            found("wget -qO- https://x/i.sh | sudo -E bash -s -- -y"),
            pair("bash", "https://x/i.sh")
        );
        assert_eq!(
            found(
                "curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin"
            ),
            pair("php", "https://getcomposer.org/installer")
        );
        assert_eq!(
            found("curl -sSL https://x/get.py | tee /tmp/g | /usr/bin/python3.12 -"),
            pair("/usr/bin/python3.12", "https://x/get.py")
        );
        assert_eq!(
            found("curl -H 'Accept: x' --url https://x/i | env A=1 zsh"),
            pair("zsh", "https://x/i")
        );
    }

    #[test]
    fn finds_downloads_substituted_as_the_program() {
        assert_eq!(
            found(r#"sh -c "$(curl -fsSL https://x/install.sh)""#),
            pair("sh", "https://x/install.sh")
        );
        assert_eq!(
            found("bash <(curl -s https://x/i.sh) --flag"),
            pair("bash", "https://x/i.sh")
        );
        assert_eq!(
            found(r#"eval "$(wget -O - https://x/env)""#),
            pair("eval", "https://x/env")
        );
        assert_eq!(
            found(". <(curl -fsSL https://x/env.sh)"),
            pair(".", "https://x/env.sh")
        );
    }

    #[test]
    fn leaves_data_piped_into_a_program_alone() {
        for script in [
            // Data for a program given on the command line.
            r#"curl -s https://api.github.com/x | python3 -c 'import json,sys; print(json.load(sys.stdin)["v"])'"#,
            "curl -fsSL https://x/key | gpg --dearmor -o /k.gpg",
            "wget -qO- https://x/a.tgz | tar -xz",
            "curl -fsSL https://x/data | perl -ne 'print if /v/'",
            "curl -fsSL https://x/data | sh -c 'cat > /x'",
            "curl -fsSL https://x/data | bash /tmp/parse.sh",
            // Written to a file, not piped.
            "curl -fsSLo /tmp/i.sh https://x/i.sh | sh",
            "wget https://x/i.sh | sh",
            "curl -O https://x/i.sh; sh i.sh",
            // Not a download.
            "cat /tmp/i.sh | sh",
            r#"sh -c "$(cat /tmp/x)""#,
            r#"eval "$(ssh-agent -s)""#,
            "python3 -m pip install x",
        ] {
            assert_eq!(found(script), [], "{script}");
        }
    }
}
