//! The README and `docs/` as a user follows them: every relative link
//! lands on a file of the repository, every `#anchor` on a heading of the
//! page it names, and every `drydock …` command line shown is one drydock
//! accepts (parsed by its own command-line definitions). The other
//! examples are checked where they are exercised: the demo's output in
//! `demo`, the policy files in `policy`, the rule table in `cli`.

use std::path::{Path, PathBuf};

/// GitHub's anchor of a heading: lowercase, spaces to `-`, punctuation
/// other than `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn pages(root: &Path) -> Vec<PathBuf> {
    let mut pages = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    pages
}

/// Each line of a Markdown text with its number and whether it is inside
/// a fenced code block (fence lines themselves left out).
fn lines_by_fence(text: &str) -> Vec<(usize, bool, &str)> {
    let mut in_code = false;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        out.push((n + 1, in_code, line));
    }
    out
}

/// `[text](target)` links outside code blocks, with their line.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, in_code, line) in lines_by_fence(text) {
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push((n, after[..end].to_string()));
            rest = &after[end..];
        }
    }
    found
}

#[test]
fn every_link_of_the_readme_and_the_docs_lands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for page in pages(root) {
        let text = std::fs::read_to_string(&page).unwrap();
        for (line, target) in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            let at = format!("{}:{line}: `{target}`", page.display());
            assert!(file.exists(), "{at}: no such file");
            if !fragment.is_empty() {
                let target_text = std::fs::read_to_string(&file).unwrap();
                let anchors: Vec<String> = target_text
                    .lines()
                    .filter_map(|l| l.strip_prefix('#'))
                    .map(|l| anchor(l.trim_start_matches('#')))
                    .collect();
                assert!(
                    anchors.iter().any(|a| a == fragment),
                    "{at}: no such heading"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} links found");
}

#[test]
fn the_readme_is_a_front_door() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    // A few screens: the reference lives in docs/.
    assert!(
        readme.lines().count() <= 260,
        "{} lines",
        readme.lines().count()
    );
    for must in [
        "cargo install --path . --locked",
        "drydock scan testdata/demo --images testdata/demo/images",
        "cargo test",
        "docs/report.png",
    ] {
        assert!(readme.contains(must), "the README lacks `{must}`");
    }
    // Every page of docs/ is linked from it.
    for page in pages(root)
        .iter()
        .filter(|p| p.starts_with(root.join("docs")))
    {
        let name = format!("docs/{}", page.file_name().unwrap().to_string_lossy());
        assert!(
            readme.contains(&format!("]({name})")),
            "README does not link {name}"
        );
    }
}

/// The command lines the README and the docs show (in code blocks, and in
/// CI recipes' `run:` and `script:` entries), as words.
fn shown_commands(text: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    for (_, in_code, line) in lines_by_fence(text) {
        if !in_code {
            continue;
        }
        let line = line.trim_start();
        let line = line
            .strip_prefix("- run: ")
            .or_else(|| line.strip_prefix("- "))
            .unwrap_or(line);
        if !line.starts_with("drydock ") && line != "drydock" {
            continue;
        }
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut started = false;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => {
                    quote = Some(c);
                    started = true;
                }
                (None, c) if c.is_whitespace() => {
                    if started || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                (None, c) => word.push(c),
            }
        }
        if started || !word.is_empty() {
            words.push(word);
        }
        // The command ends at a comment, a pipe, a redirection or `&&`.
        let end = words
            .iter()
            .position(|w| w.starts_with('#') || ["|", ">", "&&", ";"].contains(&w.as_str()))
            .unwrap_or(words.len());
        words.truncate(end);
        commands.push(words);
    }
    commands
}

#[test]
fn every_command_line_shown_is_one_drydock_accepts() {
    use clap::Parser;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for page in pages(root) {
        let text = std::fs::read_to_string(&page).unwrap();
        for words in shown_commands(&text) {
            if let Err(e) = drydock::cli::Cli::try_parse_from(&words) {
                panic!(
                    "{}: `{}` is not a drydock command line:\n{e}",
                    page.display(),
                    words.join(" ")
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 25, "only {checked} command lines found");
}
