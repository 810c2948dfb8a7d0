//! Whether git leaves a file of the repository out of its commits, by the
//! repository's own ignore rules: the `.gitignore` files from the file's
//! directory up to the top of its work tree (the directory holding
//! `.git`, or else the audit root), then the work tree's
//! `.git/info/exclude`. Every one of them is read through the audit
//! [`Boundary`], so a `.gitignore` above the audit root is not.
//!
//! A rule that reports what a repository *commits* (a credential file a
//! Compose `secrets:` entry names) asks here first: a file git ignores is
//! kept on the machine that deploys, which is what the rule recommends.
//!
//! Not consulted: the user's global excludes (`core.excludesFile` is a
//! setting of one machine, not of the repository), and git's index, so a
//! file added despite its ignore rule (`git add -f`) counts as ignored.
//! drydock never runs git on the repository it audits (a repository's
//! configuration can make git run programs). A `.gitignore` counts
//! outside a Git work tree too (an exported archive keeps it): it says
//! what its authors keep out of the repository.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::boundary::Boundary;

/// Largest ignore file read; the rest of a larger one is not.
const MAX_IGNORE_FILE: u64 = 1 << 20;

/// Whether the repository's ignore rules keep `file` (a regular file
/// inside the boundary) out of its commits. A file beneath no audit root
/// is not the repository's: `false`.
pub fn is_ignored(boundary: &Boundary, file: &Path) -> bool {
    let file = boundary.absolute(file);
    // Nearest first: a deeper `.gitignore` overrides the ones above it,
    // and all of them override `.git/info/exclude`.
    for rules in ignore_files(boundary, &file) {
        let found = rules.matched_path_or_any_parents(&file, false);
        if found.is_ignore() {
            return true;
        }
        if found.is_whitelist() {
            return false;
        }
    }
    false
}

/// The ignore rules that apply to `file` (absolute, clean), nearest
/// first.
fn ignore_files(boundary: &Boundary, file: &Path) -> Vec<Gitignore> {
    let Some(root) = boundary.root_above(file) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for dir in file.ancestors().skip(1) {
        if !dir.starts_with(&root) {
            break;
        }
        if let Ok((bytes, _)) = boundary.read_capped(&dir.join(".gitignore"), MAX_IGNORE_FILE) {
            let text = String::from_utf8_lossy(&bytes);
            found.extend(rules(dir, &text, dir.join(".gitignore")));
        }
        if boundary.is_work_tree_top(dir) {
            if let Some(text) = boundary.git_info_exclude(dir, MAX_IGNORE_FILE) {
                found.extend(rules(dir, &text, dir.join(".git/info/exclude")));
            }
            break;
        }
    }
    found
}

/// The patterns of one ignore file in `dir`; a line git would not take
/// as a pattern is skipped, as git skips it.
fn rules(dir: &Path, text: &str, from: PathBuf) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    for line in text.lines() {
        let _ = builder.add_line(Some(from.clone()), line);
    }
    builder.build().ok().filter(|rules| !rules.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// A temporary directory, and in it `root` holding `files` (path,
    /// text): the audit root of the returned boundary.
    fn tree(root: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Boundary) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonical").join(root);
        for (name, text) in files {
            write(&root.join(name), text);
        }
        let boundary = Boundary::new(std::slice::from_ref(&root), false);
        (tmp, root, boundary)
    }

    #[test]
    fn follows_every_gitignore_up_to_the_work_tree_and_its_exclude_file() {
        let (tmp, top, boundary) = tree(
            "repo",
            &[
                (".git/info/exclude", "*.local\n"),
                (".gitignore", "secrets/\n*.key\n"),
                ("app/.gitignore", "!public.key\n"),
                ("secrets/id_rsa", "x\n"),
                ("app/site.key", "x\n"),
                ("app/public.key", "x\n"),
                ("app/db.local", "x\n"),
                ("app/kept.txt", "x\n"),
            ],
        );
        // Above the work tree, and above the audit root: never read.
        write(&tmp.path().join(".gitignore"), "kept.txt\n");
        let ignored = |name: &str| is_ignored(&boundary, &top.join(name));
        assert!(ignored("secrets/id_rsa"));
        assert!(ignored("app/site.key"));
        assert!(!ignored("app/public.key"), "re-included below");
        assert!(ignored("app/db.local"), ".git/info/exclude");
        assert!(!ignored("app/kept.txt"));
        // A file beneath no audit root is not the repository's.
        let elsewhere = tmp.path().join("other/kept.txt");
        write(&elsewhere, "x\n");
        assert!(!is_ignored(&boundary, &elsewhere));
    }

    #[test]
    fn a_gitignore_counts_outside_a_work_tree_up_to_the_audit_root() {
        let (_tmp, root, boundary) = tree(
            "export",
            &[
                (".gitignore", "/secrets/*\n"),
                ("secrets/db.txt", "x\n"),
                ("sub/secrets/db.txt", "x\n"),
            ],
        );
        assert!(is_ignored(&boundary, &root.join("secrets/db.txt")));
        assert!(!is_ignored(&boundary, &root.join("sub/secrets/db.txt")));
    }
}
