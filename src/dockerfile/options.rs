//! A command's arguments read as getopt reads them: `-abc` clusters,
//! `-ovalue` and `-o value`, `--long=value` and `--long value`, `--` ending
//! the options. Which options take a value is all a caller tells; nothing
//! else about a program is known here.

use super::syntax::Word;

/// How a program reads its options.
pub struct Spec {
    /// Short options that take a value (`o` for curl's `-o FILE`).
    pub value_letters: &'static str,
    /// Long options that take a value when it is not joined by `=`.
    pub value_longs: &'static [&'static str],
    /// The first operand ends the options (an interpreter: what follows
    /// its script belongs to the script); else options may follow
    /// operands, as GNU getopt allows.
    pub stop_at_operand: bool,
}

/// One option as written.
#[derive(Debug)]
pub struct Opt<'a> {
    /// `k` for `-k`, `insecure` for `--insecure`.
    pub name: String,
    pub long: bool,
    pub value: Option<String>,
    /// The word the option is written in.
    pub word: &'a Word,
    /// The word its value is written in: `word` itself (`-ofile`,
    /// `--output=file`) or the next one.
    pub value_word: Option<&'a Word>,
}

impl Opt<'_> {
    /// Whether this is the short option `letter` or the long one `long`.
    pub fn is(&self, letter: char, long: &str) -> bool {
        if self.long {
            self.name == long
        } else {
            self.name.len() == letter.len_utf8() && self.name.starts_with(letter)
        }
    }
}

/// A command's options and operands, in order.
#[derive(Debug, Default)]
pub struct Parsed<'a> {
    pub options: Vec<Opt<'a>>,
    pub operands: Vec<&'a Word>,
    /// How many operands came before `--`, when it was written.
    pub dash_dash: Option<usize>,
}

/// Reads `args` (the words after the program) as `spec` says.
pub fn parse<'a>(args: &'a [Word], spec: &Spec) -> Parsed<'a> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let t = word.text.as_str();
        i += 1;
        if out.dash_dash.is_some() || (spec.stop_at_operand && !out.operands.is_empty()) {
            out.operands.push(word);
            continue;
        }
        if t == "--" {
            out.dash_dash = Some(out.operands.len());
        } else if let Some(long) = t.strip_prefix("--") {
            let (name, value_word) = match long.split_once('=') {
                Some((name, _)) => (name, Some(word)),
                None if spec.value_longs.contains(&long) => {
                    i += 1;
                    (long, args.get(i - 1))
                }
                None => (long, None),
            };
            let value = match long.split_once('=') {
                Some((_, value)) => Some(value.to_string()),
                None => value_word.map(|w| w.text.clone()),
            };
            out.options.push(Opt {
                name: name.to_string(),
                long: true,
                value,
                word,
                value_word,
            });
        } else if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (at, letter) in cluster.char_indices() {
                let mut opt = Opt {
                    name: letter.to_string(),
                    long: false,
                    value: None,
                    word,
                    value_word: None,
                };
                if spec.value_letters.contains(letter) {
                    let rest = &cluster[at + letter.len_utf8()..];
                    if rest.is_empty() {
                        i += 1;
                        opt.value_word = args.get(i - 1);
                        opt.value = opt.value_word.map(|w| w.text.clone());
                    } else {
                        opt.value_word = Some(word);
                        opt.value = Some(rest.to_string());
                    }
                    out.options.push(opt);
                    break;
                }
                out.options.push(opt);
            }
        } else {
            out.operands.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::shell::commands_of;

    fn parsed(script: &str, spec: &Spec) -> (Vec<String>, Vec<String>) {
        let command = commands_of(script).remove(0);
        let p = parse(command.arguments(), spec);
        let options = p
            .options
            .iter()
            .map(|o| match &o.value {
                Some(v) => format!("{}={v}", o.name),
                None => o.name.clone(),
            })
            .collect();
        let operands = p.operands.iter().map(|w| w.text.clone()).collect();
        (options, operands)
    }

    const CURL: Spec = Spec {
        value_letters: "oH",
        value_longs: &["output"],
        stop_at_operand: false,
    };

    #[test]
    fn reads_clusters_values_and_operands() {
        assert_eq!(
            parsed(
                "curl -fsSLko out https://x -H 'A: b' --output f --retry=3 -- -y",
                &CURL
            ),
            (
                vec![
                    "f", "s", "S", "L", "k", "o=out", "H=A: b", "output=f", "retry=3"
                ]
                .into_iter()
                .map(String::from)
                .collect(),
                vec!["https://x".to_string(), "-y".to_string()]
            )
        );
        assert_eq!(parsed("curl -ofile", &CURL).0, ["o=file"]);
    }

    #[test]
    fn an_interpreter_stops_at_its_script() {
        let sh = Spec {
            value_letters: "co",
            value_longs: &[],
            stop_at_operand: true,
        };
        assert_eq!(
            parsed("sh -eux -o pipefail script.sh -c x", &sh),
            (
                vec!["e", "u", "x", "o=pipefail"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                vec!["script.sh".to_string(), "-c".to_string(), "x".to_string()]
            )
        );
    }
}
