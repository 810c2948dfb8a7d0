//! The files a Compose file names that the loader does not open itself
//! but a deployment would: `configs` and `secrets` `file:` sources (read
//! later for the secret detectors, `secret_files.rs`), build contexts
//! and Dockerfiles. One outside the audit boundary is a reference to a
//! host file, reported like the files that are read.
//!
//! Not here: the files the loader reads (Compose files, env files,
//! `include`, `extends.file`), whose references are checked where they
//! are opened.

use std::path::Path;

use super::load::{LoadState, Loader, OutsideReference};
use super::paths::{clean_path, is_remote_context};
use crate::yaml::{Node, Value};

impl Loader {
    /// The files a Compose file names that the loader does not open
    /// itself but a deployment would: `configs`/`secrets` `file:` sources and
    /// build contexts and Dockerfiles. One outside the boundary is a
    /// reference to a host file, reported like the files that are read.
    pub(super) fn check_file_references(&self, doc: &Node, dir: &Path, state: &mut LoadState) {
        for section in ["configs", "secrets"] {
            let Some(entries) = doc.get(section).and_then(Node::as_map) else {
                continue;
            };
            for (name, entry) in entries {
                if let Some(file) = entry.get("file")
                    && let Some(written) = file.as_str()
                    && let Some(why) = self.refusal(&clean_path(&dir.join(written)))
                {
                    let route = format!("{section}.{}.file", name.text);
                    let what = if section == "configs" {
                        "configs file"
                    } else {
                        "secrets file"
                    };
                    let reference = OutsideReference::at(file, &route, None, what, written, why);
                    state.outside.push(reference);
                }
            }
        }
        let Some(services) = doc.get("services").and_then(Node::as_map) else {
            return;
        };
        for (name, service) in services {
            let Some(build) = service.get("build") else {
                continue;
            };
            let (context, route) = match &build.value {
                Value::Scalar(_) => (Some(build), format!("services.{}.build", name.text)),
                _ => (
                    build.get("context"),
                    format!("services.{}.build.context", name.text),
                ),
            };
            let context_text = context.and_then(Node::as_str).unwrap_or(".");
            if is_remote_context(context_text) {
                continue;
            }
            let context_dir = clean_path(&dir.join(context_text));
            let owner = || Some(name.text.clone());
            if let Some(node) = context
                && let Some(why) = self.refusal(&context_dir)
            {
                let reference =
                    OutsideReference::at(node, &route, owner(), "build context", context_text, why);
                state.outside.push(reference);
                continue;
            }
            if let Some(dockerfile) = build.get("dockerfile")
                && let Some(written) = dockerfile.as_str()
                && let Some(why) = self.refusal(&clean_path(&context_dir.join(written)))
            {
                let route = format!("services.{}.build.dockerfile", name.text);
                let reference =
                    OutsideReference::at(dockerfile, &route, owner(), "Dockerfile", written, why);
                state.outside.push(reference);
            }
        }
    }
}
