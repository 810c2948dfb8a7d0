//! `extends`: a service built on another service of its own file or of an
//! `extends.file`, resolved file by file as Compose does (before includes
//! are imported and override files merged). A chain is followed to its
//! end, each service resolved once; an extended file's relative paths are
//! rebased onto the extending file's directory. An `extends.file` outside
//! the audit boundary is reported, and the service audited as if it
//! extended nothing.
//!
//! Not here: reading and interpolating a Compose file
//! (`Loader::read_interpolated` in [`super::load`]), the merge of a
//! service over its base ([`super::merge`]), path arithmetic
//! ([`super::paths`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::interpolate::Env;
use super::load::{LoadState, Loader, MAX_CHAIN, MAX_EXTENDED_NODES, OutsideReference};
use super::merge::{MergeWork, merge_service, strip_tags};
use super::paths::{clean_path, rebase_service_paths};
use crate::boundary::{Refusal, Resolved};
use crate::error::InputError;
use crate::yaml::{Node, Value};

/// A Compose file whose services are being extended: its model, its path
/// and the directory its relative paths are resolved against.
struct ExtendedFile<'a> {
    doc: &'a Node,
    path: &'a Path,
    working_dir: &'a Path,
}

impl Loader {
    /// Resolves `extends` for every service of one Compose file. Paths in
    /// `doc` are relative to `working_dir` (the project directory for the
    /// project's own files); an `extends.file` is found from there.
    pub(super) fn apply_extends(
        &self,
        doc: &mut Node,
        file: &Path,
        working_dir: &Path,
        env: &Env,
        state: &mut LoadState,
    ) -> Result<(), InputError> {
        let Some(services) = doc.get("services").and_then(Node::as_map) else {
            return Ok(());
        };
        let names: Vec<String> = services
            .iter()
            .filter(|(_, s)| s.get("extends").is_some())
            .map(|(k, _)| k.text.clone())
            .collect();
        if names.is_empty() {
            return Ok(());
        }
        // Every service is resolved from the file as written, once: a
        // service several others extend is not resolved again for each.
        let original = doc.clone();
        let mut resolved = HashMap::new();
        for name in names {
            let file = ExtendedFile {
                doc: &original,
                path: file,
                working_dir,
            };
            let service = resolve_extends(
                self,
                &file,
                &name,
                env,
                state,
                &mut Vec::new(),
                &mut resolved,
            )?;
            if let Some(Value::Map(entries)) = doc.get_mut("services").map(|s| &mut s.value)
                && let Some((_, slot)) = entries.iter_mut().find(|(k, _)| k.text == name)
            {
                *slot = service;
            }
        }
        Ok(())
    }

    /// The model of the file an `extends.file` names (`written`, found at
    /// `path`), read once per load. `None` when it lies outside the
    /// boundary: that is reported, for the service `name` that extends it.
    fn extended_doc(
        &self,
        path: &Path,
        written: &str,
        extends: &Node,
        name: &str,
        env: &Env,
        state: &mut LoadState,
    ) -> Result<Option<Arc<Node>>, InputError> {
        if let Some(doc) = state.extended.get(path) {
            return Ok(Some(doc.clone()));
        }
        match self.boundary.resolve(path) {
            Resolved::File(_) => {}
            Resolved::Refused(why) => {
                let file_node = extends.get("file").unwrap_or(extends);
                let route = format!("services.{name}.extends.file");
                let owner = Some(name.to_string());
                let what = "extends.file";
                let reference = OutsideReference::at(file_node, &route, owner, what, written, why);
                state.outside.push(reference);
                return Ok(None);
            }
            Resolved::Missing | Resolved::Dir(_) => {
                return Err(InputError::at(
                    &extends.pos,
                    format!("cannot read extended file {}", self.display(path)),
                ));
            }
        }
        let mut warnings = Vec::new();
        let Some(doc) = self.read_interpolated(path, env, state, &mut warnings)? else {
            return Err(self.refused_error(path, Refusal::Outside));
        };
        let doc = Arc::new(doc);
        state.extended.insert(path.to_path_buf(), doc.clone());
        Ok(Some(doc))
    }
}

/// The service `name` of `file` with its `extends` chain applied, its
/// paths relative to the file's working directory. `resolved` holds
/// the services already resolved, by file and name.
fn resolve_extends(
    loader: &Loader,
    file: &ExtendedFile,
    name: &str,
    env: &Env,
    state: &mut LoadState,
    chain: &mut Vec<(PathBuf, String)>,
    resolved: &mut HashMap<(PathBuf, String), Node>,
) -> Result<Node, InputError> {
    let link = (file.path.to_path_buf(), name.to_string());
    if let Some(done) = resolved.get(&link) {
        return Ok(done.clone());
    }
    let service = file
        .doc
        .get("services")
        .and_then(|s| s.get(name))
        .ok_or_else(|| {
            InputError::in_file(
                loader.display(file.path),
                format!("no service `{name}` to extend"),
            )
        })?;
    let Some(extends) = service.get("extends") else {
        return Ok(service.clone());
    };
    if chain.contains(&link) || chain.len() >= MAX_CHAIN {
        return Err(InputError::at(
            &extends.pos,
            format!("extends cycle: service `{name}` extends itself"),
        ));
    }
    chain.push(link.clone());
    let (base_name, base_file) = extends_target(extends)?;
    let base = match base_file {
        None => {
            if file
                .doc
                .get("services")
                .and_then(|s| s.get(&base_name))
                .is_none()
            {
                return Err(InputError::at(
                    &extends.pos,
                    format!(
                        "service `{name}` extends `{base_name}`, which {} does not define \
                         (Compose resolves `extends` within one file: a service of an \
                         `include` or of another `-f` file cannot be extended)",
                        loader.display(file.path)
                    ),
                ));
            }
            resolve_extends(loader, file, &base_name, env, state, chain, resolved)?
        }
        Some(written) => {
            let other_path = clean_path(&file.working_dir.join(written));
            let Some(other_doc) =
                loader.extended_doc(&other_path, written, extends, name, env, state)?
            else {
                // Audited as if it extended nothing.
                chain.pop();
                return Ok(service.clone());
            };
            // An extended file's paths (and its own `extends.file`)
            // are relative to its own directory.
            let other_dir = other_path.parent().unwrap_or(Path::new("."));
            let other = ExtendedFile {
                doc: &other_doc,
                path: &other_path,
                working_dir: other_dir,
            };
            let mut base =
                resolve_extends(loader, &other, &base_name, env, state, chain, resolved)?;
            rebase_service_paths(&mut base, other_dir, file.working_dir);
            base
        }
    };
    chain.pop();
    let base = laid_over(base, service, &mut state.work.merge);
    state.work.extended_nodes += node_count(&base);
    if state.work.extended_nodes > MAX_EXTENDED_NODES {
        return Err(InputError::at(
            &extends.pos,
            format!(
                "`extends` makes the project larger than {MAX_EXTENDED_NODES} nodes (every \
                 extending service is a copy of its base): refused like an alias bomb"
            ),
        ));
    }
    resolved.insert(link, base.clone());
    Ok(base)
}

/// How many nodes a value holds, itself included.
fn node_count(node: &Node) -> usize {
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        count += 1;
        match &node.value {
            Value::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            Value::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    count
}

/// The service an `extends` names, and the file it names if any: `extends:
/// base` or `extends: {service: base, file: other.yaml}`.
fn extends_target(extends: &Node) -> Result<(String, Option<&str>), InputError> {
    match &extends.value {
        Value::Scalar(s) => Ok((s.text.clone(), None)),
        Value::Map(_) => {
            let base_name = extends
                .get("service")
                .and_then(Node::as_str)
                .ok_or_else(|| InputError::at(&extends.pos, "`extends` needs a `service`"))?;
            Ok((
                base_name.to_string(),
                extends.get("file").and_then(Node::as_str),
            ))
        }
        _ => Err(InputError::at(&extends.pos, "invalid `extends`")),
    }
}

/// `service` merged over its resolved `base`, at the service's place.
fn laid_over(mut base: Node, service: &Node, work: &mut MergeWork) -> Node {
    // `extends` stays in the resolved service so rules can check it (a
    // misspelled `files:` there protects nothing); the base's own
    // `extends` was consumed resolving it.
    let over = service.clone();
    if let Value::Map(entries) = &mut base.value {
        entries.retain(|(k, _)| k.text != "extends");
    }
    strip_tags(&mut base);
    *work += merge_service(&mut base, over);
    base.pos = service.pos.clone();
    base
}
