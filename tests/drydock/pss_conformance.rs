//! Conformance of `drydock k8s --policy pss-<level>` with the Pod Security
//! Standards test fixtures of `kubernetes/pod-security-admission`
//! (`test/testdata/<level>/v1.37/`, Apache-2.0).
//!
//! The fixtures are read in place from `../shared/peers/pss-fixtures`
//! (relative to the repository root; never copied into this repository).
//! Without that folder the tests print a notice and pass, unless
//! `DRYDOCK_REQUIRE_PEERS=1`. Provenance and layout: `SOURCE.md` there, and
//! `../shared/reference/k8s-peers.md` §1.
//!
//! ```sh
//! cargo test --test drydock pss_conformance:: -- --nocapture
//! ```
//!
//! How it compares:
//! - `index.tsv` lists the 148 fixtures (`<level>/v1.37/<pass|fail>/<group><n>.yaml`,
//!   each a single-document Pod). Every fixture is checked as it is and in
//!   four wrappers written to a temporary directory (see [`Wrapper`]):
//!   a Deployment, a CronJob, a `v1 List`, and a multi-document file with a
//!   ConfigMap first. Pod annotations (AppArmor) move to the template.
//! - Each file is scanned alone (`drydock k8s FILE --policy pss-<level>
//!   --format json`), eight runs at a time.
//! - A `pass` fixture must exit 0 with no finding. A `fail` fixture must exit 1
//!   with a finding naming the control of its group (at restricted, the
//!   restricted control overriding it), a finding for each other control the
//!   pod is known to break ([`ALSO_BREAKS`]), and no finding naming any other
//!   control: the fixtures are minimal pods built to break one check.
//! - Every finding must end with `(Pod Security control <checkID>)`, with a
//!   check ID spelled as upstream, and be located in the scanned file.
//!
//! All mismatches are reported at once. A conformance table (level × wrapper)
//! is printed to stderr and written in Markdown to `target/pss-conformance.md`.
//!
//! A second test checks that the lines of the findings of fail fixtures point
//! at the offending field (or its parent), also in the second document of a
//! multi-document file.

use crate::support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

use crate::support::drydock;

const PEERS_SUB: &str = "pss-fixtures";
const VERSION: &str = "v1.37";
const REPORT_FILE: &str = "pss-conformance.md";
/// drydock runs at a time.
const PARALLEL: usize = 8;
/// Fixture counts of v1.37 (`SOURCE.md`): baseline, restricted.
const EXPECTED_COUNTS: (usize, usize) = (49, 99);
/// Label added to wrapped pod templates (and the Deployment's selector).
const LABEL: &str = "drydock.test/pss-fixture";

/// The check IDs of `policy/check_*.go`, spelled as upstream.
const CONTROLS: &[&str] = &[
    "hostNamespaces",
    "privileged",
    "capabilities_baseline",
    "hostPathVolumes",
    "hostPorts",
    "appArmorProfile",
    "seLinuxOptions",
    "procMount",
    "seccompProfile_baseline",
    "sysctls",
    "windowsHostProcess",
    "hostProbesAndHostLifecycle",
    "allowPrivilegeEscalation",
    "runAsNonRoot",
    "runAsUser",
    "seccompProfile_restricted",
    "capabilities_restricted",
    "restrictedVolumes",
    "procMount_restricted",
];

/// Restricted checks that replace a baseline check at the restricted level:
/// (baseline group, overriding control).
const OVERRIDES: &[(&str, &str)] = &[
    ("capabilities_baseline", "capabilities_restricted"),
    ("hostpathvolumes", "restrictedVolumes"),
    ("seccompprofile_baseline", "seccompProfile_restricted"),
    ("procmount", "procMount_restricted"),
];

// ---------------------------------------------------------------------------
// Fixtures

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Level {
    Baseline,
    Restricted,
}

impl Level {
    const ALL: [Level; 2] = [Level::Baseline, Level::Restricted];

    fn name(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

struct Fixture {
    level: Level,
    /// `true` for `pass/`: Pod Security admission allows the pod.
    allowed: bool,
    /// Lower-case check ID from the file name (`capabilities_baseline`).
    group: String,
    /// File stem (`capabilities_baseline0`), also the pod's name.
    stem: String,
    path: PathBuf,
    text: String,
}

impl Fixture {
    fn label(&self) -> String {
        format!(
            "{}/{}/{}",
            self.level.name(),
            if self.allowed { "pass" } else { "fail" },
            self.stem
        )
    }
}

/// The fixtures listed in `index.tsv`, checked against the folders.
fn load_fixtures(root: &Path) -> Vec<Fixture> {
    let index = read(&root.join("index.tsv"));
    let mut fixtures = Vec::new();
    for (n, row) in index.lines().enumerate().skip(1) {
        if row.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = row.split('\t').collect();
        let [rel, level, version, expected, group] = cols[..] else {
            panic!("index.tsv:{}: expected 5 columns: {row:?}", n + 1);
        };
        if version != VERSION {
            continue;
        }
        let level = match level {
            "baseline" => Level::Baseline,
            "restricted" => Level::Restricted,
            other => panic!("index.tsv:{}: unknown level {other:?}", n + 1),
        };
        let allowed = match expected {
            "pass" => true,
            "fail" => false,
            other => panic!("index.tsv:{}: unknown verdict {other:?}", n + 1),
        };
        let path = root.join(rel);
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = read(&path);
        fixtures.push(Fixture {
            level,
            allowed,
            group: group.to_owned(),
            stem,
            path,
            text,
        });
    }

    // Every YAML file under <level>/<VERSION>/<pass|fail> is listed.
    let mut on_disk = 0;
    for level in Level::ALL {
        for verdict in ["pass", "fail"] {
            let dir = root.join(level.name()).join(VERSION).join(verdict);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    on_disk += 1;
                    assert!(
                        fixtures.iter().any(|f| f.path == path),
                        "{} is not listed in index.tsv",
                        path.display()
                    );
                }
            }
        }
    }
    let count = |l: Level| fixtures.iter().filter(|f| f.level == l).count();
    assert_eq!(
        (count(Level::Baseline), count(Level::Restricted)),
        EXPECTED_COUNTS,
        "fixture counts (baseline, restricted) in index.tsv"
    );
    assert_eq!(on_disk, fixtures.len(), "YAML files on disk vs index.tsv");
    fixtures
}

/// Fail fixtures that break more than the control of their group, with the
/// other control and why. Pod Security admission names all of them, so
/// drydock must too. (`SOURCE.md` says each fail fixture breaks only its
/// check except `windowshostprocess*`; these three also break another.)
const ALSO_BREAKS: &[(Level, &str, &str, &str)] = &[
    (
        Level::Baseline,
        "windowshostprocess*",
        "hostNamespaces",
        "HostProcess pods need hostNetwork: true",
    ),
    (
        Level::Restricted,
        "windowshostprocess*",
        "hostNamespaces",
        "HostProcess pods need hostNetwork: true",
    ),
    (
        Level::Restricted,
        "allowprivilegeescalation3",
        "capabilities_restricted",
        "container1 has no securityContext, so it does not drop ALL either",
    ),
    (
        Level::Restricted,
        "privileged0",
        "allowPrivilegeEscalation",
        "API validation forbids privileged with allowPrivilegeEscalation: false, \
         so container1 leaves it unset",
    ),
    (
        Level::Restricted,
        "privileged1",
        "allowPrivilegeEscalation",
        "API validation forbids privileged with allowPrivilegeEscalation: false, \
         so initcontainer1 leaves it unset",
    ),
];

/// The controls Pod Security admission denies a fail fixture by, [`norm`]alised.
struct Expect {
    /// The control of the fixture's group; at restricted, the restricted
    /// control that overrides it ([`OVERRIDES`]: the baseline one is skipped).
    main: String,
    /// Other controls the pod also breaks ([`ALSO_BREAKS`]).
    also: Vec<String>,
}

impl Expect {
    fn of(fixture: &Fixture) -> Expect {
        let mut main = norm(&fixture.group);
        if fixture.level == Level::Restricted {
            for (group, by) in OVERRIDES {
                if fixture.group == *group {
                    main = norm(by);
                }
            }
        }
        let also = ALSO_BREAKS
            .iter()
            .filter(|(level, stem, _, _)| {
                *level == fixture.level
                    && match stem.strip_suffix('*') {
                        Some(prefix) => fixture.stem.starts_with(prefix),
                        None => fixture.stem == *stem,
                    }
            })
            .map(|(_, _, control, _)| norm(control))
            .collect();
        Expect { main, also }
    }

    fn accepts(&self, control: &str) -> bool {
        let control = norm(control);
        self.main == control || self.also.contains(&control)
    }

    fn label(&self) -> String {
        let mut out = spelled(&self.main);
        for c in &self.also {
            let _ = write!(out, " + {}", spelled(c));
        }
        out
    }
}

/// The upstream spelling of a [`norm`]alised check ID.
fn spelled(normalised: &str) -> String {
    CONTROLS
        .iter()
        .find(|c| norm(c) == normalised)
        .map_or_else(|| normalised.to_owned(), |c| (*c).to_owned())
}

/// Lower case without `_`: `seccompProfile_baseline` → `seccompprofilebaseline`.
fn norm(id: &str) -> String {
    id.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

// ---------------------------------------------------------------------------
// Wrappers (plain text: the fixtures are simple block YAML)

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Wrapper {
    /// The fixture file itself, read in place.
    Pod,
    /// apps/v1 Deployment; the pod becomes `spec.template`.
    Deployment,
    /// batch/v1 CronJob; the pod becomes `spec.jobTemplate.spec.template`.
    CronJob,
    /// v1 List with the pod as its only item.
    List,
    /// A ConfigMap document, then the pod.
    MultiDoc,
}

impl Wrapper {
    const ALL: [Wrapper; 5] = [
        Wrapper::Pod,
        Wrapper::Deployment,
        Wrapper::CronJob,
        Wrapper::List,
        Wrapper::MultiDoc,
    ];

    fn name(self) -> &'static str {
        match self {
            Wrapper::Pod => "pod",
            Wrapper::Deployment => "deployment",
            Wrapper::CronJob => "cronjob",
            Wrapper::List => "list",
            Wrapper::MultiDoc => "multi-doc",
        }
    }
}

/// A fixture pod split into its parts.
struct PodParts<'a> {
    name: String,
    /// Label lines (children of `metadata.labels`, at indent 4).
    labels: Vec<&'a str>,
    /// `annotations:` and its children, at indents 2 and 4.
    annotations: Vec<&'a str>,
    /// Children of `spec:`, at indent 2 and deeper.
    spec: Vec<&'a str>,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn split_pod<'a>(fixture: &'a Fixture) -> PodParts<'a> {
    let what = fixture.path.display();
    let mut top: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in fixture.text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if indent_of(line) == 0 && !line.starts_with('-') {
            top.push((line, Vec::new()));
        } else {
            top.last_mut()
                .unwrap_or_else(|| panic!("{what}: starts indented"))
                .1
                .push(line);
        }
    }
    let keys: Vec<&str> = top.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        ["apiVersion: v1", "kind: Pod", "metadata:", "spec:"],
        "{what}: unexpected top-level shape; extend split_pod"
    );

    let mut name = None;
    let mut labels = Vec::new();
    let mut annotations = Vec::new();
    let mut current: Option<&str> = None;
    for line in &top[2].1 {
        let line = *line;
        if indent_of(line) == 2 {
            let key = line.trim();
            if let Some(value) = key.strip_prefix("name: ") {
                name = Some(value.trim().to_owned());
                current = None;
            } else if key == "labels:" || key == "annotations:" {
                current = Some(key);
                if key == "annotations:" {
                    annotations.push(line);
                }
            } else {
                panic!("{what}: unsupported metadata field {key:?}; extend split_pod");
            }
        } else {
            match current {
                Some("labels:") => labels.push(line),
                Some("annotations:") => annotations.push(line),
                _ => panic!("{what}: unexpected metadata line {line:?}"),
            }
        }
    }
    let name = name.unwrap_or_else(|| panic!("{what}: no metadata.name"));
    assert_eq!(
        name, fixture.stem,
        "{what}: metadata.name is not the file stem"
    );
    PodParts {
        name,
        labels,
        annotations,
        spec: top[3].1.clone(),
    }
}

/// `metadata:` of a pod template at `pad` spaces, with the selector label
/// and the pod's own labels and annotations.
fn template_metadata(out: &mut String, pod: &PodParts, pad: &str) {
    let _ = writeln!(out, "{pad}metadata:");
    let _ = writeln!(out, "{pad}  labels:");
    let _ = writeln!(out, "{pad}    {LABEL}: {}", pod.name);
    for line in &pod.labels {
        let _ = writeln!(out, "{pad}{line}");
    }
    for line in &pod.annotations {
        let _ = writeln!(out, "{pad}{line}");
    }
}

/// `spec:` of a pod template at `pad` spaces.
fn template_spec(out: &mut String, pod: &PodParts, pad: &str, extra: &[&str]) {
    let _ = writeln!(out, "{pad}spec:");
    for line in extra {
        let _ = writeln!(out, "{pad}  {line}");
    }
    for line in &pod.spec {
        let _ = writeln!(out, "{pad}{line}");
    }
}

/// The text of `fixture` in `wrapper` (not called for [`Wrapper::Pod`]).
fn wrap(fixture: &Fixture, wrapper: Wrapper) -> String {
    let pod = split_pod(fixture);
    let name = &pod.name;
    let mut out = String::new();
    match wrapper {
        Wrapper::Pod => out.push_str(&fixture.text),
        Wrapper::Deployment => {
            let _ = write!(
                out,
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  \
                 replicas: 1\n  selector:\n    matchLabels:\n      {LABEL}: {name}\n  template:\n"
            );
            template_metadata(&mut out, &pod, "    ");
            template_spec(&mut out, &pod, "    ", &[]);
        }
        Wrapper::CronJob => {
            let _ = write!(
                out,
                "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n  \
                 schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n"
            );
            template_metadata(&mut out, &pod, "        ");
            // A Job's pods must not restart "Always" (the pod default).
            let has_policy = pod.spec.iter().any(|l| l.starts_with("  restartPolicy:"));
            let extra: &[&str] = if has_policy {
                &[]
            } else {
                &["restartPolicy: Never"]
            };
            template_spec(&mut out, &pod, "        ", extra);
        }
        Wrapper::List => {
            out.push_str("apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n");
            for (i, line) in fixture.text.lines().enumerate() {
                let prefix = if i == 0 { "- " } else { "  " };
                if line.trim().is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{prefix}{line}");
                }
            }
        }
        Wrapper::MultiDoc => {
            let _ = write!(
                out,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-settings\ndata:\n  \
                 greeting: hello\n---\n{}",
                fixture.text
            );
        }
    }
    out
}

/// A file to scan: the fixture itself, or a wrapper written to `dir`.
fn materialise(fixture: &Fixture, wrapper: Wrapper, dir: &Path) -> PathBuf {
    if wrapper == Wrapper::Pod {
        return fixture.path.clone();
    }
    let path = dir.join(format!(
        "{}-{}-{}.{}.yaml",
        fixture.level.name(),
        if fixture.allowed { "pass" } else { "fail" },
        fixture.stem,
        wrapper.name()
    ));
    std::fs::write(&path, wrap(fixture, wrapper))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

// ---------------------------------------------------------------------------
// Running drydock

struct Finding {
    /// The check ID at the end of the message, as written.
    control: Option<String>,
    message: String,
    line: Option<u64>,
    column: Option<u64>,
    path: Option<String>,
    kind: Option<String>,
}

impl Finding {
    fn describe(&self) -> String {
        let at = self.line.map(|l| format!("@{l}")).unwrap_or_default();
        format!(
            "[{}{at}] {}",
            self.control.as_deref().unwrap_or("?"),
            self.message
        )
    }
}

struct Outcome {
    file: PathBuf,
    code: Option<i32>,
    findings: Vec<Finding>,
    errors: Vec<String>,
    /// Set when there is no usable JSON report.
    broken: Option<String>,
}

/// `…message (Pod Security control <id>)` → `<id>`.
fn control_of(message: &str) -> Option<String> {
    const MARK: &str = "(Pod Security control ";
    let rest = message.strip_suffix(')')?;
    let start = rest.rfind(MARK)? + MARK.len();
    Some(rest[start..].to_owned())
}

fn run_drydock(file: &Path, level: Level) -> Outcome {
    let run = drydock()
        .arg("k8s")
        .arg(file)
        .args(["--policy", &format!("pss-{}", level.name())])
        .args(["--format", "json"])
        .env_clear()
        .try_run();
    let mut outcome = Outcome {
        file: file.to_path_buf(),
        code: None,
        findings: Vec::new(),
        errors: Vec::new(),
        broken: None,
    };
    let out = match run {
        Ok(out) => out,
        Err(e) => {
            outcome.broken = Some(e);
            return outcome;
        }
    };
    outcome.code = out.code();
    let report: Value = match serde_json::from_str(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            let stderr = out.stderr.as_str();
            let stderr = stderr.trim();
            let stderr = stderr.lines().take(3).collect::<Vec<_>>().join(" / ");
            outcome.broken = Some(format!("no JSON report ({e}); stderr: {stderr}"));
            return outcome;
        }
    };
    let Some(findings) = report["findings"].as_array() else {
        outcome.broken = Some("report has no `findings` array".to_owned());
        return outcome;
    };
    outcome.findings = findings
        .iter()
        .map(|f| {
            let message = f["message"].as_str().unwrap_or_default().to_owned();
            Finding {
                control: control_of(&message),
                message,
                line: f["location"]["line"].as_u64(),
                column: f["location"]["column"].as_u64(),
                path: f["location"]["path"].as_str().map(str::to_owned),
                kind: f["location"]["kind"].as_str().map(str::to_owned),
            }
        })
        .collect();
    outcome.errors = report["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| match e["message"].as_str() {
                    Some(m) => m.to_owned(),
                    None => e.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    outcome
}

/// Runs `f` over `items`, `PARALLEL` at a time; results in input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(PARALLEL, |n| n.get().clamp(2, PARALLEL))
        .min(items.len().max(1));
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Writes every (fixture, wrapper) file and scans each one.
fn scan_all<'a>(
    dir: &Path,
    fixtures: &[&'a Fixture],
    wrappers: &[Wrapper],
) -> Vec<(&'a Fixture, Wrapper, Outcome)> {
    let mut jobs = Vec::new();
    for fixture in fixtures {
        for &wrapper in wrappers {
            jobs.push((*fixture, wrapper, materialise(fixture, wrapper, dir)));
        }
    }
    parallel_map(&jobs, |(fixture, wrapper, file)| {
        (*fixture, *wrapper, run_drydock(file, fixture.level))
    })
}

// ---------------------------------------------------------------------------
// Verdicts

/// What is wrong with drydock's answer for one file (empty: right).
fn judge(fixture: &Fixture, out: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(why) = &out.broken {
        problems.push(format!("exit {}: {why}", code_label(out.code)));
        return problems;
    }
    if !out.errors.is_empty() {
        problems.push(format!("errors: {}", out.errors.join("; ")));
    }
    let file_name = out.file.file_name().unwrap().to_string_lossy();
    for f in &out.findings {
        match &f.control {
            None => problems.push(format!(
                "message does not end with `(Pod Security control <checkID>)`: {}",
                f.message
            )),
            Some(c) if !CONTROLS.contains(&c.as_str()) => {
                problems.push(format!("unknown check ID `{c}` (not upstream spelling)"));
            }
            Some(_) => {}
        }
        if f.kind.as_deref() != Some("config") {
            problems.push(format!(
                "location.kind is {:?}, not \"config\": {}",
                f.kind,
                f.describe()
            ));
        }
        let names_file = f
            .path
            .as_deref()
            .is_some_and(|p| Path::new(p).file_name() == out.file.file_name());
        if !names_file {
            problems.push(format!(
                "location.path {:?} does not name {file_name}",
                f.path
            ));
        }
    }

    if fixture.allowed {
        if out.code != Some(0) {
            problems.push(format!("exit {}, want 0", code_label(out.code)));
        }
        if !out.findings.is_empty() {
            problems.push("findings on an allowed pod".to_owned());
        }
    } else {
        if out.code != Some(1) {
            problems.push(format!("exit {}, want 1", code_label(out.code)));
        }
        let expect = Expect::of(fixture);
        let named = |control: &str| {
            out.findings
                .iter()
                .any(|f| f.control.as_deref().is_some_and(|c| norm(c) == control))
        };
        for control in std::iter::once(&expect.main).chain(&expect.also) {
            if !named(control) {
                problems.push(format!("no finding names {}", spelled(control)));
            }
        }
        let mut extra: Vec<&str> = out
            .findings
            .iter()
            .filter_map(|f| f.control.as_deref())
            .filter(|c| !expect.accepts(c))
            .collect();
        extra.dedup();
        if !extra.is_empty() {
            problems.push(format!(
                "findings of other controls: {} (the pod breaks only {})",
                extra.join(", "),
                expect.label()
            ));
        }
    }
    problems
}

fn code_label(code: Option<i32>) -> String {
    code.map_or_else(|| "signal".to_owned(), |c| c.to_string())
}

fn findings_label(out: &Outcome) -> String {
    if out.findings.is_empty() {
        return "no findings".to_owned();
    }
    out.findings
        .iter()
        .map(Finding::describe)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// (level, allowed, group) → wrapper → (right, total).
type GroupTable = BTreeMap<(Level, bool, String), BTreeMap<Wrapper, (usize, usize)>>;

struct Mismatch {
    fixture: String,
    wrapper: Wrapper,
    text: String,
}

#[test]
fn drydock_conforms_to_pss_fixtures() {
    let Some(root) = support::peers_dir(PEERS_SUB) else {
        return;
    };
    let fixtures = load_fixtures(&root);
    for (level, stem, control, _) in ALSO_BREAKS {
        let used = fixtures.iter().any(|f| {
            !f.allowed && f.level == *level && Expect::of(f).also.contains(&norm(control))
        });
        assert!(
            used,
            "ALSO_BREAKS entry {} {stem} matches no fail fixture",
            level.name()
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let all: Vec<&Fixture> = fixtures.iter().collect();
    let results = scan_all(tmp.path(), &all, &Wrapper::ALL);
    let elapsed = started.elapsed();

    // (level, wrapper) → (right, total); (level, verdict, group, wrapper) → same.
    let mut table: BTreeMap<(Level, Wrapper), (usize, usize)> = BTreeMap::new();
    let mut by_group: GroupTable = BTreeMap::new();
    let mut mismatches = Vec::new();
    for (fixture, wrapper, outcome) in &results {
        let problems = judge(fixture, outcome);
        let right = problems.is_empty();
        for cell in [
            table.entry((fixture.level, *wrapper)).or_default(),
            by_group
                .entry((fixture.level, fixture.allowed, fixture.group.clone()))
                .or_default()
                .entry(*wrapper)
                .or_default(),
        ] {
            cell.1 += 1;
            if right {
                cell.0 += 1;
            }
        }
        if !right {
            let want = if fixture.allowed {
                "allow (exit 0, no findings)".to_owned()
            } else {
                format!("deny (exit 1) by {}", Expect::of(fixture).label())
            };
            mismatches.push(Mismatch {
                fixture: fixture.label(),
                wrapper: *wrapper,
                text: format!(
                    "expected {want}; got exit {}, {}; {}",
                    code_label(outcome.code),
                    findings_label(outcome),
                    problems.join("; ")
                ),
            });
        }
    }

    let text = text_table(&table);
    eprintln!(
        "\nPod Security Standards conformance ({VERSION} fixtures, {} files scanned in {:.1} s)\n\n{text}",
        results.len(),
        elapsed.as_secs_f64()
    );
    write_markdown(&table, &by_group, &mismatches);

    if !mismatches.is_empty() {
        let list: Vec<String> = mismatches
            .iter()
            .map(|m| format!("{} [{}]: {}", m.fixture, m.wrapper.name(), m.text))
            .collect();
        panic!(
            "{} of {} scans disagree with Pod Security admission:\n  {}",
            mismatches.len(),
            results.len(),
            list.join("\n  ")
        );
    }
}

// ---------------------------------------------------------------------------
// Tables

fn text_table(table: &BTreeMap<(Level, Wrapper), (usize, usize)>) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:<12}", "level");
    for w in Wrapper::ALL {
        let _ = write!(out, "{:>12}", w.name());
    }
    let _ = writeln!(out, "{:>12}", "all");
    for level in Level::ALL {
        let _ = write!(out, "{:<12}", level.name());
        let (mut right, mut total) = (0, 0);
        for w in Wrapper::ALL {
            let (r, t) = table.get(&(level, w)).copied().unwrap_or_default();
            right += r;
            total += t;
            let _ = write!(out, "{:>12}", format!("{r}/{t}"));
        }
        let _ = writeln!(out, "{:>12}", format!("{right}/{total}"));
    }
    out
}

fn write_markdown(
    table: &BTreeMap<(Level, Wrapper), (usize, usize)>,
    by_group: &GroupTable,
    mismatches: &[Mismatch],
) {
    let header: Vec<&str> = Wrapper::ALL.iter().map(|w| w.name()).collect();
    let mut md = String::new();
    let _ = writeln!(md, "# drydock vs Pod Security Standards fixtures\n");
    let _ = writeln!(
        md,
        "Generated by `cargo test --test drydock pss_conformance::` from \
         `../shared/peers/{PEERS_SUB}` (kubernetes/pod-security-admission \
         `test/testdata/*/{VERSION}`, Apache-2.0). A scan is right when a \
         `pass` pod exits 0 with no finding, and a `fail` pod exits 1 with \
         findings naming the controls it breaks and no other control. Cells: \
         right/total.\n"
    );
    let _ = writeln!(md, "| level | {} | all |", header.join(" | "));
    let _ = writeln!(md, "|---|{}---|", "---|".repeat(header.len()));
    for level in Level::ALL {
        let (mut right, mut total) = (0, 0);
        let mut cells = Vec::new();
        for w in Wrapper::ALL {
            let (r, t) = table.get(&(level, w)).copied().unwrap_or_default();
            right += r;
            total += t;
            cells.push(format!("{r}/{t}"));
        }
        let _ = writeln!(
            md,
            "| {} | {} | {right}/{total} |",
            level.name(),
            cells.join(" | ")
        );
    }

    let _ = writeln!(md, "\n## By fixture group\n");
    let _ = writeln!(md, "| level | verdict | group | {} |", header.join(" | "));
    let _ = writeln!(md, "|---|---|---|{}", "---|".repeat(header.len()));
    for ((level, allowed, group), cells) in by_group {
        let cells: Vec<String> = Wrapper::ALL
            .iter()
            .map(|w| {
                let (r, t) = cells.get(w).copied().unwrap_or_default();
                if r == t {
                    format!("{r}/{t}")
                } else {
                    format!("**{r}/{t}**")
                }
            })
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | `{group}` | {} |",
            level.name(),
            if *allowed { "pass" } else { "fail" },
            cells.join(" | ")
        );
    }

    let _ = writeln!(md, "\n## Fail fixtures that break two controls\n");
    for (level, stem, control, why) in ALSO_BREAKS {
        let _ = writeln!(md, "- {} `{stem}`: also `{control}`; {why}", level.name());
    }

    if !mismatches.is_empty() {
        let _ = writeln!(md, "\n## Mismatches ({})\n", mismatches.len());
        for m in mismatches {
            let _ = writeln!(
                md,
                "- `{}` [{}]: {}",
                m.fixture,
                m.wrapper.name(),
                m.text.replace('|', "\\|")
            );
        }
    }

    support::write_report(REPORT_FILE, &md);
}

// ---------------------------------------------------------------------------
// Finding locations

/// Words (lower case) of which the finding's line, or one of its parent
/// lines, should mention one, per control ([`norm`]alised).
fn location_words(control: &str) -> &'static [&'static str] {
    match control {
        "hostnamespaces" => &["hostnetwork", "hostpid", "hostipc"],
        "privileged" => &["privileged"],
        "capabilitiesbaseline" | "capabilitiesrestricted" => &["capabilities", "add", "drop"],
        "hostpathvolumes" => &["hostpath"],
        "restrictedvolumes" => &["volumes"],
        "hostports" => &["hostport", "ports"],
        "apparmorprofile" => &["apparmor"],
        "selinuxoptions" => &["selinuxoptions"],
        "procmount" | "procmountrestricted" => &["procmount"],
        "seccompprofilebaseline" | "seccompprofilerestricted" => &["seccompprofile"],
        "sysctls" => &["sysctls"],
        "windowshostprocess" => &["hostprocess", "windowsoptions"],
        "hostprobesandhostlifecycle" => &["host:", "probe", "lifecycle", "poststart", "prestop"],
        "allowprivilegeescalation" => &["allowprivilegeescalation"],
        "runasnonroot" => &["runasnonroot"],
        "runasuser" => &["runasuser"],
        _ => &[],
    }
}

/// Controls that also fail when their field is absent: the finding may then
/// sit on the container or pod, which this test does not try to pin down.
fn fails_when_absent(control: &str) -> bool {
    matches!(
        control,
        "allowprivilegeescalation"
            | "runasnonroot"
            | "seccompprofilerestricted"
            | "capabilitiesrestricted"
    )
}

/// Column where a line's key starts (after indentation and `- `).
fn key_column(line: &str) -> usize {
    let mut rest = line.trim_start_matches(' ');
    while let Some(r) = rest.strip_prefix("- ") {
        rest = r.trim_start_matches(' ');
    }
    line.len() - rest.len()
}

/// Indices of `idx`'s parent lines (by indentation), nearest first.
fn ancestors(lines: &[&str], idx: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = idx;
    loop {
        let line = lines[cur];
        let is_item = line.trim_start().starts_with("- ");
        // An item's parent is the key holding the sequence (same indent in
        // Kubernetes style); a key's parent is a line with a smaller key column.
        let limit = if is_item {
            indent_of(line) + 1
        } else {
            key_column(line)
        };
        let parent = (0..cur).rev().find(|&i| {
            let l = lines[i];
            !l.trim().is_empty() && !l.trim_start().starts_with('#') && key_column(l) < limit
        });
        match parent {
            Some(p) => {
                out.push(p);
                cur = p;
            }
            None => return out,
        }
    }
}

#[test]
fn pss_finding_lines_point_at_the_offending_field() {
    let Some(root) = support::peers_dir(PEERS_SUB) else {
        return;
    };
    let fixtures = load_fixtures(&root);
    let fail: Vec<&Fixture> = fixtures.iter().filter(|f| !f.allowed).collect();
    let tmp = tempfile::tempdir().unwrap();
    let wrappers = [Wrapper::Pod, Wrapper::MultiDoc, Wrapper::Deployment];
    let results = scan_all(tmp.path(), &fail, &wrappers);

    let mut problems = Vec::new();
    let (mut pinned, mut lenient) = (0, 0);
    for (fixture, wrapper, outcome) in &results {
        let label = format!("{} [{}]", fixture.label(), wrapper.name());
        if let Some(why) = &outcome.broken {
            problems.push(format!("{label}: {why}"));
            continue;
        }
        let text = read(&outcome.file);
        let lines: Vec<&str> = text.lines().collect();
        // First line of the pod's own document.
        let doc_start = match wrapper {
            Wrapper::MultiDoc => lines.iter().position(|l| *l == "---").unwrap() + 2,
            _ => 1,
        };
        let expect = Expect::of(fixture);
        for f in &outcome.findings {
            let Some(control) = f.control.as_deref().map(norm) else {
                continue;
            };
            if !expect.accepts(&control) {
                continue; // judged by the conformance test
            }
            let Some(line) = f.line.and_then(|l| usize::try_from(l).ok()) else {
                problems.push(format!("{label}: no location.line: {}", f.describe()));
                continue;
            };
            if line < doc_start || line > lines.len() {
                problems.push(format!(
                    "{label}: line {line} outside the pod's document (lines {doc_start}..={}): {}",
                    lines.len(),
                    f.describe()
                ));
                continue;
            }
            let idx = line - 1;
            if let Some(col) = f.column.and_then(|c| usize::try_from(c).ok())
                && (col == 0 || col > lines[idx].chars().count() + 1)
            {
                problems.push(format!(
                    "{label}: column {col} outside line {line} {:?}: {}",
                    lines[idx],
                    f.describe()
                ));
            }
            let words = location_words(&control);
            let mentions = |i: usize| {
                let l = lines[i].to_ascii_lowercase();
                words.iter().any(|w| l.contains(w))
            };
            if mentions(idx) || ancestors(&lines, idx).into_iter().any(mentions) {
                pinned += 1;
            } else if fails_when_absent(&control) {
                lenient += 1;
            } else {
                problems.push(format!(
                    "{label}: line {line} {:?} mentions none of {words:?} (nor do its parents): {}",
                    lines[idx].trim(),
                    f.describe()
                ));
            }
        }
    }
    eprintln!(
        "PSS finding locations: {pinned} at the field, {lenient} accepted anywhere in the pod \
         (control also fails when its field is absent), {} problem(s)",
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} location problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    assert!(
        pinned > 0,
        "no finding of a fail fixture's control was checked"
    );
}

#[test]
fn wrappers_keep_the_pod() {
    // The wrappers themselves, on a fixture-shaped pod with an annotation.
    let fixture = Fixture {
        level: Level::Baseline,
        allowed: false,
        group: "apparmorprofile".to_owned(),
        stem: "apparmorprofile0".to_owned(),
        path: PathBuf::from("apparmorprofile0.yaml"),
        text: "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    \
               container.apparmor.security.beta.kubernetes.io/container1: unconfined\n  \
               name: apparmorprofile0\nspec:\n  containers:\n  - image: registry.k8s.io/pause\n    \
               name: container1\n"
            .to_owned(),
    };
    assert_eq!(
        wrap(&fixture, Wrapper::Deployment),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: apparmorprofile0\nspec:\n  \
         replicas: 1\n  selector:\n    matchLabels:\n      \
         drydock.test/pss-fixture: apparmorprofile0\n  template:\n    metadata:\n      \
         labels:\n        drydock.test/pss-fixture: apparmorprofile0\n      annotations:\n        \
         container.apparmor.security.beta.kubernetes.io/container1: unconfined\n    spec:\n      \
         containers:\n      - image: registry.k8s.io/pause\n        name: container1\n"
    );
    assert_eq!(
        wrap(&fixture, Wrapper::CronJob),
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: apparmorprofile0\nspec:\n  \
         schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        \
         metadata:\n          labels:\n            drydock.test/pss-fixture: apparmorprofile0\n          \
         annotations:\n            \
         container.apparmor.security.beta.kubernetes.io/container1: unconfined\n        \
         spec:\n          restartPolicy: Never\n          containers:\n          \
         - image: registry.k8s.io/pause\n            name: container1\n"
    );
    assert!(wrap(&fixture, Wrapper::List).starts_with(
        "apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n- apiVersion: v1\n  kind: Pod\n"
    ));
    assert!(wrap(&fixture, Wrapper::MultiDoc).ends_with(&format!("\n---\n{}", fixture.text)));

    let lines = [
        "spec:",
        "  containers:",
        "  - image: x",
        "    securityContext:",
        "      capabilities:",
        "        add:",
        "        - NET_RAW",
    ];
    assert_eq!(ancestors(&lines, 6), [5, 4, 3, 1, 0]);
    assert_eq!(ancestors(&lines, 2), [1, 0]);
    assert_eq!(
        control_of("x (Pod Security control hostPorts)").as_deref(),
        Some("hostPorts")
    );
    assert_eq!(control_of("x (Pod Security control)"), None);
}

// ---------------------------------------------------------------------------
// Small helpers

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}
