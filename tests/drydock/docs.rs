//! The README and `docs/` as a user follows them: every relative link
//! lands on a file of the repository, and every `#anchor` on a heading of
//! the page it names. (The examples in them are checked where they are
//! exercised: the demo's output in `demo`, the policy files in `policy`,
//! the rule table in `cli`.)

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

/// `[text](target)` links outside code blocks, with their line.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_code = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push((n + 1, after[..end].to_string()));
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
