//! `include:`: each entry names Compose files that are loaded as a project
//! of their own (their own directory, their own `.env` or the entry's
//! `env_file`s), whose services and other resources are then copied into
//! the including file, their relative paths rebased onto the including
//! project's directory. A file an entry names outside the audit boundary
//! is reported, not read; a remote include is refused.
//!
//! Not here: loading the included project (`Loader::load_project` in
//! [`super::load`]), the path arithmetic ([`super::paths`]), and
//! `extends` ([`super::extends`]), which is resolved file by file before
//! includes are imported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::interpolate::Env;
use super::load::{LoadState, Loader, MAX_CHAIN, OutsideReference, ProjectSpec};
use super::paths::{clean_path, rebase_service_paths, rebase_text};
use crate::error::InputError;
use crate::yaml::{Node, Value};

/// One `include` entry as written.
struct IncludeEntry {
    /// The entry itself: errors about it point here.
    item: Node,
    /// `include[i]`, the route of findings about the files it names.
    route: String,
    /// The Compose files it names, each with the node that names it.
    paths: Vec<(String, Node)>,
    /// `project_directory`, against the including project's directory.
    project_dir: Option<PathBuf>,
    /// `env_file`s, each with the node that names it.
    env_files: Vec<(String, Node)>,
}

impl IncludeEntry {
    /// Reads an entry: a path, or a mapping with `path` (one or a list of
    /// strings, possibly none), `project_directory` and `env_file`. A null
    /// entry, or a mapping without `path`, names no file, as Docker Compose
    /// reads it. A remote include is an error.
    fn read(item: Node, route: String, dir: &Path) -> Result<IncludeEntry, InputError> {
        let (paths, project_dir, env_files) = match &item.value {
            Value::Scalar(s) => (vec![(s.text.clone(), item.clone())], None, Vec::new()),
            Value::Null => return Ok(IncludeEntry::naming_nothing(item, route)),
            Value::Map(_) => {
                let Some(path) = item.get("path") else {
                    return Ok(IncludeEntry::naming_nothing(item, route));
                };
                let project_dir = item
                    .get("project_directory")
                    .and_then(Node::as_str)
                    .map(|d| dir.join(d));
                let env_files = item.get("env_file").map(strings).unwrap_or_default();
                let paths = strings(path);
                let written = match &path.value {
                    Value::Null => 0,
                    Value::Seq(items) => items.len(),
                    Value::Scalar(_) | Value::Map(_) => 1,
                };
                if paths.len() != written {
                    return Err(InputError::at(
                        &path.pos,
                        "`path` must be a string or a list of strings",
                    ));
                }
                (paths, project_dir, env_files)
            }
            Value::Seq(_) => {
                return Err(InputError::at(
                    &item.pos,
                    "an include entry must be a path or a mapping with `path`",
                ));
            }
        };
        if paths
            .iter()
            .any(|(p, _)| p.contains("://") || p.starts_with("oci:") || p.starts_with("git@"))
        {
            return Err(InputError::at(
                &item.pos,
                "remote include is not supported: drydock reads local files only",
            ));
        }
        Ok(IncludeEntry {
            item,
            route,
            paths,
            project_dir,
            env_files,
        })
    }

    /// An entry that names no Compose file: it includes nothing.
    fn naming_nothing(item: Node, route: String) -> IncludeEntry {
        IncludeEntry {
            item,
            route,
            paths: Vec::new(),
            project_dir: None,
            env_files: Vec::new(),
        }
    }
}

/// The strings of a value (one or a list), each with the node holding it.
fn strings(node: &Node) -> Vec<(String, Node)> {
    super::model::strings(node)
        .into_iter()
        .map(|(s, node)| (s.to_string(), node.clone()))
        .collect()
}

impl Loader {
    /// `include:`: each entry is loaded as its own project (own directory
    /// and `.env`), and its services and other resources are copied in. A
    /// resource defined both here and in an included project is an error.
    pub(super) fn apply_includes(
        &self,
        doc: &mut Node,
        dir: &Path,
        env: &Arc<Env>,
        state: &mut LoadState,
        depth: usize,
    ) -> Result<(), InputError> {
        let Some(includes) = take_includes(doc) else {
            return Ok(());
        };
        if depth >= MAX_CHAIN {
            return Err(InputError::at(&includes.pos, "include chain is too deep"));
        }
        let items = match includes.value {
            Value::Seq(items) => items,
            Value::Null => Vec::new(),
            _ => {
                return Err(InputError::at(&includes.pos, "`include` must be a list"));
            }
        };
        for (index, item) in items.into_iter().enumerate() {
            let entry = IncludeEntry::read(item, format!("include[{index}]"), dir)?;
            // As in Docker Compose, a `path` that is empty or null
            // includes nothing.
            if entry.paths.is_empty() {
                continue;
            }
            for top in std::mem::take(&mut state.pending_top) {
                if let Ok(canonical) = top.canonicalize() {
                    state.include_stack.push(canonical);
                }
            }
            // A file outside the boundary is not included: the rest of the
            // project is loaded as if the entry were not there.
            let Some(env_files) = admit(self, &entry, dir, state) else {
                continue;
            };
            let included = load_included(self, &entry, env_files, dir, env, state, depth)?;
            import_resources(doc, included, &entry.item)?;
        }
        Ok(())
    }
}

/// Reports the files of `entry` that lie outside the boundary. `None`
/// when one of its Compose files does (the entry is left out); else
/// the env files it may use, those outside left out.
fn admit(
    loader: &Loader,
    entry: &IncludeEntry,
    dir: &Path,
    state: &mut LoadState,
) -> Option<Vec<PathBuf>> {
    let mut refused = false;
    for (written, node) in &entry.paths {
        if let Some(why) = loader.refusal(&dir.join(written)) {
            let reference = OutsideReference::at(node, &entry.route, None, "include", written, why);
            state.outside.push(reference);
            refused = true;
        }
    }
    if refused {
        return None;
    }
    let mut env_paths = Vec::new();
    for (written, node) in &entry.env_files {
        let path = clean_path(&dir.join(written));
        match loader.refusal(&path) {
            Some(why) => {
                let what = "include env_file";
                let reference = OutsideReference::at(node, &entry.route, None, what, written, why);
                state.outside.push(reference);
            }
            None => env_paths.push(path),
        }
    }
    Some(env_paths)
}

/// The model of the project an admitted entry names, its relative
/// paths rebased onto `dir`. A file that cannot be found, or that is
/// being included already (a cycle), is an error at the entry.
fn load_included(
    loader: &Loader,
    entry: &IncludeEntry,
    env_files: Vec<PathBuf>,
    dir: &Path,
    env: &Arc<Env>,
    state: &mut LoadState,
    depth: usize,
) -> Result<Node, InputError> {
    let files: Vec<PathBuf> = entry
        .paths
        .iter()
        .map(|(p, _)| clean_path(&dir.join(p)))
        .collect();
    for file in &files {
        let canonical = file.canonicalize().map_err(|e| {
            InputError::at(
                &entry.item.pos,
                format!("cannot include {}: {e}", loader.display(file)),
            )
        })?;
        if state.include_stack.contains(&canonical) {
            return Err(InputError::at(
                &entry.item.pos,
                format!("include cycle: {} includes itself", loader.display(file)),
            ));
        }
    }
    let spec = ProjectSpec {
        project_dir: entry
            .project_dir
            .clone()
            .or_else(|| files[0].parent().map(Path::to_path_buf)),
        files: files.clone(),
        env_files,
        profiles: Vec::new(),
        listing: None,
        fragment: false,
    };
    let canonical: Vec<PathBuf> = files.iter().filter_map(|f| f.canonicalize().ok()).collect();
    state.include_stack.extend(canonical.iter().cloned());
    let included = loader.load_project(&spec, env, state, depth + 1);
    state.include_stack.retain(|p| !canonical.contains(p));
    let mut included = included?;
    rebase_relative_paths(&mut included.model, &included.dir, dir);
    Ok(included.model)
}

/// Takes the `include` key out of a file's model: its value, if any.
fn take_includes(doc: &mut Node) -> Option<Node> {
    let Value::Map(entries) = &mut doc.value else {
        return None;
    };
    let index = entries.iter().position(|(k, _)| k.text == "include")?;
    Some(entries.remove(index).1)
}

/// Copies the services and other resources of an included project. One
/// already defined is kept if the included one is the same (a file
/// included twice, along two paths); a different one is an error, as in
/// Docker Compose.
fn import_resources(doc: &mut Node, included: Node, item: &Node) -> Result<(), InputError> {
    let Value::Map(sections) = included.value else {
        return Ok(());
    };
    for (section, content) in sections {
        if ![
            "services", "networks", "volumes", "secrets", "configs", "models",
        ]
        .contains(&section.text.as_str())
        {
            continue;
        }
        let Value::Map(resources) = content.value else {
            continue;
        };
        let Value::Map(entries) = &mut doc.value else {
            return Ok(());
        };
        let slot = match entries.iter().position(|(k, _)| k.text == section.text) {
            Some(i) => &mut entries[i].1,
            None => {
                entries.push((
                    section.clone(),
                    Node::new(Value::Map(Vec::new()), section.pos.clone()),
                ));
                &mut entries.last_mut().expect("just pushed").1
            }
        };
        if slot.is_null() {
            slot.value = Value::Map(Vec::new());
        }
        let Value::Map(existing) = &mut slot.value else {
            return Err(InputError::at(
                &slot.pos,
                format!("`{}` must be a mapping", section.text),
            ));
        };
        let mut defined: HashMap<String, usize> = existing
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.text.clone(), i))
            .collect();
        for (name, resource) in resources {
            match defined.get(&name.text) {
                Some(&i) if existing[i].1.same_value(&resource) => {}
                Some(_) => {
                    return Err(InputError::at(
                        &item.pos,
                        format!(
                            "{}.{} is defined both here and in the included project, differently",
                            section.text, name.text
                        ),
                    ));
                }
                None => {
                    defined.insert(name.text.clone(), existing.len());
                    existing.push((name, resource));
                }
            }
        }
    }
    Ok(())
}

/// Rewrites the relative host paths of an included project (written
/// against its directory `from`) against the including project's `to`.
fn rebase_relative_paths(model: &mut Node, from: &Path, to: &Path) {
    if let Some(Value::Map(services)) = model.get_mut("services").map(|s| &mut s.value) {
        for (_, service) in services {
            rebase_service_paths(service, from, to);
        }
    }
    for section in ["secrets", "configs"] {
        if let Some(Value::Map(entries)) = model.get_mut(section).map(|s| &mut s.value) {
            for (_, resource) in entries {
                if let Some(Value::Scalar(s)) = resource.get_mut("file").map(|n| &mut n.value) {
                    rebase_text(&mut s.text, from, to);
                }
            }
        }
    }
}
