//! The env files a project reads, opened through the audit boundary: the
//! project's `.env` or the `--env-file`s, whose variables interpolation
//! uses, and each service's `env_file:`, whose variables are placed under
//! its `environment` at their line in the env file, as `docker compose
//! config` does. A `.env` or an `env_file` outside the audit boundary is
//! reported and left out; an `--env-file` outside it is an error.
//!
//! Not here: the syntax of an env file and the interpolation variables
//! built from them ([`super::env`]).

use std::path::Path;
use std::sync::Arc;

use super::env::MAX_ENV_FILE;
use super::interpolate::Env;
use super::load::{LoadState, Loader, MAX_FILE_BYTES, Opened, OutsideReference, ProjectSpec};
use super::paths::clean_path;
use crate::error::InputError;
use crate::yaml::{Key, Node, SourceFile, Value};

impl Loader {
    /// The env files of a project, read through the boundary: its `.env`
    /// (one outside the boundary is reported and left out), or the
    /// `--env-file`s (named by the user, or by an `include` entry that
    /// was checked already: refusing one is an error).
    pub(super) fn env_sources(
        &self,
        spec: &ProjectSpec,
        dir: &Path,
        state: &mut LoadState,
    ) -> Result<Vec<Arc<SourceFile>>, InputError> {
        if spec.env_files.is_empty() {
            if !spec.has_file(dir, ".env", &self.boundary) {
                return Ok(Vec::new());
            }
            let dotenv = dir.join(".env");
            return Ok(match self.open(&dotenv, MAX_ENV_FILE)? {
                Opened::Read(source) => vec![source],
                Opened::Missing => Vec::new(),
                Opened::Refused(why) => {
                    let reference = self.whole_file_reference(&dotenv, "file", why);
                    state.outside.push(reference);
                    Vec::new()
                }
            });
        }
        let mut sources = Vec::new();
        for path in &spec.env_files {
            match self.open(path, MAX_ENV_FILE)? {
                Opened::Read(source) => sources.push(source),
                Opened::Missing => {
                    return Err(InputError::in_file(
                        self.display(path),
                        "cannot read: No such file or directory (os error 2)",
                    ));
                }
                Opened::Refused(why) => return Err(self.refused_error(path, why)),
            }
        }
        Ok(sources)
    }

    /// `env_file:` is read and its variables placed under `environment`
    /// (keys set in `environment` win), positioned at their line in the env
    /// file, as `docker compose config` does. A bare `KEY` in
    /// `environment` takes its value from the interpolation variables.
    pub(super) fn apply_env_files(
        &self,
        model: &mut Node,
        dir: &Path,
        env: &Env,
        state: &mut LoadState,
    ) -> Result<(), InputError> {
        let Some(Value::Map(services)) = model.get_mut("services").map(|s| &mut s.value) else {
            return Ok(());
        };
        for (name, service) in services.iter_mut() {
            let Value::Map(entries) = &mut service.value else {
                continue;
            };
            let from_files = match entries.iter().position(|(k, _)| k.text == "env_file") {
                Some(i) => {
                    let (_, list) = entries.remove(i);
                    self.read_env_files(&name.text, &list, dir, env, state)?
                }
                None => Vec::new(),
            };
            let environment = match entries.iter().position(|(k, _)| k.text == "environment") {
                Some(i) => entries.remove(i),
                None if from_files.is_empty() => continue,
                None => (
                    Key {
                        text: "environment".into(),
                        pos: service.pos.clone(),
                    },
                    Node::new(Value::Map(Vec::new()), service.pos.clone()),
                ),
            };
            let (key, node) = environment;
            let mut merged: Vec<(Key, Node)> = from_files;
            for kv in super::model::key_values(&node) {
                let mut value = kv.node.clone();
                let mut text = kv.value.clone();
                if text.is_none() {
                    text = env.get(&kv.key).cloned();
                }
                value.value = match text {
                    Some(t) => Value::Scalar(crate::yaml::Scalar {
                        interpolated: kv.interpolated || kv.value.is_none(),
                        raw: kv.written.filter(|w| *w != t),
                        text: t,
                        plain: false,
                    }),
                    None => Value::Null,
                };
                let key = Key {
                    text: kv.key.clone(),
                    pos: kv.node.pos.clone(),
                };
                merged.push((key, value));
            }
            entries.push((
                key,
                Node {
                    value: Value::Map(keep_last(merged)),
                    ..node
                },
            ));
        }
        Ok(())
    }

    fn read_env_files(
        &self,
        service: &str,
        list: &Node,
        dir: &Path,
        env: &Env,
        state: &mut LoadState,
    ) -> Result<Vec<(Key, Node)>, InputError> {
        let mut out: Vec<(Key, Node)> = Vec::new();
        let items: Vec<(String, &Node)> = match &list.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("services.{service}.env_file[{i}]"), item))
                .collect(),
            _ => vec![(format!("services.{service}.env_file"), list)],
        };
        for (route, item) in items {
            let (path, required) = match &item.value {
                Value::Scalar(s) => (s.text.clone(), true),
                Value::Map(_) => (
                    item.get("path")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string(),
                    item.get("required").and_then(Node::as_bool).unwrap_or(true),
                ),
                _ => continue,
            };
            let full = clean_path(&dir.join(&path));
            let source = match self.open(&full, MAX_FILE_BYTES)? {
                Opened::Read(source) => source,
                Opened::Missing if !required => continue,
                Opened::Missing if state.found_by_scan => {
                    state.warnings.push(format!(
                        "{}:{}:{}: env file {} is not in the repository (the deploying \
                         environment provides it); service `{service}` was audited without it",
                        item.pos.file.display,
                        item.pos.line,
                        item.pos.column,
                        self.display(&full)
                    ));
                    continue;
                }
                Opened::Missing => {
                    return Err(InputError::at(
                        &item.pos,
                        format!("env file {} not found", self.display(&full)),
                    ));
                }
                Opened::Refused(why) => {
                    // Audited as if the service had no such env file.
                    let node = item.get("path").unwrap_or(item);
                    let owner = Some(service.to_string());
                    let reference =
                        OutsideReference::at(node, &route, owner, "env_file", &path, why);
                    state.outside.push(reference);
                    continue;
                }
            };
            state.files.push(source.clone());
            for entry in super::env::parse_env_entries(&source.text, &source.display, env)? {
                let pos = crate::yaml::Pos::line_of(source.clone(), entry.line);
                let value = Node::new(
                    Value::Scalar(crate::yaml::Scalar {
                        text: entry.value,
                        plain: false,
                        interpolated: false,
                        raw: None,
                    }),
                    pos.clone(),
                );
                out.push((
                    Key {
                        text: entry.key,
                        pos,
                    },
                    value,
                ));
            }
        }
        Ok(keep_last(out))
    }
}

/// Entries of which a key set twice keeps its last value, at the later
/// place (environment variables from env files, then `environment`), in
/// one pass.
fn keep_last(entries: Vec<(Key, Node)>) -> Vec<(Key, Node)> {
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    let mut kept: Vec<(Key, Node)> = entries
        .into_iter()
        .rev()
        .filter(|(k, _)| seen.insert(k.text.clone()))
        .collect();
    kept.reverse();
    kept
}
