//! Loads a Compose project the way `docker compose config` does: file
//! discovery (or `-f` / `COMPOSE_FILE`), `.env` and `--env-file`,
//! per-file interpolation, `extends` (same file and `file:`, resolved file
//! by file), `include`, overrides merged in order, and profiles. Each
//! file's relative paths resolve against its own directory (an extended
//! file's, an included project's), at any depth. Every value keeps the
//! file, line and column that set it.
//!
//! Every file a project names is opened through the audit boundary
//! ([`crate::boundary`]): one outside it is not read, and becomes an
//! [`OutsideReference`] (a `file-outside-repository` finding at the line
//! that names it) while the project is loaded as if the file were absent.
//!
//! Here: what to load ([`ProjectSpec`]), what was loaded ([`Project`]),
//! and the [`Loader`]'s own steps: finding and opening the Compose files,
//! reading and interpolating one, merging them in order, the shape checks
//! made while loading, and the project's name. The other steps are
//! `impl Loader` blocks in their own files beside this one, called from
//! here: `include` (`include.rs`), `extends` (`extends.rs`), env files and
//! `env_file` (`env_files.rs`), the `secrets`/`configs` files read for the
//! secret detectors (`secret_files.rs`), and the files named outside the
//! boundary (`references.rs`). Path arithmetic is in [`super::paths`]. What
//! Compose would refuse to run is checked in [`super::validate`]; the
//! version 1 format is read through [`super::legacy`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::project_env;
use super::interpolate::{Env, Required, interpolate_tree};
use super::merge::{MergeWork, merge_documents, strip_tags};
use super::paths::{absolute_dir, clean_path, or_current};
use crate::boundary::{Boundary, Refusal, Resolved};
use crate::error::InputError;
use crate::yaml::{
    Key, Limits, Node, ParseWork, Pos, SourceFile, Value, parse_documents_counted, read_opened,
};

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

/// Most Compose files one project may read, a file included along several
/// paths counted each time: includes that each include the same pair of
/// files a dozen levels deep would read thousands of files (Docker Compose
/// itself takes minutes), and are refused like an alias bomb.
pub(super) const MAX_FILES_READ: usize = 1024;

/// Most bytes of Compose files one project may read, counted the same way.
pub(super) const MAX_BYTES_READ: usize = 64 << 20;

/// Deepest chain of `include`s and `extends`.
pub(super) const MAX_CHAIN: usize = 32;

/// Most nodes that resolving `extends` may add to a project: each
/// extending service is a copy of its base, so a few lines extending a
/// large service make a model as large as an alias bomb does, and are
/// refused like one (the YAML reader's own limit).
pub(super) const MAX_EXTENDED_NODES: usize = crate::yaml::DEFAULT_MAX_NODES;

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
    pub(super) fn has_file(&self, dir: &Path, name: &str, boundary: &Boundary) -> bool {
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

    pub(super) fn at(
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

/// What opening a file a project names gave.
pub(super) enum Opened {
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
    /// The `secrets`/`configs` files in which the secret detectors found
    /// something (what they found, never the bytes).
    pub secret_files: Vec<super::secret_files::SecretFile>,
    /// What loading the project cost (the included ones' too).
    pub work: LoadWork,
}

/// What loading a project cost, in units that grow with the input and not
/// with the clock: the complexity tests read these counters to show that
/// a project ten times larger costs about ten times the work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadWork {
    /// Building the YAML trees of every file read.
    pub parse: ParseWork,
    /// Merging documents, override files and `extends`.
    pub merge: MergeWork,
    /// Nodes the services resolved through `extends` added to the model.
    pub extended_nodes: usize,
    /// Bytes interpolation produced.
    pub interpolated_bytes: usize,
    /// Compose files read (a file included twice counts twice), and their
    /// bytes, bounded by [`MAX_FILES_READ`] and [`MAX_BYTES_READ`].
    pub files_read: usize,
    pub bytes_read: usize,
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
    pub(super) fn open(&self, path: &Path, max_bytes: u64) -> Result<Opened, InputError> {
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
    pub(super) fn refused_error(&self, path: &Path, why: Refusal) -> InputError {
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
    pub(super) fn whole_file_reference(
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

    /// Why the boundary would not open `path`, if it would not.
    pub(super) fn refusal(&self, path: &Path) -> Option<Refusal> {
        match self.boundary.resolve(path) {
            Resolved::Refused(why) => Some(why),
            _ => None,
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
    pub(super) fn load_project(
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
        let pending_before = state.pending_top.len();
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
                Some(base) => state.work.merge += merge_documents(base, doc),
            }
        }
        // Files of a project that included nothing are not on the stack
        // and leave no trace for the projects loaded after it.
        state.pending_top.truncate(pending_before);
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
        // An included project's files are in the merged model, rebased.
        let secret_files = if depth == 0 {
            self.scan_secret_files(&model, &dir, state)
        } else {
            Vec::new()
        };
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
            secret_files,
            work: state.work,
        })
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
    pub(super) fn read_interpolated(
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
        state.work.files_read += 1;
        state.work.bytes_read += source.text.len();
        if state.work.files_read > MAX_FILES_READ || state.work.bytes_read > MAX_BYTES_READ {
            return Err(InputError::in_file(
                self.display(path),
                format!(
                    "the project reads more than {MAX_FILES_READ} Compose files or {} MiB \
                     (the same files included along many paths?): refused like an alias bomb",
                    MAX_BYTES_READ >> 20
                ),
            ));
        }
        state.files.push(source.clone());
        let (docs, parse_work) = parse_documents_counted(&source, self.limits);
        state.work.parse += parse_work;
        let mut docs = docs?.into_iter();
        // A file of comments only (or an empty document) adds nothing, as
        // in Docker Compose; a project whose files are all empty is an
        // error once they are merged.
        let empty = || {
            let pos = Pos::line_of(source.clone(), 1);
            Node::new(Value::Map(Vec::new()), pos)
        };
        let mut doc = docs.next().filter(|d| !d.is_null()).unwrap_or_else(empty);
        for more in docs {
            state.work.merge += merge_documents(&mut doc, more);
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
        state.work.interpolated_bytes += unset.expanded_bytes;
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
}

/// What loading a project gathers across its files, the projects it
/// includes and the files they extend.
#[derive(Default)]
pub(super) struct LoadState {
    /// Files named outside the boundary, not read.
    pub(super) outside: Vec<OutsideReference>,
    /// Files of the project being loaded, not yet on the include stack.
    pub(super) pending_top: Vec<PathBuf>,
    pub(super) files: Vec<Arc<SourceFile>>,
    pub(super) include_stack: Vec<PathBuf>,
    /// Files an `extends.file` names, read once (shared: many services
    /// may extend services of the same file).
    pub(super) extended: HashMap<PathBuf, Arc<Node>>,
    /// What loading cost so far; its `extended_nodes` are bounded like an
    /// alias expansion ([`MAX_EXTENDED_NODES`]).
    pub(super) work: LoadWork,
    /// A scan of a directory found the project: what only the deploying
    /// environment provides (a required variable, an env file kept out of
    /// the repository) is a warning when it is missing here, not
    /// Compose's error.
    pub(super) found_by_scan: bool,
    /// Warnings about the project's own files (for the project's report).
    pub(super) warnings: Vec<String>,
    /// The first line of each file in the version 1 format.
    pub(super) legacy_format: Vec<Node>,
    /// Why Docker Compose would refuse a file read (a misspelled
    /// `services:`), found while reading it.
    pub(super) invalid: Vec<InputError>,
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
