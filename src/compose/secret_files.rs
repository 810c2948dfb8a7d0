//! The files a project's top-level `secrets:` and `configs:` name with
//! `file:`, read through the audit boundary for the secret detectors:
//! what a deployment mounts into its containers, committed with the
//! project. Only what the detectors found is kept ([`SecretFile`]); the
//! bytes are dropped as soon as they are scanned, and `plaintext-secret`
//! turns the hits into findings.
//!
//! Not read:
//! - a file outside the boundary: `file-outside-repository` reports it
//!   where it is named (`references.rs`);
//! - a file the repository's ignore rules leave out of its commits
//!   ([`crate::gitignore`]): keeping a secret file out of git and
//!   providing it at deploy time is what Compose recommends; how many
//!   were left out is said in the project's warnings;
//! - a missing file: the deploying environment provides it, and Docker
//!   Compose accepts the project without it (`docker compose config`).
//!
//! A file larger than [`MAX_SECRET_FILE`] is read up to it, and a warning
//! says so; a file that cannot be read (a directory) is a warning too,
//! never an error: the project is audited all the same.

use std::path::Path;

use super::load::{LoadState, Loader};
use super::paths::clean_path;
use crate::boundary::{OpenError, Resolved};
use crate::hazards::secrets::{SecretHit, scan_text};
use crate::yaml::Node;

/// How much of one `secrets`/`configs` file is read.
pub const MAX_SECRET_FILE: u64 = 1 << 20;

/// A `secrets`/`configs` file of the project in which the secret
/// detectors found something. Holds no secret (see [`SecretHit`]).
#[derive(Clone, Debug)]
pub struct SecretFile {
    /// `secret` or `config`.
    pub kind: &'static str,
    /// The secret's or config's name.
    pub name: String,
    /// The `file:` value: the finding's line.
    pub node: Node,
    /// `secrets.<name>.file`.
    pub route: String,
    /// How reports name the file.
    pub shown: String,
    pub hits: Vec<SecretHit>,
}

impl Loader {
    /// Reads and scans the `file:` of every top-level secret and config
    /// of the merged `model` (its paths relative to `dir`, those of
    /// included projects rebased already), as the module docs say.
    pub(super) fn scan_secret_files(
        &self,
        model: &Node,
        dir: &Path,
        state: &mut LoadState,
    ) -> Vec<SecretFile> {
        let mut found = Vec::new();
        // The files git ignores, and the Compose file naming the first.
        let mut ignored: Vec<String> = Vec::new();
        let mut named_in = String::new();
        for (section, kind) in [("secrets", "secret"), ("configs", "config")] {
            let Some(entries) = model.get(section).and_then(Node::as_map) else {
                continue;
            };
            for (name, entry) in entries {
                let Some((file, written)) = entry
                    .get("file")
                    .and_then(|file| Some((file, file.as_str()?)))
                else {
                    continue;
                };
                let path = clean_path(&dir.join(written));
                let shown = self.display(&path);
                // Refused: reported where it is named; missing: provided
                // at deploy time; beneath no audit root (let through by
                // `--allow-outside-root`): not the repository's.
                if !matches!(self.boundary.resolve(&path), Resolved::File(_))
                    || self.boundary.root_above(&path).is_none()
                {
                    continue;
                }
                if crate::gitignore::is_ignored(&self.boundary, &path) {
                    if ignored.is_empty() {
                        named_in.clone_from(&file.pos.file.display);
                    }
                    ignored.push(shown);
                    continue;
                }
                let at = format!(
                    "{}:{}:{}: {kind} `{}` file `{shown}`",
                    file.pos.file.display, file.pos.line, file.pos.column, name.text
                );
                let hits = self.scan_file(&path, &shown, &at, state);
                if !hits.is_empty() {
                    found.push(SecretFile {
                        kind,
                        name: name.text.clone(),
                        node: file.clone(),
                        route: format!("{section}.{}.file", name.text),
                        shown,
                        hits,
                    });
                }
            }
        }
        if !ignored.is_empty() {
            ignored.sort();
            ignored.dedup();
            state.warnings.push(format!(
                "{named_in}: {} `secrets`/`configs` file(s) not read for credentials (not \
                 reported: ignored by .gitignore or .git/info/exclude, so not committed): {}",
                ignored.len(),
                ignored.join(", ")
            ));
        }
        found
    }

    /// What the detectors find in the first [`MAX_SECRET_FILE`] bytes of
    /// `path`; what was not read, and why, is a warning starting `at`.
    fn scan_file(
        &self,
        path: &Path,
        shown: &str,
        at: &str,
        state: &mut LoadState,
    ) -> Vec<SecretHit> {
        match self.boundary.read_capped(path, MAX_SECRET_FILE) {
            Ok((bytes, size)) => {
                if size > MAX_SECRET_FILE {
                    state.warnings.push(format!(
                        "{at} is larger than {} MiB: only its start was read for credentials",
                        MAX_SECRET_FILE >> 20
                    ));
                }
                scan_text(shown, &bytes)
            }
            Err(OpenError::Io(e)) => {
                state.warnings.push(format!(
                    "{at} was not read for credentials: cannot read: {e}"
                ));
                Vec::new()
            }
            // Refused between the look and the open: reported by
            // `file-outside-repository`, like any refused file.
            Err(OpenError::Refused(_)) => Vec::new(),
        }
    }
}
