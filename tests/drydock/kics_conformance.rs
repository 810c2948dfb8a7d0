//! Conformance of drydock's compose rules with the test samples of KICS's
//! Docker Compose queries (Checkmarx/kics v2.1.8, Apache-2.0).
//!
//! The samples are read in place from `../shared/peers/kics-compose` (relative
//! to the repository root; never copied into this repository). Without that
//! folder the test prints a notice and passes, unless `DRYDOCK_REQUIRE_PEERS=1`.
//!
//! ```sh
//! cargo test --test drydock kics_conformance:: -- --nocapture
//! ```
//!
//! How it compares:
//! - [`QUERIES`] maps each KICS query folder to the drydock rule(s) that cover
//!   it, or says why no rule does.
//! - Every sample is scanned alone (`drydock compose -f FILE --format json`).
//!   A sample drydock rejects (exit 2) must name the file in `errors[]`.
//! - For a covered query, the (file, line) findings of the mapped rules are
//!   compared with `test/positive_expected_result.json`: every expected line
//!   of a positive sample must be found, no other finding of those rules may
//!   appear, and negative samples must have none. Lines are compared as
//!   described by [`Anchor`].
//! - Each disagreement must be listed in [`ALLOWED`], and each entry there must
//!   still match a disagreement, so the list stays honest. Reasons starting
//!   with `BUG:` are suspected drydock bugs waiting for a fix.
//!
//! A conformance table is printed to stderr and written in Markdown to
//! `target/kics-conformance.md`. Background on the KICS samples that are wrong
//! is in `../shared/reference/compose-peers.md`, sections 2.2 to 2.4.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::drydock;

use crate::support;

const PEERS_DIR: &str = "../shared/peers/kics-compose";
const REPORT_FILE: &str = "kics-conformance.md";

// ---------------------------------------------------------------------------
// Query table

/// How KICS's expected lines are compared with drydock's finding lines.
#[derive(Clone, Copy)]
enum Anchor {
    /// Same line, where KICS's line may also be the line of the key holding
    /// drydock's value: KICS anchors list findings at the key (`ports:`,
    /// `cap_add:`, `security_opt:`), drydock at the offending item or value.
    Value,
    /// Per service: drydock reports one finding at the service's name line,
    /// KICS at the deepest existing parent (`deploy:`, `resources:`, `limits:`)
    /// or at the offending key. Each KICS line counts for the service it is in.
    Service,
}

/// A drydock rule, optionally restricted to findings about one service field
/// (the first segment of the route after `services.<name>.`).
struct Cover {
    rule: &'static str,
    field: Option<&'static str>,
}

const fn rule(rule: &'static str) -> Cover {
    Cover { rule, field: None }
}

const fn rule_on(rule: &'static str, field: &'static str) -> Cover {
    Cover {
        rule,
        field: Some(field),
    }
}

enum Coverage {
    Covered {
        by: &'static [Cover],
        anchor: Anchor,
        /// Scope differences that the samples do not exercise.
        note: &'static str,
    },
    NotCovered(&'static str),
}

struct Query {
    folder: &'static str,
    coverage: Coverage,
}

const fn covered(folder: &'static str, by: &'static [Cover], anchor: Anchor) -> Query {
    covered_note(folder, by, anchor, "")
}

const fn covered_note(
    folder: &'static str,
    by: &'static [Cover],
    anchor: Anchor,
    note: &'static str,
) -> Query {
    Query {
        folder,
        coverage: Coverage::Covered { by, anchor, note },
    }
}

const fn not_covered(folder: &'static str, reason: &'static str) -> Query {
    Query {
        folder,
        coverage: Coverage::NotCovered(reason),
    }
}

/// Every KICS Docker Compose query folder (v2.1.8) and what covers it.
const QUERIES: &[Query] = &[
    not_covered(
        "cgroup_not_default",
        "no rule: a custom `cgroup_parent` only places the container in another cgroup; \
         host-namespace covers `cgroup: host`",
    ),
    covered_note(
        "container_capabilities_unrestricted",
        &[rule("added-capabilities"), rule("capabilities-not-dropped")],
        Anchor::Value,
        "KICS: any `cap_add`, or no `cap_drop`; drydock: each added capability, \
         and a `cap_drop` without ALL",
    ),
    covered(
        "container_traffic_not_bound_to_host_interface",
        &[rule("published-on-all-interfaces")],
        Anchor::Value,
    ),
    covered_note(
        "cpus_not_limited",
        &[rule("missing-resource-limits")],
        Anchor::Service,
        "KICS only checks files with `version:` (v2: `cpus`, v3: deploy limits); \
         drydock checks every file, CPU, memory and PIDs in one finding",
    ),
    covered(
        "default_seccomp_profile_disabled",
        &[rule("seccomp-disabled")],
        Anchor::Value,
    ),
    covered_note(
        "docker_socket_mounted_in_container",
        &[rule("runtime-socket-mount")],
        Anchor::Value,
        "drydock also reads long syntax, other runtimes' sockets and parent directories",
    ),
    not_covered(
        "healthcheck_not_set",
        "no rule: a healthcheck is an availability feature, not a security control",
    ),
    covered(
        "host_namespace_is_shared",
        &[rule_on("host-namespace", "pid")],
        Anchor::Value,
    ),
    covered_note(
        "memory_not_limited",
        &[rule("missing-resource-limits")],
        Anchor::Service,
        "KICS only checks files with `version:` (v2: `mem_limit`, v3: deploy limits); \
         drydock checks every file, CPU, memory and PIDs in one finding",
    ),
    covered_note(
        "no_new_privileges_not_set",
        &[rule("no-new-privileges")],
        Anchor::Value,
        "KICS skips services without `security_opt` and wants exactly \
         `no-new-privileges:true`; drydock flags those services and accepts every spelling",
    ),
    covered_note(
        "pids_limit_not_set",
        &[rule("missing-resource-limits")],
        Anchor::Service,
        "KICS only checks files with `version:` < 3; drydock checks every file \
         (also `deploy.resources.limits.pids`)",
    ),
    covered(
        "privileged_containers_enabled",
        &[rule("privileged")],
        Anchor::Value,
    ),
    not_covered(
        "privileged_ports_mapped_in_container",
        "no rule: the daemon binds host ports, so a port below 1024 grants the \
         container nothing (exposure is published-on-all-interfaces'); KICS also \
         counts container-side ports",
    ),
    not_covered(
        "restart_policy_on_failure_not_set_to_5",
        "no rule: a restart-attempt count is availability tuning, not a security control",
    ),
    covered_note(
        "security_opt_not_set",
        &[rule("no-new-privileges")],
        Anchor::Value,
        "drydock asks for the no-new-privileges entry, not just any `security_opt`",
    ),
    covered(
        "shared_host_ipc_namespace",
        &[rule_on("host-namespace", "ipc")],
        Anchor::Value,
    ),
    covered(
        "shared_host_network_namespace",
        &[rule_on("host-namespace", "network_mode")],
        Anchor::Value,
    ),
    covered(
        "shared_host_user_namespace",
        &[rule_on("host-namespace", "userns_mode")],
        Anchor::Value,
    ),
    not_covered(
        "shared_volumes_between_containers",
        "no rule: sharing a named volume or bind directory between services is \
         ordinary Compose usage",
    ),
    covered_note(
        "volume_has_sensitive_host_directory",
        &[rule("host-path-mount")],
        Anchor::Value,
        "KICS: any host path under its prefix list; drydock grades by path and read-only",
    ),
    covered_note(
        "volume_mounted_in_multiple_containers",
        &[rule("shared-mount-propagation")],
        Anchor::Value,
        "the KICS name is misleading: it checks shared/slave mount propagation",
    ),
];

// ---------------------------------------------------------------------------
// Allow-list of deliberate disagreements

/// A disagreement drydock keeps on purpose: a KICS-expected line drydock does
/// not report, a finding KICS does not expect, or (with `line: None`) a
/// sample drydock rejects as invalid Compose (exit 2).
struct Allowed {
    query: &'static str,
    file: &'static str,
    line: Option<u32>,
    reason: &'static str,
}

const fn allow(
    query: &'static str,
    file: &'static str,
    line: Option<u32>,
    reason: &'static str,
) -> Allowed {
    Allowed {
        query,
        file,
        line,
        reason,
    }
}

const CAP_DROP_ALL: &str = "drydock wants `cap_drop` to contain ALL; KICS is satisfied by \
     any `cap_drop` (here only SYS_CHROOT)";
const PUBLISHED_WITH_IP: &str = "the host address written inside `published:` is not Compose \
     long syntax (that is `host_ip:`); without `host_ip` drydock reports all interfaces \
     (compose-peers 2.3.3)";
const NO_PIDS_LIMIT: &str = "missing-resource-limits also wants a PID limit; the sample \
     limits only CPU and memory";
const INVALID_SERVICES: &str = "not valid Compose: `services: {image: docker}` has no \
     service mapping; drydock exits 2 (docker compose rejects it too)";

const UNDEFINED_DEPENDENCIES: &str = "not valid Compose: `proxy` depends on \
     storage-node-1…10, which the sample does not define; docker compose rejects it \
     (`depends on undefined service`), so drydock exits 2 with that reason (after auditing it)";

const INVALID_PORT_RANGES: &str = "not valid Compose: a host port range of another length \
     than the container range (`90-9091:8080-8081`); docker compose rejects it (`invalid ranges \
     specified for container and host Ports`), so drydock exits 2 with that reason (after \
     auditing it)";

const ALLOWED: &[Allowed] = &[
    allow(
        "privileged_ports_mapped_in_container",
        "positive6.yaml",
        None,
        INVALID_PORT_RANGES,
    ),
    allow(
        "privileged_ports_mapped_in_container",
        "positive7.yaml",
        None,
        INVALID_PORT_RANGES,
    ),
    allow(
        "privileged_ports_mapped_in_container",
        "negative5.yaml",
        None,
        INVALID_PORT_RANGES,
    ),
    allow(
        "volume_has_sensitive_host_directory",
        "negative1.yaml",
        None,
        UNDEFINED_DEPENDENCIES,
    ),
    allow(
        "container_capabilities_unrestricted",
        "positive2.yaml",
        Some(15),
        CAP_DROP_ALL,
    ),
    allow(
        "container_traffic_not_bound_to_host_interface",
        "negative4.yaml",
        Some(12),
        PUBLISHED_WITH_IP,
    ),
    allow(
        "container_traffic_not_bound_to_host_interface",
        "negative5.yaml",
        Some(12),
        PUBLISHED_WITH_IP,
    ),
    allow(
        "container_traffic_not_bound_to_host_interface",
        "negative6.yaml",
        Some(12),
        PUBLISHED_WITH_IP,
    ),
    allow("cpus_not_limited", "negative1.yaml", Some(3), NO_PIDS_LIMIT),
    allow("cpus_not_limited", "negative2.yaml", Some(5), NO_PIDS_LIMIT),
    allow(
        "default_seccomp_profile_disabled",
        "positive1.yaml",
        Some(13),
        "`label:seccomp:unconfined` is an SELinux `label` option, not seccomp; only \
         KICS's substring match sees `seccomp:unconfined` (compose-peers 2.3.2)",
    ),
    allow(
        "memory_not_limited",
        "negative1.yaml",
        Some(3),
        NO_PIDS_LIMIT,
    ),
    allow(
        "memory_not_limited",
        "negative2.yaml",
        Some(4),
        NO_PIDS_LIMIT,
    ),
    allow(
        "security_opt_not_set",
        "negative1.yaml",
        Some(13),
        "KICS is satisfied by any `security_opt` (here apparmor:unconfined); drydock's \
         no-new-privileges wants the no-new-privileges entry",
    ),
    allow(
        "volume_has_sensitive_host_directory",
        "positive1.yaml",
        Some(11),
        "`- /var/lib/backup/data` is an anonymous volume (container path only), not a \
         host bind (compose-peers 2.3.1)",
    ),
    allow(
        "volume_has_sensitive_host_directory",
        "positive3.yaml",
        None,
        INVALID_SERVICES,
    ),
    allow(
        "volume_has_sensitive_host_directory",
        "negative2.yaml",
        None,
        INVALID_SERVICES,
    ),
];

// ---------------------------------------------------------------------------
// The test

#[test]
fn drydock_conforms_to_kics_compose_samples() {
    let Some(root) = support::peers_dir("kics-compose") else {
        return;
    };
    let mut problems = Vec::new();

    check_table(&root, &mut problems);

    let mut results = Vec::new();
    for query in QUERIES {
        let dir = root.join(query.folder);
        if dir.is_dir() {
            results.push(check_query(query, &dir, &mut problems));
        }
    }

    // Judge every disagreement against the allow-list.
    let mut used = vec![false; ALLOWED.len()];
    for result in &mut results {
        for d in &mut result.disagreements {
            let hit = ALLOWED.iter().position(|a| {
                a.query == result.query.folder && a.file == d.file && a.line == d.line
            });
            match hit {
                Some(i) => {
                    used[i] = true;
                    d.allowed = Some(ALLOWED[i].reason);
                }
                None => problems.push(format!(
                    "{}/{}: unexpected disagreement: {}",
                    result.query.folder,
                    d.file,
                    d.describe()
                )),
            }
        }
    }
    for (entry, used) in ALLOWED.iter().zip(&used) {
        if !used {
            problems.push(format!(
                "{}/{}{}: allow-list entry no longer disagrees; remove it ({})",
                entry.query,
                entry.file,
                entry.line.map(|l| format!(":{l}")).unwrap_or_default(),
                entry.reason
            ));
        }
    }

    // eprintln: shown with `cargo test -- --nocapture` or when the test fails.
    eprintln!(
        "\nKICS Docker Compose conformance\n\n{}",
        support::text_table(&HEADER, &rows(&results))
    );
    let deliberate = deliberate_list(&results);
    if !deliberate.is_empty() {
        eprintln!("Deliberate differences:\n{deliberate}");
    }
    write_markdown(&results, &problems);

    assert!(
        problems.is_empty(),
        "{} conformance problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The table must list exactly the query folders present, and name rules
/// that exist.
fn check_table(root: &Path, problems: &mut Vec<String>) {
    let mut folders = BTreeSet::new();
    let entries =
        std::fs::read_dir(root).unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()));
    for entry in entries {
        let path = entry.expect("read_dir entry").path();
        if path.join("metadata.json").is_file() {
            folders.insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let listed: BTreeSet<String> = QUERIES.iter().map(|q| q.folder.to_owned()).collect();
    for missing in folders.difference(&listed) {
        problems.push(format!("{missing}: KICS query folder not in QUERIES"));
    }
    for gone in listed.difference(&folders) {
        problems.push(format!("{gone}: in QUERIES but not under {PEERS_DIR}"));
    }

    let out = drydock().arg("rules").run();
    assert!(out.success(), "drydock rules failed");
    let stdout = out.stdout.as_str();
    let known: BTreeSet<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for query in QUERIES {
        if let Coverage::Covered { by, .. } = &query.coverage {
            for cover in *by {
                if !known.contains(cover.rule) {
                    problems.push(format!(
                        "{}: mapped rule `{}` is not in `drydock rules`",
                        query.folder, cover.rule
                    ));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// One query

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// KICS expects a finding at this line; drydock has none.
    Missed,
    /// drydock reports a finding KICS does not expect.
    Extra,
    /// drydock rejects the sample (exit 2).
    Rejected,
}

struct Disagreement {
    file: String,
    line: Option<u32>,
    kind: Kind,
    detail: String,
    allowed: Option<&'static str>,
}

impl Disagreement {
    fn describe(&self) -> String {
        let at = self.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let what = match self.kind {
            Kind::Missed => "KICS expects a finding, drydock reports none",
            Kind::Extra => "drydock reports a finding KICS does not expect",
            Kind::Rejected => "drydock rejects the file",
        };
        format!("{at}{what} ({})", self.detail)
    }
}

struct QueryResult {
    query: &'static Query,
    severity: String,
    positives: usize,
    positives_matched: usize,
    expected_lines: usize,
    expected_matched: usize,
    negatives: usize,
    negatives_clean: usize,
    disagreements: Vec<Disagreement>,
}

fn check_query(query: &'static Query, dir: &Path, problems: &mut Vec<String>) -> QueryResult {
    let metadata: Value = read_json(&dir.join("metadata.json"));
    let expected = expected_lines(&dir.join("test/positive_expected_result.json"));
    let mut result = QueryResult {
        query,
        severity: metadata["severity"].as_str().unwrap_or("?").to_owned(),
        positives: 0,
        positives_matched: 0,
        expected_lines: 0,
        expected_matched: 0,
        negatives: 0,
        negatives_clean: 0,
        disagreements: Vec::new(),
    };

    for file in expected.keys() {
        if !dir.join("test").join(file).is_file() {
            problems.push(format!(
                "{}: expected results name missing sample {file}",
                query.folder
            ));
        }
    }

    for sample in samples(&dir.join("test")) {
        let name = sample.file_name().unwrap().to_string_lossy().into_owned();
        let positive = name.starts_with("positive");
        let want = expected.get(&name).cloned().unwrap_or_default();
        if positive {
            result.positives += 1;
            result.expected_lines += want.len();
        } else {
            result.negatives += 1;
        }

        let label = format!("{}/{name}", query.folder);
        let Some(run) = scan(&sample, &label, problems) else {
            continue;
        };
        if let Some(detail) = run.rejected {
            result.disagreements.push(Disagreement {
                file: name,
                line: None,
                kind: Kind::Rejected,
                detail,
                allowed: None,
            });
            continue;
        }
        let Coverage::Covered { by, anchor, .. } = &query.coverage else {
            continue;
        };

        let text = std::fs::read_to_string(&sample).expect("read sample");
        let lines: Vec<&str> = text.lines().collect();
        let headers = service_headers(&lines);
        let found: Vec<&Found> = run
            .findings
            .iter()
            .filter(|f| {
                by.iter()
                    .any(|c| c.rule == f.rule && c.field.is_none_or(|fd| f.field() == Some(fd)))
            })
            .collect();

        // The lines of a finding that may stand for it in KICS's expectations.
        let candidates = |f: &Found| -> BTreeSet<u32> {
            match anchor {
                Anchor::Value => {
                    let mut set = BTreeSet::from([f.line]);
                    if let Some(k) = key_line(&lines, f.line, f.last_key()) {
                        set.insert(k);
                    }
                    set
                }
                Anchor::Service => BTreeSet::from([service_of(&headers, f.line)]),
            }
        };
        let normalise = |line: u32| match anchor {
            Anchor::Value => line,
            Anchor::Service => service_of(&headers, line),
        };

        let before = result.disagreements.len();
        let mut matched = 0;
        for &line in &want {
            if found
                .iter()
                .any(|f| candidates(f).contains(&normalise(line)))
            {
                matched += 1;
            } else {
                result.disagreements.push(Disagreement {
                    file: name.clone(),
                    line: Some(line),
                    kind: Kind::Missed,
                    detail: format!("{} at line {line}", by_label(by)),
                    allowed: None,
                });
            }
        }
        let wanted: BTreeSet<u32> = want.iter().map(|&l| normalise(l)).collect();
        let mut extra_lines = BTreeSet::new();
        for f in &found {
            if candidates(f).is_disjoint(&wanted) && extra_lines.insert(f.line) {
                result.disagreements.push(Disagreement {
                    file: name.clone(),
                    line: Some(f.line),
                    kind: Kind::Extra,
                    detail: format!("{} at {} ({})", f.rule, f.route, f.message),
                    allowed: None,
                });
            }
        }
        let clean = result.disagreements.len() == before;
        if positive {
            result.expected_matched += matched;
            if clean {
                result.positives_matched += 1;
            }
        } else if clean {
            result.negatives_clean += 1;
        }
    }
    result
}

fn by_label(by: &[Cover]) -> String {
    by.iter()
        .map(|c| match c.field {
            Some(field) => format!("{} ({field})", c.rule),
            None => c.rule.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// `positive*.yaml` then `negative*.yaml`, each in numeric order.
fn samples(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<(bool, u32, PathBuf)> = entries
        .map(|e| e.expect("read_dir entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let stem = name
                .strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"))?;
            let (negative, number) = if let Some(n) = stem.strip_prefix("positive") {
                (false, n)
            } else {
                (true, stem.strip_prefix("negative")?)
            };
            Some((negative, number.parse().unwrap_or(0), path))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, _, path)| path).collect()
}

/// `positive_expected_result.json`: file name -> expected lines.
fn expected_lines(path: &Path) -> BTreeMap<String, BTreeSet<u32>> {
    let json = read_json(path);
    let mut map: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for entry in json.as_array().expect("expected results are an array") {
        let file = entry["filename"].as_str().expect("filename");
        let line = entry["line"].as_u64().expect("line");
        map.entry(file.to_owned())
            .or_default()
            .insert(u32::try_from(line).expect("line fits u32"));
    }
    map
}

// ---------------------------------------------------------------------------
// Running drydock

struct Found {
    rule: String,
    line: u32,
    route: String,
    service: String,
    message: String,
}

impl Found {
    /// The service field a finding is about: `ports` for
    /// `services.web.ports[0]`, `None` for the service itself.
    fn field(&self) -> Option<&str> {
        let prefix = format!("services.{}.", self.service);
        let rest = self.route.strip_prefix(&prefix)?;
        rest.split(['.', '[']).next()
    }

    /// The last key of the route: `ports` for `services.web.ports[0]`.
    fn last_key(&self) -> &str {
        let last = self.route.rsplit('.').next().unwrap_or(&self.route);
        last.split('[').next().unwrap_or(last)
    }
}

struct Scanned {
    findings: Vec<Found>,
    /// Why drydock rejected the file (exit 2), if it did.
    rejected: Option<String>,
}

fn scan(file: &Path, label: &str, problems: &mut Vec<String>) -> Option<Scanned> {
    let out = drydock()
        .args(["compose", "-f"])
        .arg(file)
        .args(["--format", "json", "--fail-on", "critical"])
        // Samples interpolate `$ENVVAR`, `${MODE}`...: keep the host's
        // environment out of the results.
        .env_clear()
        .try_run();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            problems.push(format!("{label}: {e}"));
            return None;
        }
    };
    let code = out.code();
    let stderr = out.stderr.as_str();
    let report: Value = match serde_json::from_str(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!(
                "{label}: no JSON report (exit {code:?}): {e}; stderr: {stderr}"
            ));
            return None;
        }
    };
    let errors = report["errors"].as_array().cloned().unwrap_or_default();
    match code {
        Some(0 | 1) if errors.is_empty() => {}
        Some(2) => {
            let name = file.file_name().unwrap();
            let names_file = errors.iter().any(|e| {
                e["path"]
                    .as_str()
                    .is_some_and(|p| Path::new(p).file_name() == Some(name))
            });
            if !names_file {
                problems.push(format!(
                    "{label}: exit 2 without an error naming the file: {errors:?}"
                ));
            }
            let detail = errors
                .iter()
                .map(|e| {
                    format!(
                        "{}:{}: {}",
                        e["path"].as_str().unwrap_or("?"),
                        e["line"],
                        e["message"].as_str().unwrap_or("?")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            return Some(Scanned {
                findings: Vec::new(),
                rejected: Some(detail),
            });
        }
        _ => {
            problems.push(format!(
                "{label}: unexpected exit {code:?} with errors {errors:?}; stderr: {stderr}"
            ));
            return None;
        }
    }
    let findings = report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| Found {
            rule: f["rule"].as_str().unwrap_or_default().to_owned(),
            line: f["location"]["line"]
                .as_u64()
                .and_then(|l| u32::try_from(l).ok())
                .unwrap_or(0),
            route: f["location"]["route"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            service: f["subject"]["service"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            message: f["message"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    Some(Scanned {
        findings,
        rejected: None,
    })
}

// ---------------------------------------------------------------------------
// Line helpers (plain text; the KICS samples are simple block YAML)

/// Lines (1-based) of the service names under the top-level `services:`.
fn service_headers(lines: &[&str]) -> Vec<u32> {
    let mut headers = Vec::new();
    let mut in_services = false;
    let mut indent = None;
    for (i, raw) in lines.iter().enumerate() {
        let text = raw.trim_start();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let depth = raw.len() - text.len();
        if depth == 0 {
            in_services = text.starts_with("services:");
            indent = None;
            continue;
        }
        if in_services && *indent.get_or_insert(depth) == depth && !text.starts_with('-') {
            headers.push(line_no(i));
        }
    }
    headers
}

/// The service name line of the service that `line` is in (or `line` itself
/// outside `services:`).
fn service_of(headers: &[u32], line: u32) -> u32 {
    headers
        .iter()
        .rev()
        .find(|&&h| h <= line)
        .copied()
        .unwrap_or(line)
}

/// The nearest line at or above `from` that holds `key:`.
fn key_line(lines: &[&str], from: u32, key: &str) -> Option<u32> {
    let patterns = [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ];
    let upto = usize::try_from(from).ok()?.min(lines.len());
    lines[..upto].iter().enumerate().rev().find_map(|(i, raw)| {
        let text = raw.trim_start();
        let text = text.strip_prefix("- ").unwrap_or(text).trim_start();
        patterns
            .iter()
            .any(|p| text.starts_with(p.as_str()))
            .then(|| line_no(i))
    })
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).expect("line fits u32")
}

// ---------------------------------------------------------------------------
// Report

const HEADER: [&str; 6] = [
    "KICS query",
    "KICS sev",
    "covered by",
    "positives matched (lines)",
    "negatives clean",
    "deliberate differences",
];

fn rows(results: &[QueryResult]) -> Vec<[String; 6]> {
    results
        .iter()
        .map(|r| {
            let allowed = r
                .disagreements
                .iter()
                .filter(|d| d.allowed.is_some())
                .count();
            let bugs = r
                .disagreements
                .iter()
                .filter(|d| d.allowed.is_some_and(|a| a.starts_with("BUG:")))
                .count();
            let rejected = r
                .disagreements
                .iter()
                .filter(|d| d.kind == Kind::Rejected)
                .count();
            let (covered_by, positives, negatives) = match &r.query.coverage {
                Coverage::Covered { by, .. } => (
                    by_label(by),
                    format!(
                        "{}/{} ({}/{})",
                        r.positives_matched, r.positives, r.expected_matched, r.expected_lines
                    ),
                    format!("{}/{}", r.negatives_clean, r.negatives),
                ),
                Coverage::NotCovered(_) => (
                    "not covered".to_owned(),
                    format!("n/a ({})", samples_label(r.positives)),
                    format!("n/a ({})", samples_label(r.negatives)),
                ),
            };
            let mut deliberate = allowed.to_string();
            let mut notes = Vec::new();
            if rejected > 0 {
                notes.push(format!("{rejected} rejected"));
            }
            if bugs > 0 {
                notes.push(format!("{bugs} BUG"));
            }
            if !notes.is_empty() {
                let _ = write!(deliberate, " ({})", notes.join(", "));
            }
            [
                r.query.folder.to_owned(),
                r.severity.clone(),
                covered_by,
                positives,
                negatives,
                deliberate,
            ]
        })
        .collect()
}

fn samples_label(n: usize) -> String {
    if n == 1 {
        "1 sample".to_owned()
    } else {
        format!("{n} samples")
    }
}

fn deliberate_list(results: &[QueryResult]) -> String {
    let mut out = String::new();
    for r in results {
        for d in &r.disagreements {
            if let Some(reason) = d.allowed {
                let _ = writeln!(
                    out,
                    "  {}/{}{}: {}\n      {reason}",
                    r.query.folder,
                    d.file,
                    d.line.map(|l| format!(":{l}")).unwrap_or_default(),
                    kind_label(d.kind)
                );
            }
        }
    }
    out
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Missed => "KICS expects a finding, drydock reports none",
        Kind::Extra => "drydock reports a finding KICS does not expect",
        Kind::Rejected => "drydock rejects the file (exit 2)",
    }
}

fn write_markdown(results: &[QueryResult], problems: &[String]) {
    let mut md = String::new();
    let _ = writeln!(md, "# drydock vs KICS Docker Compose samples\n");
    let _ = writeln!(
        md,
        "Generated by `cargo test --test drydock kics_conformance::` from `{PEERS_DIR}` \
         (KICS v2.1.8 query tests, Apache-2.0). Positives count samples whose \
         expected lines all match with no extra finding of the mapped rules; \
         the bracket counts KICS's expected lines.\n"
    );
    let _ = writeln!(md, "| {} |", HEADER.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(HEADER.len()));
    for row in rows(results) {
        let cells: Vec<String> = row.iter().map(|c| support::md_cell(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }

    let _ = writeln!(md, "\n## Scope notes\n");
    for r in results {
        match &r.query.coverage {
            Coverage::Covered { note, .. } if !note.is_empty() => {
                let _ = writeln!(md, "- `{}`: {}", r.query.folder, support::md_cell(note));
            }
            Coverage::NotCovered(reason) => {
                let _ = writeln!(
                    md,
                    "- `{}`: not covered; {}",
                    r.query.folder,
                    support::md_cell(reason)
                );
            }
            Coverage::Covered { .. } => {}
        }
    }

    let _ = writeln!(md, "\n## Deliberate differences\n");
    for r in results {
        for d in &r.disagreements {
            if let Some(reason) = d.allowed {
                let _ = writeln!(
                    md,
                    "- `{}/{}{}`: {}. {}",
                    r.query.folder,
                    d.file,
                    d.line.map(|l| format!(":{l}")).unwrap_or_default(),
                    kind_label(d.kind),
                    support::md_cell(reason)
                );
            }
        }
    }
    if !problems.is_empty() {
        let _ = writeln!(md, "\n## Problems (test failing)\n");
        for p in problems {
            let _ = writeln!(md, "- {}", support::md_cell(p));
        }
    }

    support::write_report(REPORT_FILE, &md);
}

// ---------------------------------------------------------------------------
// Small helpers

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
