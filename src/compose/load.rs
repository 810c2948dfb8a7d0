//! Loads a Compose project the way `docker compose config` does: file
//! discovery (or `-f` / `COMPOSE_FILE`), `.env` and `--env-file`,
//! per-file interpolation, `extends` (same file and `file:`, resolved file
//! by file), `include`, overrides merged in order, and profiles. Each
//! file's relative paths resolve against its own directory (an extended
//! file's, an included project's), at any depth. Every value keeps the
//! file, line and column that set it. What Compose would refuse to run is
//! checked in [`super::validate`]; the version 1 format is read through
//! [`super::legacy`].
//!
//! Every file a project names is opened through the audit boundary
//! ([`crate::boundary`]): one outside it is not read, and becomes an
//! [`OutsideReference`] (a `file-outside-repository` finding at the line
//! that names it) while the project is loaded as if the file were absent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::{MAX_ENV_FILE, project_env};
use super::interpolate::{Env, Required, interpolate_tree};
use super::merge::{merge_documents, merge_service, strip_tags};
use crate::boundary::{Boundary, Refusal, Resolved};
use crate::error::InputError;
use crate::yaml::{Key, Limits, Node, Pos, SourceFile, Value, parse_documents, read_opened};

/// The default file names, in Compose's order of preference.
pub const DEFAULT_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Override files added to a discovered default file.
pub const OVERRIDE_FILES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Largest Compose file drydock reads.
pub const MAX_FILE_BYTES: u64 = 8 << 20;

/// Deepest chain of `include`s and `extends`.
const MAX_CHAIN: usize = 32;

/// What to load: the equivalent of `docker compose` flags.
#[derive(Clone, Debug, Default)]
pub struct ProjectSpec {
    /// `--project-directory`; defaults to the first file's directory.
    pub project_dir: Option<PathBuf>,
    /// `-f` files in order; empty means discovery.
    pub files: Vec<PathBuf>,
    /// `--env-file` files; empty means the project's `.env`.
    pub env_files: Vec<PathBuf>,
    /// `--profile`; empty means every service is audited.
    pub profiles: Vec<String>,
    /// The names of the project directory's files, when a directory walk
    /// already listed them: discovery then needs no `stat` per candidate.
    pub listing: Option<Vec<String>>,
    /// A variant (`compose.prod.yaml`) a scan found with no base file
    /// beside it: it is audited on its own for what it sets, and what
    /// only a base would provide (an image, the networks it names) is not
    /// an error.
    pub fragment: bool,
}

impl ProjectSpec {
    /// Whether `dir/name` is there (a file, or a name the boundary refuses,
    /// which is reported), from the listing when there is one.
    fn has_file(&self, dir: &Path, name: &str, boundary: &Boundary) -> bool {
        match &self.listing {
            Some(names) => names.iter().any(|n| n == name),
            None => matches!(
                boundary.resolve(&dir.join(name)),
                Resolved::File(_) | Resolved::Refused(_)
            ),
        }
    }

    /// Whether the user named the Compose files (`-f`, a file given to
    /// `scan`), rather than discovery finding them.
    fn named(&self) -> bool {
        self.listing.is_none() && !self.files.is_empty()
    }

    /// Whether a scan of a directory found the project. Its environment
    /// is the auditor's, not the deployment's: a required variable left
    /// unset is a warning, not Compose's error.
    fn found_by_scan(&self) -> bool {
        self.listing.is_some()
    }
}

/// A file a project names that lies outside the audit boundary: not read.
#[derive(Clone, Debug)]
pub struct OutsideReference {
    /// The value naming the file (its line and column); for a file found
    /// by name (`.env`, a symlinked `compose.yaml`), the file itself.
    pub node: Node,
    pub route: String,
    /// The service whose key names it, if any.
    pub service: Option<String>,
    /// What names it: `env_file`, `include`, `extends.file`, `.env`…
    pub what: &'static str,
    /// The path as written.
    pub written: String,
    pub refusal: Refusal,
}

/// What opening a file a project names gave.
enum Opened {
    Read(Arc<SourceFile>),
    Missing,
    Refused(Refusal),
}

/// A loaded, merged Compose project.
#[derive(Debug)]
pub struct Project {
    pub name: String,
    pub dir: PathBuf,
    /// Every file read: Compose files, included and extended ones.
    pub files: Vec<Arc<SourceFile>>,
    /// The merged model (a mapping with `services`, `volumes`…).
    pub model: Node,
    /// Non-fatal notes, e.g. unset variables.
    pub warnings: Vec<String>,
    /// Profiles selected with `--profile` (empty: all services).
    pub profiles: Vec<String>,
    /// The variables interpolation used.
    pub env: Arc<Env>,
    /// Files the project names that were not read (outside the boundary).
    pub outside: Vec<OutsideReference>,
    /// Why Docker Compose would refuse to run the project (an undefined
    /// network, a `depends_on` cycle…): input errors, while the project
    /// is still audited.
    pub invalid: Vec<InputError>,
    /// The first line of each file in the version 1 format (services at
    /// the top level), read as if under `services:`.
    pub legacy_format: Vec<Node>,
    /// Where the project's env files (`.env`, `--env-file`) set each
    /// interpolation variable the process environment does not override.
    pub env_origins: super::env::EnvOrigins,
}

impl Project {
    /// The services to audit: all of them, or those enabled by the
    /// selected profiles (`*` enables all).
    pub fn services(&self) -> Vec<(&Key, &Node)> {
        let Some(services) = self.model.get("services").and_then(Node::as_map) else {
            return Vec::new();
        };
        services
            .iter()
            .filter(|(_, service)| self.is_active(service))
            .map(|(k, v)| (k, v))
            .collect()
    }

    fn is_active(&self, service: &Node) -> bool {
        if self.profiles.is_empty() || self.profiles.iter().any(|p| p == "*") {
            return true;
        }
        let Some(list) = service.get("profiles").and_then(Node::as_seq) else {
            return true;
        };
        list.is_empty()
            || list
                .iter()
                .filter_map(Node::as_str)
                .any(|p| self.profiles.iter().any(|s| s == p))
    }
}

/// Loads projects, naming files relative to a scan root and opening them
/// only within a boundary.
pub struct Loader {
    pub root: PathBuf,
    /// The variables interpolation takes over every file's (empty with
    /// `--env-from-process=false`).
    pub process_env: Arc<Env>,
    pub boundary: Boundary,
    pub limits: Limits,
}

impl Loader {
    pub fn new(root: PathBuf, process_env: Env, boundary: Boundary) -> Loader {
        Loader {
            root,
            process_env: Arc::new(process_env),
            boundary,
            limits: Limits::default(),
        }
    }

    /// Opens and reads a file through the boundary.
    fn open(&self, path: &Path, max_bytes: u64) -> Result<Opened, InputError> {
        let display = self.display(path);
        match self.boundary.open(path) {
            Ok((file, size)) => {
                read_opened(file, size, path.to_path_buf(), display, max_bytes).map(Opened::Read)
            }
            Err(crate::boundary::OpenError::Refused(why)) => Ok(Opened::Refused(why)),
            Err(crate::boundary::OpenError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Opened::Missing)
            }
            Err(e) => Err(InputError::in_file(display, e.to_string())),
        }
    }

    /// The error for a file the user named that the boundary refuses.
    fn refused_error(&self, path: &Path, why: Refusal) -> InputError {
        InputError::in_file(
            self.display(path),
            format!(
                "not read: it {} (--root DIR widens the root; --allow-outside-root lifts it)",
                why.describe()
            ),
        )
    }

    /// A reference to a file found by name (no line names it): the
    /// finding sits at the file's own path, line 1.
    fn whole_file_reference(
        &self,
        path: &Path,
        what: &'static str,
        refusal: Refusal,
    ) -> OutsideReference {
        let display = self.display(path);
        let file = crate::yaml::source_from_text(&display, "");
        OutsideReference {
            node: Node::new(Value::Null, Pos::line_of(file, 1)),
            route: String::new(),
            service: None,
            what,
            written: display,
            refusal,
        }
    }

    /// How reports name a path: relative to the scan root when inside it.
    pub fn display(&self, path: &Path) -> String {
        let shown = path.strip_prefix(&self.root).unwrap_or(path);
        let text = shown.to_string_lossy().replace('\\', "/");
        if text.is_empty() { ".".into() } else { text }
    }

    /// Loads one project.
    pub fn load(&self, spec: &ProjectSpec) -> Result<Project, InputError> {
        let mut state = LoadState {
            found_by_scan: spec.found_by_scan(),
            ..LoadState::default()
        };
        self.load_project(spec, &self.process_env, &mut state, 0)
    }

    /// Loads a project whose own env files are overridden by `outer`: the
    /// process environment for a top-level project, the including project's
    /// variables for an included one.
    fn load_project(
        &self,
        spec: &ProjectSpec,
        outer: &Arc<Env>,
        state: &mut LoadState,
        depth: usize,
    ) -> Result<Project, InputError> {
        let dir = match (&spec.project_dir, spec.files.first()) {
            (Some(dir), _) => dir.clone(),
            (None, Some(first)) => first.parent().map(Path::to_path_buf).unwrap_or_default(),
            (None, None) => PathBuf::from("."),
        };
        let env_files = self.env_sources(spec, &dir, state)?;
        let (mut env, env_origins) = project_env(&env_files, outer)?;
        if depth == 0 {
            // `${PWD}` is the directory `docker compose` runs from: the
            // project's, whatever directory drydock was started in, so that
            // `${PWD}/data` and `./data` name the same files (included
            // projects keep the including project's, as in Compose).
            if let Some(pwd) = absolute_dir(&dir) {
                Arc::make_mut(&mut env).insert("PWD".into(), pwd.to_string_lossy().into_owned());
            }
        }
        let files = self.config_files(spec, &dir, &env)?;
        // The project's own files join the include stack only when it
        // includes something (a cycle needs an include), sparing a
        // `canonicalize` per project in a large scan.
        state.pending_top.extend(files.iter().cloned());
        let mut model: Option<Node> = None;
        let mut warnings = Vec::new();
        let mut main_file: Option<PathBuf> = None;
        for path in &files {
            let mut doc = match self.read_interpolated(path, &env, state, &mut warnings)? {
                Some(doc) => doc,
                None if spec.named() => {
                    let why = state.outside.pop().map_or(Refusal::Outside, |r| r.refusal);
                    return Err(self.refused_error(path, why));
                }
                None => continue,
            };
            main_file.get_or_insert_with(|| path.clone());
            self.check_file_references(&doc, &dir, state);
            // As in Compose, `extends` is resolved file by file, before
            // includes are imported and override files merged: a service
            // extends a service of its own file or of an `extends.file`.
            self.apply_extends(&mut doc, path, &dir, &env, state)?;
            self.apply_includes(&mut doc, &dir, &env, state, depth)?;
            match &mut model {
                None => {
                    strip_tags(&mut doc);
                    model = Some(doc);
                }
                Some(base) => merge_documents(base, doc),
            }
        }
        let mut model = match (model, state.outside.last()) {
            (Some(model), _) => model,
            // Every Compose file was outside the boundary: an empty project
            // that carries the findings.
            (None, Some(refused)) => Node::new(Value::Map(Vec::new()), refused.node.pos.clone()),
            (None, None) => {
                return Err(InputError::in_file(
                    self.display(&dir),
                    "no Compose file found",
                ));
            }
        };
        if model.as_map().is_some_and(<[_]>::is_empty) && state.outside.is_empty() && !spec.fragment
        {
            let shown = main_file.as_deref().unwrap_or(files[0].as_path());
            return Err(InputError::in_file(
                self.display(shown),
                "empty compose file: no services or other top-level keys in any file of the project",
            ));
        }
        validate_shape(&model)?;
        keep_last_mount_per_target(&mut model);
        let mut invalid = std::mem::take(&mut state.invalid);
        if depth == 0 && !spec.fragment {
            invalid.extend(super::validate::validate_project(
                &model,
                &spec.profiles,
                !spec.found_by_scan(),
            ));
        }
        self.apply_env_files(&mut model, &dir, &env, state)?;
        // Compose's order: COMPOSE_PROJECT_NAME (the process or `.env`),
        // then the top-level `name`, then the directory.
        let name = env
            .get("COMPOSE_PROJECT_NAME")
            .filter(|n| !n.is_empty())
            .cloned()
            .or_else(|| model.get("name").and_then(Node::as_str).map(str::to_string))
            .unwrap_or_else(|| project_name_from_dir(&dir));
        for reference in &state.outside {
            warnings.push(reference.warning());
        }
        warnings.append(&mut state.warnings);
        warnings.sort();
        warnings.dedup();
        Ok(Project {
            name,
            dir,
            files: state.files.clone(),
            model,
            warnings,
            profiles: spec.profiles.clone(),
            env,
            outside: state.outside.clone(),
            invalid,
            legacy_format: state.legacy_format.clone(),
            env_origins,
        })
    }

    /// The env files of a project, read through the boundary: its `.env`
    /// (one outside the boundary is reported and left out), or the
    /// `--env-file`s (named by the user, or by an `include` entry that
    /// was checked already: refusing one is an error).
    fn env_sources(
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

    fn config_files(
        &self,
        spec: &ProjectSpec,
        dir: &Path,
        env: &Env,
    ) -> Result<Vec<PathBuf>, InputError> {
        if !spec.files.is_empty() {
            return Ok(spec.files.clone());
        }
        if let Some(list) = env.get("COMPOSE_FILE").filter(|v| !v.is_empty()) {
            let separator = env
                .get("COMPOSE_PATH_SEPARATOR")
                .cloned()
                .unwrap_or_else(|| ":".into());
            return Ok(list
                .split(separator.as_str())
                .filter(|p| !p.is_empty())
                .map(|p| dir.join(p))
                .collect());
        }
        let Some(main) = DEFAULT_FILES
            .iter()
            .find(|f| spec.has_file(dir, f, &self.boundary))
            .map(|f| dir.join(f))
        else {
            return Err(InputError::in_file(
                self.display(dir),
                "no compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml here",
            ));
        };
        let mut files = vec![main];
        if let Some(over) = OVERRIDE_FILES
            .iter()
            .find(|f| spec.has_file(dir, f, &self.boundary))
            .map(|f| dir.join(f))
        {
            files.push(over);
        }
        Ok(files)
    }

    /// Reads, parses (several documents merge in order) and interpolates;
    /// `None` when the boundary refused the file (recorded as found by
    /// name, last in `state.outside`).
    fn read_interpolated(
        &self,
        path: &Path,
        env: &Env,
        state: &mut LoadState,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Node>, InputError> {
        let source = match self.open(path, MAX_FILE_BYTES)? {
            Opened::Read(source) => source,
            Opened::Missing => {
                return Err(InputError::in_file(
                    self.display(path),
                    "cannot read: No such file or directory (os error 2)",
                ));
            }
            Opened::Refused(why) => {
                let reference = self.whole_file_reference(path, "Compose file", why);
                state.outside.push(reference);
                return Ok(None);
            }
        };
        state.files.push(source.clone());
        let mut docs = parse_documents(&source, self.limits)?.into_iter();
        // A file of comments only (or an empty document) adds nothing, as
        // in Docker Compose; a project whose files are all empty is an
        // error once they are merged.
        let empty = || {
            let pos = Pos::line_of(source.clone(), 1);
            Node::new(Value::Map(Vec::new()), pos)
        };
        let mut doc = docs.next().filter(|d| !d.is_null()).unwrap_or_else(empty);
        for more in docs {
            merge_documents(&mut doc, more);
        }
        if let Some(error) = read_misspelled_services(&mut doc) {
            state.invalid.push(error);
        }
        if super::legacy::is_v1(&doc) {
            state
                .legacy_format
                .push(Node::new(Value::Null, Pos::line_of(source.clone(), 1)));
            doc = super::legacy::to_services(doc);
        }
        if doc.as_map().is_none() {
            return Err(InputError::at(
                &doc.pos,
                format!(
                    "a Compose file must be a mapping, found {}",
                    doc.kind_name()
                ),
            ));
        }
        let required = if state.found_by_scan {
            Required::Warn
        } else {
            Required::Error
        };
        let unset = interpolate_tree(&mut doc, env, required)?;
        for name in unset.plain {
            warnings.push(format!(
                "{}: variable {name} is not set; it defaults to an empty string",
                source.display
            ));
        }
        for name in unset.required {
            warnings.push(format!(
                "{}: required variable {name} is not set here (the deploying environment \
                 provides it); audited with an empty value",
                source.display
            ));
        }
        Ok(Some(doc))
    }

    /// `include:`: each entry is loaded as its own project (own directory
    /// and `.env`), and its services and other resources are copied in. A
    /// resource defined both here and in an included project is an error.
    fn apply_includes(
        &self,
        doc: &mut Node,
        dir: &Path,
        env: &Arc<Env>,
        state: &mut LoadState,
        depth: usize,
    ) -> Result<(), InputError> {
        let Value::Map(entries) = &mut doc.value else {
            return Ok(());
        };
        let Some(index) = entries.iter().position(|(k, _)| k.text == "include") else {
            return Ok(());
        };
        let (_, includes) = entries.remove(index);
        if depth >= MAX_CHAIN {
            return Err(InputError::at(&includes.pos, "include chain is too deep"));
        }
        let items = match &includes.value {
            Value::Seq(items) => items.clone(),
            Value::Null => Vec::new(),
            _ => {
                return Err(InputError::at(&includes.pos, "`include` must be a list"));
            }
        };
        for (index, item) in items.into_iter().enumerate() {
            let route = format!("include[{index}]");
            // Each path and env file with the node that names it.
            let (paths, project_dir, env_files) = match &item.value {
                Value::Scalar(s) => (vec![(s.text.clone(), item.clone())], None, Vec::new()),
                Value::Map(_) => {
                    let paths = match item.get("path") {
                        Some(p) => super::model::strings(p)
                            .into_iter()
                            .map(|(s, node)| (s.to_string(), node.clone()))
                            .collect(),
                        None => {
                            return Err(InputError::at(&item.pos, "include entry has no `path`"));
                        }
                    };
                    let project_dir = item
                        .get("project_directory")
                        .and_then(Node::as_str)
                        .map(|d| dir.join(d));
                    let env_files = item
                        .get("env_file")
                        .map(|e| {
                            super::model::strings(e)
                                .into_iter()
                                .map(|(s, node)| (s.to_string(), node.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    (paths, project_dir, env_files)
                }
                _ => return Err(InputError::at(&item.pos, "invalid include entry")),
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
            for top in std::mem::take(&mut state.pending_top) {
                if let Ok(canonical) = top.canonicalize() {
                    state.include_stack.push(canonical);
                }
            }
            // A file outside the boundary is not included: the rest of the
            // project is loaded as if the entry were not there.
            let mut refused = false;
            for (written, node) in &paths {
                let why = self.refusal(&dir.join(written));
                if let Some(why) = why {
                    let reference =
                        OutsideReference::at(node, &route, None, "include", written, why);
                    state.outside.push(reference);
                    refused = true;
                }
            }
            if refused {
                continue;
            }
            let mut env_paths = Vec::new();
            for (written, node) in &env_files {
                let path = clean_path(&dir.join(written));
                match self.refusal(&path) {
                    Some(why) => {
                        let what = "include env_file";
                        let reference =
                            OutsideReference::at(node, &route, None, what, written, why);
                        state.outside.push(reference);
                    }
                    None => env_paths.push(path),
                }
            }
            let env_files = env_paths;
            let files: Vec<PathBuf> = paths
                .iter()
                .map(|(p, _)| clean_path(&dir.join(p)))
                .collect();
            for file in &files {
                let canonical = file.canonicalize().map_err(|e| {
                    InputError::at(
                        &item.pos,
                        format!("cannot include {}: {e}", self.display(file)),
                    )
                })?;
                if state.include_stack.contains(&canonical) {
                    return Err(InputError::at(
                        &item.pos,
                        format!("include cycle: {} includes itself", self.display(file)),
                    ));
                }
            }
            let spec = ProjectSpec {
                project_dir: project_dir.or_else(|| files[0].parent().map(Path::to_path_buf)),
                files: files.clone(),
                env_files,
                profiles: Vec::new(),
                listing: None,
                fragment: false,
            };
            let canonical: Vec<PathBuf> =
                files.iter().filter_map(|f| f.canonicalize().ok()).collect();
            state.include_stack.extend(canonical.iter().cloned());
            let included = self.load_project(&spec, env, state, depth + 1);
            state.include_stack.retain(|p| !canonical.contains(p));
            let mut included = included?;
            rebase_relative_paths(&mut included.model, &included.dir, dir);
            import_resources(doc, included.model, &item)?;
        }
        Ok(())
    }

    /// Resolves `extends` for every service of one Compose file. Paths in
    /// `doc` are relative to `working_dir` (the project directory for the
    /// project's own files); an `extends.file` is found from there.
    fn apply_extends(
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
            let service =
                self.resolve_extends(&file, &name, env, state, &mut Vec::new(), &mut resolved)?;
            if let Some(Value::Map(entries)) = doc.get_mut("services").map(|s| &mut s.value)
                && let Some((_, slot)) = entries.iter_mut().find(|(k, _)| k.text == name)
            {
                *slot = service;
            }
        }
        Ok(())
    }

    /// The service `name` of `file` with its `extends` chain applied, its
    /// paths relative to the file's working directory. `resolved` holds
    /// the services already resolved, by file and name.
    fn resolve_extends(
        &self,
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
                    self.display(file.path),
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
        let (base_name, base_file) = match &extends.value {
            Value::Scalar(s) => (s.text.clone(), None),
            Value::Map(_) => {
                let base_name = extends
                    .get("service")
                    .and_then(Node::as_str)
                    .ok_or_else(|| InputError::at(&extends.pos, "`extends` needs a `service`"))?;
                (
                    base_name.to_string(),
                    extends.get("file").and_then(Node::as_str),
                )
            }
            _ => return Err(InputError::at(&extends.pos, "invalid `extends`")),
        };
        let mut base = match base_file {
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
                            self.display(file.path)
                        ),
                    ));
                }
                self.resolve_extends(file, &base_name, env, state, chain, resolved)?
            }
            Some(other) => {
                let other_path = clean_path(&file.working_dir.join(other));
                let other_doc = match state.extended.get(&other_path) {
                    Some(d) => d.clone(),
                    None => {
                        let file_node = extends.get("file").unwrap_or(extends);
                        match self.boundary.resolve(&other_path) {
                            Resolved::File(_) => {}
                            Resolved::Refused(why) => {
                                // Audited as if it extended nothing.
                                let route = format!("services.{name}.extends.file");
                                let owner = Some(name.to_string());
                                let what = "extends.file";
                                let reference = OutsideReference::at(
                                    file_node, &route, owner, what, other, why,
                                );
                                state.outside.push(reference);
                                chain.pop();
                                return Ok(service.clone());
                            }
                            Resolved::Missing | Resolved::Dir(_) => {
                                return Err(InputError::at(
                                    &extends.pos,
                                    format!(
                                        "cannot read extended file {}",
                                        self.display(&other_path)
                                    ),
                                ));
                            }
                        }
                        let mut warnings = Vec::new();
                        let Some(d) =
                            self.read_interpolated(&other_path, env, state, &mut warnings)?
                        else {
                            return Err(self.refused_error(&other_path, Refusal::Outside));
                        };
                        state.extended.insert(other_path.clone(), d.clone());
                        d
                    }
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
                    self.resolve_extends(&other, &base_name, env, state, chain, resolved)?;
                rebase_service_paths(&mut base, other_dir, file.working_dir);
                base
            }
        };
        chain.pop();
        // `extends` stays in the resolved service so rules can check it
        // (a misspelled `files:` there protects nothing); the base's own
        // `extends` was consumed resolving it.
        let over = service.clone();
        if let Value::Map(entries) = &mut base.value {
            entries.retain(|(k, _)| k.text != "extends");
        }
        strip_tags(&mut base);
        merge_service(&mut base, over);
        base.pos = service.pos.clone();
        resolved.insert(link, base.clone());
        Ok(base)
    }
}

/// A Compose file whose services are being extended: its model, its path
/// and the directory its relative paths are resolved against.
struct ExtendedFile<'a> {
    doc: &'a Node,
    path: &'a Path,
    working_dir: &'a Path,
}

impl Loader {
    /// Why the boundary would not open `path`, if it would not.
    fn refusal(&self, path: &Path) -> Option<Refusal> {
        match self.boundary.resolve(path) {
            Resolved::Refused(why) => Some(why),
            _ => None,
        }
    }

    /// The files a Compose file names that drydock does not read (yet)
    /// but a deployment would: `configs`/`secrets` `file:` sources and
    /// build contexts and Dockerfiles. One outside the boundary is a
    /// reference to a host file, reported like the files that are read.
    fn check_file_references(&self, doc: &Node, dir: &Path, state: &mut LoadState) {
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

/// A build context that is not a local directory (a Git or HTTP URL).
fn is_remote_context(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

impl OutsideReference {
    /// The summary's line: where, what was not read, and why.
    pub fn warning(&self) -> String {
        let pos = &self.node.pos;
        format!(
            "{}:{}:{}: {} `{}` was not read: it {}; the project was audited as if it were absent",
            pos.file.display,
            pos.line,
            pos.column,
            self.what,
            self.written,
            self.refusal.describe()
        )
    }

    fn at(
        node: &Node,
        route: &str,
        service: Option<String>,
        what: &'static str,
        written: &str,
        refusal: Refusal,
    ) -> OutsideReference {
        OutsideReference {
            node: node.clone(),
            route: route.to_string(),
            service,
            what,
            written: written.to_string(),
            refusal,
        }
    }
}

impl Loader {
    /// `env_file:` is read and its variables placed under `environment`
    /// (keys set in `environment` win), positioned at their line in the env
    /// file, as `docker compose config` does. A bare `KEY` in
    /// `environment` takes its value from the interpolation variables.
    fn apply_env_files(
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

#[derive(Default)]
struct LoadState {
    /// Files named outside the boundary, not read.
    outside: Vec<OutsideReference>,
    /// Files of the project being loaded, not yet on the include stack.
    pending_top: Vec<PathBuf>,
    files: Vec<Arc<SourceFile>>,
    include_stack: Vec<PathBuf>,
    extended: HashMap<PathBuf, Node>,
    /// A scan of a directory found the project: what only the deploying
    /// environment provides (a required variable, an env file kept out of
    /// the repository) is a warning when it is missing here, not
    /// Compose's error.
    found_by_scan: bool,
    /// Warnings about the project's own files (for the project's report).
    warnings: Vec<String>,
    /// The first line of each file in the version 1 format.
    legacy_format: Vec<Node>,
    /// Why Docker Compose would refuse a file read (a misspelled
    /// `services:`), found while reading it.
    invalid: Vec<InputError>,
}

/// Copies the services and other resources of an included project.
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
        for (name, resource) in resources {
            if existing.iter().any(|(k, _)| k.text == name.text) {
                return Err(InputError::at(
                    &item.pos,
                    format!(
                        "{}.{} is defined both here and in the included project",
                        section.text, name.text
                    ),
                ));
            }
            existing.push((name, resource));
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

/// Rewrites the relative host paths of one service (bind sources,
/// `env_file`, the build context), written against `from`, so that they
/// name the same files from `to`. Paths stay relative when they can, so
/// findings never show the machine's absolute paths; `~` and absolute
/// paths are left alone.
fn rebase_service_paths(service: &mut Node, from: &Path, to: &Path) {
    if from == to {
        return;
    }
    if let Some(Value::Seq(items)) = service.get_mut("volumes").map(|v| &mut v.value) {
        for item in items {
            match &mut item.value {
                Value::Scalar(s) => {
                    if let Some((source, rest)) = s.text.split_once(':')
                        && source.starts_with('.')
                    {
                        let mut source = source.to_string();
                        rebase_text(&mut source, from, to);
                        s.text = format!("{source}:{rest}");
                    }
                }
                Value::Map(_) => {
                    let bind = item.get("type").and_then(Node::as_str) == Some("bind");
                    if let Some(Value::Scalar(s)) = item.get_mut("source").map(|n| &mut n.value)
                        && (bind || s.text.starts_with('.'))
                    {
                        rebase_text(&mut s.text, from, to);
                    }
                }
                _ => {}
            }
        }
    }
    match service.get_mut("env_file").map(|e| &mut e.value) {
        Some(Value::Scalar(s)) => rebase_text(&mut s.text, from, to),
        Some(Value::Seq(items)) => {
            for item in items {
                let text = match &mut item.value {
                    Value::Scalar(s) => Some(&mut s.text),
                    Value::Map(_) => match item.get_mut("path").map(|p| &mut p.value) {
                        Some(Value::Scalar(s)) => Some(&mut s.text),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(text) = text {
                    rebase_text(text, from, to);
                }
            }
        }
        _ => {}
    }
    let context = match service.get_mut("build") {
        Some(build) if matches!(build.value, Value::Map(_)) => build.get_mut("context"),
        other => other,
    };
    if let Some(Value::Scalar(s)) = context.map(|c| &mut c.value)
        && !is_remote_context(&s.text)
    {
        rebase_text(&mut s.text, from, to);
    }
}

/// One relative host path written against `from`, rewritten against `to`.
fn rebase_text(text: &mut String, from: &Path, to: &Path) {
    if text.is_empty() || text.starts_with('~') || Path::new(text.as_str()).is_absolute() {
        return;
    }
    let target = clean_path(&from.join(text.as_str()));
    let rebased = relative_to(&target, to).unwrap_or(target);
    // A bind source must start with `.` or `/` to be a path, not a
    // volume name.
    *text = if rebased.is_absolute() || rebased.starts_with("..") || rebased.starts_with(".") {
        rebased.to_string_lossy().into_owned()
    } else {
        format!("./{}", rebased.to_string_lossy())
    };
}

/// `target` as a path from `base` (`./x`, `../x`, `.`), `None` when one of
/// them cannot be made absolute.
fn relative_to(target: &Path, base: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let target = absolute_dir(target)?;
    let base = absolute_dir(base)?;
    let t: Vec<Component> = target.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    if common == b.len() {
        out.push(".");
    }
    for _ in common..b.len() {
        out.push("..");
    }
    for part in &t[common..] {
        out.push(part.as_os_str());
    }
    Some(out)
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

/// A file with no `services:` but a top-level key that is a misspelling
/// of it holding a mapping (`servcies:`): Docker Compose refuses the file.
/// Its services are read as if under `services:`, so that their hazards
/// are still seen, and the refusal is returned as an input error.
fn read_misspelled_services(doc: &mut Node) -> Option<InputError> {
    let Value::Map(entries) = &mut doc.value else {
        return None;
    };
    if entries.iter().any(|(k, _)| k.text == "services") {
        return None;
    }
    let (key, _) = entries.iter_mut().find(|(k, v)| {
        !super::keys::TOP_LEVEL.contains(&k.text.as_str())
            && !k.text.starts_with("x-")
            // A mapping of services, not one service's attributes (a
            // version 1 file may name a service `service`).
            && v.as_map().is_some_and(|entries| {
                entries.iter().all(|(_, service)| service.as_map().is_some() || service.is_null())
            })
            && crate::suggest::closest(&k.text, ["services"]).is_some()
    })?;
    let error = InputError::at(
        &key.pos,
        format!(
            "`{}` is not a Compose key; did you mean `services`? (Docker Compose rejects the \
             file; its services were audited as if under `services:`)",
            key.text
        ),
    );
    key.text = "services".into();
    Some(error)
}

/// Two `volumes` entries of one service with the same target: Compose
/// mounts only the last one, so only the last one is audited.
fn keep_last_mount_per_target(model: &mut Node) {
    let Some(Value::Map(services)) = model.get_mut("services").map(|s| &mut s.value) else {
        return;
    };
    for (_, service) in services {
        let Some(Value::Seq(items)) = service.get_mut("volumes").map(|v| &mut v.value) else {
            continue;
        };
        let targets: Vec<Option<String>> = items
            .iter()
            .map(|item| {
                super::model::parse_mount(item).map(|m| m.target.trim_end_matches('/').to_string())
            })
            .collect();
        // From the end: an entry is kept when no later one has its target.
        let mut later = std::collections::HashSet::new();
        let keep: Vec<bool> = targets
            .iter()
            .rev()
            .map(|target| target.as_ref().is_none_or(|t| later.insert(t.clone())))
            .collect();
        let mut keep = keep.into_iter().rev();
        items.retain(|_| keep.next().unwrap_or(true));
    }
}

/// Errors for a model Compose would refuse: `services` or a service that
/// is not a mapping.
fn validate_shape(model: &Node) -> Result<(), InputError> {
    let Some(services) = model.get("services") else {
        return Ok(());
    };
    let Some(entries) = services.as_map() else {
        if services.is_null() {
            return Ok(());
        }
        return Err(InputError::at(
            &services.pos,
            format!(
                "`services` must be a mapping, found {}",
                services.kind_name()
            ),
        ));
    };
    for (name, service) in entries {
        if service.as_map().is_none() {
            return Err(InputError::at(
                &service.pos,
                format!(
                    "service `{}` must be a mapping, found {}",
                    name.text,
                    service.kind_name()
                ),
            ));
        }
    }
    Ok(())
}

/// Removes `.` and `dir/..` from a path without touching the file system,
/// so reports name `b/compose.yaml`, not `a/../b/compose.yaml`.
pub fn clean_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    Some(Component::RootDir) => {}
                    _ => out.push(".."),
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A directory as written, the empty path (the parent of `compose.yaml`)
/// being the current directory.
pub fn or_current(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// A path made absolute against the current directory and cleaned,
/// without touching the file system.
pub fn absolute_dir(path: &Path) -> Option<PathBuf> {
    std::path::absolute(or_current(path))
        .ok()
        .map(|p| clean_path(&p))
}

/// Compose's default project name: the directory name, lowercased, with
/// only letters, digits, `-` and `_` kept.
pub fn project_name_from_dir(dir: &Path) -> String {
    let dir = or_current(dir);
    let lexical = clean_path(dir);
    let base = match lexical.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "default".into()),
    };
    let name: String = base
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if name.is_empty() {
        "default".into()
    } else {
        name
    }
}
