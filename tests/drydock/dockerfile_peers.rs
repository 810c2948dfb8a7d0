//! Conformance of `drydock dockerfile` with two peer linters, hadolint 2.15
//! and Trivy 0.76 (`trivy config`), on the 481 official-image Dockerfiles of
//! `../shared/peers/dockerfiles` (read in place; `PEERS.md` there has both
//! peers' results and which of their checks are security checks).
//!
//! ```sh
//! while IFS= read -r line; do export "$line"; done < <(scripts/install-dockerfile-peers.sh)
//! cargo test --test drydock dockerfile_peers -- --nocapture
//! ```
//!
//! Without `DRYDOCK_HADOLINT` and `DRYDOCK_TRIVY` (the binaries
//! `scripts/install-dockerfile-peers.sh` prints) the test prints a notice and
//! passes, unless `DRYDOCK_REQUIRE_DOCKERFILE_PEERS=1`; without the corpus,
//! unless `DRYDOCK_REQUIRE_PEERS=1`.
//!
//! How it compares:
//! - The three tools run once each on the whole corpus, at the same time:
//!   `drydock dockerfile DIR --format json`, `hadolint -f json --no-fail
//!   FILE…` (every file in one invocation, from the corpus folder) and `trivy
//!   config --misconfig-scanners dockerfile -f json DIR` (its embedded checks,
//!   a cache in a temporary folder, no update, no telemetry). Each peer runs
//!   with an empty environment and a temporary `HOME`, so no user or project
//!   configuration of theirs applies; hadolint's inline `# hadolint ignore=`
//!   pragmas do, as upstream wrote them.
//! - [`MAPPINGS`] pairs each security check both a peer and drydock have:
//!   a peer check (or two that together say one thing) with a drydock rule,
//!   optionally narrowed to some of its findings ([`Select`]). A mapping is
//!   compared only when `drydock rules --format json` lists the rule for
//!   Dockerfiles; else the table says "not yet" and shows the peer's count.
//! - A peer finding agrees when drydock has a finding of the mapped rule in
//!   the same file inside the same instruction: Trivy gives the instruction's
//!   first and last lines, hadolint its first line (its last is read from the
//!   file, following continuation lines), and drydock the line of the word it
//!   is about. A peer finding without a line (Trivy's "no USER at all", "no
//!   HEALTHCHECK") is about the file: any finding of the rule in that file
//!   agrees. Every other finding, on either side, is a disagreement.
//! - Files a tool cannot read are compared too: drydock's `errors[]` with
//!   hadolint's `DL1000` and Trivy's "Failed to parse file". A rule mapping
//!   skips the files either side of it could not read.
//! - Each disagreement must be covered by an entry of [`ALLOWED`], with its
//!   reason; an entry says how many disagreements it covers, and that count
//!   must be exact, so the list stays honest. Reasons starting with `BUG:`
//!   are suspected drydock bugs waiting for a fix.
//! - Every drydock rule for Dockerfiles is in [`MAPPINGS`] or in
//!   [`DRYDOCK_ONLY`], so a new rule cannot go uncompared by accident.
//!
//! A conformance table is printed to stderr and written in Markdown to
//! `target/dockerfile-peers.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::support::peers::{
    self, HADOLINT_VAR, REQUIRE, Side, TRIVY_VAR, output_of, str_of, u32_of,
};
use crate::support::{self, drydock};

const CORPUS: &str = "dockerfiles";
const REPORT_FILE: &str = "dockerfile-peers.md";

// ---------------------------------------------------------------------------
// The mappings

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Peer {
    Hadolint,
    Trivy,
}

impl Peer {
    fn name(self) -> &'static str {
        match self {
            Peer::Hadolint => "hadolint",
            Peer::Trivy => "Trivy",
        }
    }
}

/// Which findings of a drydock rule a peer check is compared with.
#[derive(Clone, Copy)]
enum Select {
    All,
    /// Only findings of this severity.
    Severity(&'static str),
    /// Only findings located at this instruction (`stage N.USER`).
    At(&'static str),
}

impl Select {
    fn keeps(self, f: &DrydockFinding) -> bool {
        match self {
            Select::All => true,
            Select::Severity(s) => f.severity == s,
            Select::At(keyword) => f
                .route
                .rsplit('.')
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case(keyword)),
        }
    }

    fn label(self) -> String {
        match self {
            Select::All => String::new(),
            Select::Severity(s) => format!(" ({s} only)"),
            Select::At(keyword) => format!(" (at a `{keyword}` only)"),
        }
    }
}

/// What the peer's findings are compared with.
#[derive(Clone, Copy)]
enum Target {
    /// Findings of a drydock rule.
    Rule { id: &'static str, select: Select },
    /// Files drydock refuses (`errors[]`); the peer side is its parse errors.
    Refused,
}

struct Mapping {
    /// Names the mapping in [`ALLOWED`] and in the table.
    key: &'static str,
    peer: Peer,
    /// The peer's check ids (none for [`Target::Refused`]).
    checks: &'static [&'static str],
    /// The peer's own level for them.
    level: &'static str,
    target: Target,
    /// What differs by design, in scope or in lines.
    note: &'static str,
}

const fn rule(id: &'static str) -> Target {
    Target::Rule {
        id,
        select: Select::All,
    }
}

const fn rule_where(id: &'static str, select: Select) -> Target {
    Target::Rule { id, select }
}

/// Every security check of hadolint's and Trivy's that a drydock rule for
/// Dockerfiles has (or will have), and the two parse-error comparisons.
const MAPPINGS: &[Mapping] = &[
    Mapping {
        key: "hadolint parse",
        peer: Peer::Hadolint,
        checks: &["DL1000"],
        level: "error",
        target: Target::Refused,
        note: "files one tool cannot read; drydock follows BuildKit's parser",
    },
    Mapping {
        key: "Trivy parse",
        peer: Peer::Trivy,
        checks: &["parse error"],
        level: "-",
        target: Target::Refused,
        note: "files one tool cannot read; drydock follows BuildKit's parser",
    },
    Mapping {
        key: "DS-0002",
        peer: Peer::Trivy,
        checks: &["DS-0002"],
        level: "HIGH",
        target: rule("root-user"),
        note: "Trivy looks at the file's last `USER` whatever its stage, and gives no line \
               when there is no `USER` at all (then any root-user finding in the file \
               agrees); drydock follows the runtime stage's chain of stages and reports at \
               its `USER` or, without one, at the `FROM` of the image the stage starts from",
    },
    Mapping {
        key: "DL3002",
        peer: Peer::Hadolint,
        checks: &["DL3002"],
        level: "warning",
        target: rule_where("root-user", Select::At("USER")),
        note: "hadolint only sees an explicit `USER root`/`USER 0`, so only root-user findings \
               at a `USER` are compared (not those of files that set no `USER`)",
    },
    Mapping {
        key: "DS-0001",
        peer: Peer::Trivy,
        checks: &["DS-0001"],
        level: "MEDIUM",
        target: rule_where("unpinned-image", Select::Severity("medium")),
        note: "no tag or `latest`; drydock's info findings (a tag but no digest) have no \
               Trivy counterpart",
    },
    Mapping {
        key: "DL3006/DL3007",
        peer: Peer::Hadolint,
        checks: &["DL3006", "DL3007"],
        level: "warning",
        target: rule_where("unpinned-image", Select::Severity("medium")),
        note: "DL3006 (no tag) and DL3007 (`latest`) together are drydock's medium \
               unpinned-image",
    },
    Mapping {
        key: "DS-0031",
        peer: Peer::Trivy,
        checks: &["DS-0031"],
        level: "CRITICAL",
        target: rule("plaintext-secret"),
        note: "Trivy goes by the variable's name alone (also `ARG TOKEN` with no value); \
               drydock wants a credential written out in the file",
    },
    Mapping {
        key: "DL3064",
        peer: Peer::Hadolint,
        checks: &["DL3064"],
        level: "warning",
        target: rule("plaintext-secret"),
        note: "hadolint goes by the variable's name alone; drydock wants a credential \
               written out in the file",
    },
    Mapping {
        key: "DS-0010",
        peer: Peer::Trivy,
        checks: &["DS-0010"],
        level: "CRITICAL",
        target: rule("sudo-in-run"),
        note: "",
    },
    Mapping {
        key: "DL3004",
        peer: Peer::Hadolint,
        checks: &["DL3004"],
        level: "error",
        target: rule("sudo-in-run"),
        note: "",
    },
    Mapping {
        key: "DS-0004",
        peer: Peer::Trivy,
        checks: &["DS-0004"],
        level: "MEDIUM",
        target: rule("ssh-port-exposed"),
        note: "",
    },
    Mapping {
        key: "DS-0026",
        peer: Peer::Trivy,
        checks: &["DS-0026"],
        level: "LOW",
        target: rule("missing-healthcheck"),
        note: "Trivy gives no line: any missing-healthcheck finding in the file agrees",
    },
];

/// Security-relevant peer checks (PEERS.md's classes S and A) with no
/// drydock counterpart, and why.
const NOT_MAPPED: &[(&str, &str)] = &[
    (
        "DL3026",
        "registry allow-list, off unless `--trusted-registry` is given; drydock's \
         untrusted-registry is off too until a policy lists the trusted registries",
    ),
    (
        "DL3020, DS-0005",
        "any `ADD` of a local file (use `COPY`): style; drydock's coming \
         remote-add-without-checksum is about remote `ADD` without `--checksum`",
    ),
    (
        "DL4006",
        "a pipe in `RUN` without `-o pipefail` hides a failed download from the build: \
         build correctness, not the image's security",
    ),
    (
        "DL3066",
        "a non-numeric `USER` cannot be checked by `runAsNonRoot`: a Kubernetes concern",
    ),
    (
        "DL3022, DL3067",
        "`COPY --from` an unknown alias or the whole filesystem of a stage: build hygiene",
    ),
    (
        "DL3001",
        "ssh, vim, ps, mount… run in `RUN` make no sense in a build: hygiene; installing \
         network tools is drydock's network-tool",
    ),
    (
        "DS-0029",
        "`apt-get install` without `--no-install-recommends`: image size",
    ),
    ("DS-0030", "`WORKDIR` on a system directory: hygiene"),
];

/// drydock rules for Dockerfiles that no peer has, and why; a mapping
/// above or an entry here is needed for every rule `drydock rules` lists
/// for Dockerfiles.
const DRYDOCK_ONLY: &[(&str, &str)] = &[
    (
        "exec-capable-netcat",
        "no peer looks at the packages a Dockerfile installs",
    ),
    (
        "setuid-file",
        "no peer check for `chmod u+s`/`g+s` or `COPY --chmod` with setuid",
    ),
    (
        "writable-executable",
        "no peer check for executables the runtime user can rewrite",
    ),
    (
        "remote-script-to-shell",
        "`curl … | sh`: no peer check (hadolint's DL4006 is only about pipefail)",
    ),
    (
        "remote-add-without-checksum",
        "hadolint's DL3020 and Trivy's DS-0005 flag every `ADD`, checksum or not",
    ),
    ("insecure-build-step", "no peer check"),
    (
        "tls-verification-disabled",
        "`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`: no peer check",
    ),
    (
        "network-tool",
        "no peer check on installed network tools (DL3001 is about commands run)",
    ),
    (
        "untrusted-registry",
        "needs a policy's trusted registries, as DL3026 needs `--trusted-registry`: \
         both are off in this comparison",
    ),
];

// ---------------------------------------------------------------------------
// Listed disagreements

/// Disagreements drydock keeps on purpose (or, with `BUG:`, a suspected
/// drydock bug). An entry covers the disagreements of its mapping and side
/// in `file` (any file when `None`) at `line` (any line when `None`) whose
/// peer message contains `peer_says`; exactly `count` of them.
struct Allowed {
    mapping: &'static str,
    side: Side,
    file: Option<&'static str>,
    line: Option<u32>,
    peer_says: &'static str,
    count: usize,
    /// Checked on the source line of every disagreement covered: what the
    /// reason claims about it.
    witness: Option<Witness>,
    reason: &'static str,
}

#[derive(Clone, Copy)]
struct Witness {
    claim: &'static str,
    holds: fn(&str) -> bool,
}

/// `ENV NAME value` or `ENV NAME=value` where every word of the value is a
/// full OpenPGP v4 key fingerprint (40 hex digits, `0x` allowed).
fn is_gpg_fingerprint_env(line: &str) -> bool {
    let Some(rest) = line.trim().strip_prefix("ENV ") else {
        return false;
    };
    let rest = rest.trim_start();
    let Some(split) = rest.find([' ', '=']) else {
        return false;
    };
    let value = rest[split + 1..].trim();
    !value.is_empty()
        && value.split_whitespace().all(|word| {
            let hex = word
                .strip_prefix("0x")
                .or_else(|| word.strip_prefix("0X"))
                .unwrap_or(word);
            hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

const GPG_WITNESS: Witness = Witness {
    claim: "the line is `ENV NAME <40-hex-digit fingerprint>`",
    holds: is_gpg_fingerprint_env,
};

const GPG_FINGERPRINT: &str = "a public OpenPGP key fingerprint (40 hex digits) that the \
     build verifies downloads against, not a secret: Trivy goes by the variable's name \
     (`*_KEY`), drydock by what the value is";

const HADOLINT_ESCAPED_BACKSLASH: &str = "hadolint 2.15 cannot parse a line ending in an \
     escaped backslash (`C:\\\\Windows\\\\System32\\\\`); BuildKit reads it as a backslash \
     ending no continuation, and so do drydock and Trivy (PEERS.md, parse errors)";

const fn gpg(key_in_message: &'static str, count: usize) -> Allowed {
    Allowed {
        mapping: "DS-0031",
        side: Side::PeerOnly,
        file: None,
        line: None,
        peer_says: key_in_message,
        count,
        witness: Some(GPG_WITNESS),
        reason: GPG_FINGERPRINT,
    }
}

const fn hadolint_cannot_parse(file: &'static str) -> Allowed {
    Allowed {
        mapping: "hadolint parse",
        side: Side::PeerOnly,
        file: Some(file),
        line: None,
        peer_says: "",
        count: 1,
        witness: None,
        reason: HADOLINT_ESCAPED_BACKSLASH,
    }
}

const ALLOWED: &[Allowed] = &[
    gpg("\"GPG_KEY\"", 24),
    gpg("\"RABBITMQ_PGP_KEY_ID\"", 8),
    gpg("\"WORDPRESS_CLI_GPG_KEY\"", 4),
    // hadolint refuses these four, drydock and Trivy read them (drydock's
    // findings in them are compared with Trivy's only).
    hadolint_cannot_parse("docker-library-mongo/7.0/windows/nanoserver-ltsc2022/Dockerfile"),
    hadolint_cannot_parse("docker-library-mongo/8.0/windows/nanoserver-ltsc2022/Dockerfile"),
    hadolint_cannot_parse("docker-library-mongo/8.2/windows/nanoserver-ltsc2022/Dockerfile"),
    hadolint_cannot_parse("docker-library-mongo/8.3/windows/nanoserver-ltsc2022/Dockerfile"),
];

// ---------------------------------------------------------------------------
// The test

#[test]
fn dockerfile_rules_agree_with_hadolint_and_trivy() {
    let (Some(hadolint), Some(trivy)) = (peers::binary(HADOLINT_VAR), peers::binary(TRIVY_VAR))
    else {
        support::skip(
            REQUIRE,
            &format!(
                "{HADOLINT_VAR} and {TRIVY_VAR} not both set (run \
                 scripts/install-dockerfile-peers.sh)"
            ),
        );
        return;
    };
    let Some(corpus) = support::peers_dir(CORPUS) else {
        return;
    };
    let files = corpus_files(&corpus);
    assert!(
        files.len() > 400,
        "only {} Dockerfiles under {}",
        files.len(),
        corpus.display()
    );
    let scratch = tempfile::tempdir().unwrap();

    let (dd, hl, tv) = std::thread::scope(|s| {
        let dd = s.spawn(|| run_drydock(&corpus));
        let hl = s.spawn(|| run_hadolint(&hadolint, &corpus, &files, scratch.path()));
        let tv = s.spawn(|| run_trivy(&trivy, &corpus, scratch.path()));
        (dd.join().unwrap(), hl.join().unwrap(), tv.join().unwrap())
    });

    let mut problems = Vec::new();
    check_coverage(&files, &dd, &hl, &tv, &mut problems);
    let rules = dockerfile_rules(&mut problems);
    check_lists(&rules, &mut problems);

    let sources = Sources::new(&corpus);
    let mut results: Vec<MappingResult> = MAPPINGS
        .iter()
        .map(|m| {
            let peer = match m.peer {
                Peer::Hadolint => &hl,
                Peer::Trivy => &tv,
            };
            compare(m, &rules, &dd, peer, &sources)
        })
        .collect();

    judge(&mut results, &sources, &mut problems);

    eprintln!(
        "\ndrydock vs hadolint {} and Trivy {} on {} official-image Dockerfiles\n\n{}",
        hl.version,
        tv.version,
        files.len(),
        support::text_table(&HEADER, &rows(&results))
    );
    let listed = listed_list(&results);
    if !listed.is_empty() {
        eprintln!("Listed disagreements:\n{listed}");
    }
    write_markdown(&results, &rules, &dd, &hl, &tv, files.len(), &problems);

    assert!(
        problems.is_empty(),
        "{} conformance problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The corpus's Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`),
/// relative to it, sorted.
fn corpus_files(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy();
            if name == "Dockerfile"
                || name.starts_with("Dockerfile.")
                || name.ends_with(".Dockerfile")
            {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut files = Vec::new();
    walk(root, root, &mut files);
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// Running the three tools

struct DrydockFinding {
    rule: String,
    severity: String,
    file: String,
    line: u32,
    route: String,
    message: String,
}

struct DrydockRun {
    findings: Vec<DrydockFinding>,
    /// File -> why drydock refused it.
    refused: BTreeMap<String, String>,
    dockerfiles: u64,
}

/// One peer finding; `lines` is the instruction's first and last line, or
/// `None` for a finding about the whole file.
struct PeerFinding {
    check: String,
    file: String,
    lines: Option<(u32, u32)>,
    message: String,
}

struct PeerRun {
    version: String,
    findings: Vec<PeerFinding>,
    /// File -> the peer's parse error.
    refused: BTreeMap<String, String>,
    /// Files the peer reported on (Trivy: its targets), for the coverage check.
    targets: BTreeSet<String>,
}

/// A path as a tool printed it, relative to the corpus.
fn relative(path: &str, corpus: &Path) -> String {
    let path = Path::new(path);
    let rel = path.strip_prefix(corpus).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    rel.to_string_lossy().into_owned()
}

fn run_drydock(corpus: &Path) -> DrydockRun {
    let out = drydock()
        .arg("dockerfile")
        .arg(corpus)
        .args(["--format", "json"])
        .env_clear()
        .timeout(Duration::from_secs(300))
        .run();
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON report (exit {:?}): {e}\n{}",
            out.shown,
            out.code(),
            out.stderr
        )
    });
    assert!(
        matches!(out.code(), Some(0..=2)),
        "{}: exit {:?}\n{}",
        out.shown,
        out.code(),
        out.stderr
    );
    let findings = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| DrydockFinding {
            rule: str_of(&f["rule"]),
            severity: str_of(&f["severity"]),
            file: relative(f["location"]["path"].as_str().unwrap_or("?"), corpus),
            line: u32_of(&f["location"]["line"]).unwrap_or(0),
            route: str_of(&f["location"]["route"]),
            message: str_of(&f["message"]),
        })
        .collect();
    let refused = report["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        relative(e["path"].as_str().unwrap_or("?"), corpus),
                        format!(
                            "line {}: {}",
                            e["line"],
                            e["message"].as_str().unwrap_or("?")
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    DrydockRun {
        findings,
        refused,
        dockerfiles: report["summary"]["dockerfiles"].as_u64().unwrap_or(0),
    }
}

fn run_hadolint(bin: &Path, corpus: &Path, files: &[String], scratch: &Path) -> PeerRun {
    let (version, _) = output_of(
        peers::command(bin, scratch).arg("--version"),
        "hadolint --version",
    );
    let (stdout, _) = output_of(
        peers::command(bin, scratch)
            .current_dir(corpus)
            .args(["-f", "json", "--no-fail"])
            .args(files),
        "hadolint -f json --no-fail FILE…",
    );
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("hadolint printed no JSON array: {e}"));
    let mut run = PeerRun {
        version: version.trim().rsplit(' ').next().unwrap_or("?").to_owned(),
        findings: Vec::new(),
        refused: BTreeMap::new(),
        targets: BTreeSet::new(),
    };
    for f in json.as_array().expect("hadolint: an array") {
        let file = relative(f["file"].as_str().unwrap_or("?"), corpus);
        let check = str_of(&f["code"]);
        let message = str_of(&f["message"]);
        run.targets.insert(file.clone());
        if check == "DL1000" {
            let line = f["line"].as_u64().unwrap_or(0);
            let first = message.lines().next().unwrap_or_default().trim();
            run.refused.insert(file, format!("line {line}: {first}"));
            continue;
        }
        let line = u32_of(&f["line"]).filter(|&l| l > 0);
        run.findings.push(PeerFinding {
            check,
            file,
            // The end is filled in from the file by `compare`.
            lines: line.map(|l| (l, l)),
            message,
        });
    }
    run
}

fn run_trivy(bin: &Path, corpus: &Path, scratch: &Path) -> PeerRun {
    let version = peers::trivy_version(bin, scratch);
    let cache = scratch.join("trivy-cache");
    let (stdout, stderr) = output_of(
        peers::command(bin, scratch)
            .current_dir(scratch)
            .arg("config")
            .arg("--cache-dir")
            .arg(&cache)
            .args([
                "--skip-check-update",
                "--skip-version-check",
                "--disable-telemetry",
                "--misconfig-scanners",
                "dockerfile",
                "--ignorefile",
                "",
                "--config",
                "",
                "-f",
                "json",
            ])
            .arg(corpus),
        "trivy config",
    );
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("trivy printed no JSON report: {e}\n{stderr}"));
    let mut run = PeerRun {
        version,
        findings: Vec::new(),
        refused: BTreeMap::new(),
        targets: BTreeSet::new(),
    };
    for result in json["Results"].as_array().cloned().unwrap_or_default() {
        let file = relative(result["Target"].as_str().unwrap_or("?"), corpus);
        run.targets.insert(file.clone());
        for m in result["Misconfigurations"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            if m["Status"] != "FAIL" {
                continue;
            }
            let cause = &m["CauseMetadata"];
            let start = u32_of(&cause["StartLine"]).filter(|&l| l > 0);
            let end = u32_of(&cause["EndLine"]).filter(|&l| l > 0);
            run.findings.push(PeerFinding {
                check: str_of(&m["ID"]),
                file: file.clone(),
                lines: start.map(|s| (s, end.unwrap_or(s).max(s))),
                message: str_of(&m["Message"]),
            });
        }
    }
    // `ERROR [dockerfile scanner] Failed to parse file  file_path="…" err="…"`
    for line in stderr
        .lines()
        .filter(|l| l.contains("Failed to parse file"))
    {
        let field = |name: &str| {
            let start = line.find(&format!("{name}=\""))? + name.len() + 2;
            let len = line[start..].find("\" ").unwrap_or(line.len() - start - 1);
            Some(line[start..start + len].replace("\\\"", "\""))
        };
        if let Some(file) = field("file_path") {
            run.refused.insert(
                relative(&file, corpus),
                field("err").unwrap_or_else(|| "?".to_owned()),
            );
        }
    }
    run
}

/// Each tool must have looked at every file: read it or said why not.
fn check_coverage(
    files: &[String],
    dd: &DrydockRun,
    hl: &PeerRun,
    tv: &PeerRun,
    problems: &mut Vec<String>,
) {
    let all: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let read = usize::try_from(dd.dockerfiles).unwrap_or(usize::MAX);
    if read + dd.refused.len() != files.len() {
        problems.push(format!(
            "drydock read {read} Dockerfiles and refused {}, of {} in the corpus",
            dd.refused.len(),
            files.len()
        ));
    }
    for (tool, run) in [("drydock", &dd.refused), ("hadolint", &hl.refused)] {
        for file in run.keys() {
            if !all.contains(file.as_str()) {
                problems.push(format!("{tool} names {file}, not a corpus Dockerfile"));
            }
        }
    }
    for file in hl.targets.iter().chain(&tv.targets) {
        if !all.contains(file.as_str()) {
            problems.push(format!("a peer reports on {file}, not a corpus Dockerfile"));
        }
    }
    for file in &all {
        if !tv.targets.contains(*file) && !tv.refused.contains_key(*file) {
            problems.push(format!(
                "Trivy neither scanned nor refused {file} (not picked up by name?)"
            ));
        }
    }
}

/// The rule ids `drydock rules --format json` lists, each with whether it
/// applies to Dockerfiles.
fn dockerfile_rules(problems: &mut Vec<String>) -> BTreeMap<String, bool> {
    let out = drydock().args(["rules", "--format", "json"]).run();
    assert!(out.success(), "drydock rules failed: {}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).expect("drydock rules: JSON");
    let mut rules = BTreeMap::new();
    for r in json.as_array().expect("drydock rules: an array") {
        let scopes = r["scopes"].as_array().cloned().unwrap_or_default();
        rules.insert(str_of(&r["id"]), scopes.iter().any(|s| s == "dockerfile"));
    }
    if rules.is_empty() {
        problems.push("drydock rules listed no rule".to_owned());
    }
    rules
}

/// Every Dockerfile rule is mapped or listed as drydock's own; the lists
/// name each rule once; every ALLOWED entry names a mapping.
fn check_lists(rules: &BTreeMap<String, bool>, problems: &mut Vec<String>) {
    let mapped: BTreeSet<&str> = MAPPINGS
        .iter()
        .filter_map(|m| match m.target {
            Target::Rule { id, .. } => Some(id),
            Target::Refused => None,
        })
        .collect();
    for (id, dockerfile) in rules {
        let own = DRYDOCK_ONLY.iter().any(|(r, _)| r == id);
        if *dockerfile && !mapped.contains(id.as_str()) && !own {
            problems.push(format!(
                "drydock rule `{id}` checks Dockerfiles but is neither in MAPPINGS nor in \
                 DRYDOCK_ONLY"
            ));
        }
        if own && mapped.contains(id.as_str()) {
            problems.push(format!("`{id}` is both mapped and in DRYDOCK_ONLY"));
        }
    }
    let mut keys = BTreeSet::new();
    for m in MAPPINGS {
        if !keys.insert(m.key) {
            problems.push(format!("mapping `{}` listed twice", m.key));
        }
    }
    for a in ALLOWED {
        if !keys.contains(a.mapping) {
            problems.push(format!("ALLOWED names an unknown mapping `{}`", a.mapping));
        }
    }
}

// ---------------------------------------------------------------------------
// Comparing one mapping

#[derive(Clone, PartialEq, Eq)]
enum Status {
    Compared,
    /// Why not (the rule is missing or not for Dockerfiles).
    NotYet(String),
}

struct Disagreement {
    side: Side,
    file: String,
    line: Option<u32>,
    message: String,
    allowed: Option<usize>,
}

struct MappingResult {
    mapping: &'static Mapping,
    status: Status,
    /// Files both tools read (rule mappings) or all files (parse rows).
    files: usize,
    peer: usize,
    peer_files: usize,
    drydock: usize,
    drydock_files: usize,
    agreed: usize,
    disagreements: Vec<Disagreement>,
}

fn compare(
    m: &'static Mapping,
    rules: &BTreeMap<String, bool>,
    dd: &DrydockRun,
    peer: &PeerRun,
    sources: &Sources,
) -> MappingResult {
    let mut result = MappingResult {
        mapping: m,
        status: Status::Compared,
        files: 0,
        peer: 0,
        peer_files: 0,
        drydock: 0,
        drydock_files: 0,
        agreed: 0,
        disagreements: Vec::new(),
    };

    // (file, lines, message) on each side.
    type Side1 = Vec<(String, Option<(u32, u32)>, String)>;
    let (peer_side, drydock_side): (Side1, Vec<(String, u32, String)>) = match m.target {
        Target::Refused => {
            result.files = dd.dockerfiles as usize + dd.refused.len();
            (
                peer.refused
                    .iter()
                    .map(|(f, why)| (f.clone(), None, why.clone()))
                    .collect(),
                dd.refused
                    .iter()
                    .map(|(f, why)| (f.clone(), 0, why.clone()))
                    .collect(),
            )
        }
        Target::Rule { id, select } => {
            let peer_side: Side1 = peer
                .findings
                .iter()
                .filter(|f| m.checks.contains(&f.check.as_str()))
                .filter(|f| !dd.refused.contains_key(&f.file))
                .map(|f| {
                    let lines = f.lines.map(|(start, end)| {
                        // hadolint gives the first line only.
                        (start, end.max(sources.instruction_end(&f.file, start)))
                    });
                    (f.file.clone(), lines, f.message.clone())
                })
                .collect();
            match rules.get(id) {
                Some(true) => {}
                Some(false) => {
                    result.status = Status::NotYet("a rule for images only".to_owned());
                }
                None => result.status = Status::NotYet("no such rule".to_owned()),
            }
            result.peer = peer_side.len();
            result.peer_files = distinct(peer_side.iter().map(|p| &p.0));
            if result.status != Status::Compared {
                return result;
            }
            result.files = (dd.dockerfiles as usize).saturating_sub(
                peer.refused
                    .keys()
                    .filter(|f| !dd.refused.contains_key(*f))
                    .count(),
            );
            let drydock_side = dd
                .findings
                .iter()
                .filter(|f| f.rule == id && select.keeps(f))
                .filter(|f| !peer.refused.contains_key(&f.file))
                .map(|f| (f.file.clone(), f.line, f.message.clone()))
                .collect();
            (peer_side, drydock_side)
        }
    };
    result.peer = peer_side.len();
    result.peer_files = distinct(peer_side.iter().map(|p| &p.0));
    result.drydock = drydock_side.len();
    result.drydock_files = distinct(drydock_side.iter().map(|d| &d.0));

    let mut used = vec![false; drydock_side.len()];
    for (file, lines, message) in &peer_side {
        let mut hit = false;
        for (i, (dfile, dline, _)) in drydock_side.iter().enumerate() {
            let inside = match lines {
                None => true,
                Some((start, end)) => (start..=end).contains(&dline),
            };
            if dfile == file && inside {
                used[i] = true;
                hit = true;
            }
        }
        if hit {
            result.agreed += 1;
        } else {
            result.disagreements.push(Disagreement {
                side: Side::PeerOnly,
                file: file.clone(),
                line: lines.map(|(start, _)| start),
                message: message.clone(),
                allowed: None,
            });
        }
    }
    for ((file, line, message), used) in drydock_side.iter().zip(used) {
        if !used {
            result.disagreements.push(Disagreement {
                side: Side::DrydockOnly,
                file: file.clone(),
                line: (*line > 0).then_some(*line),
                message: message.clone(),
                allowed: None,
            });
        }
    }
    result
        .disagreements
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    result
}

fn distinct<'a>(files: impl Iterator<Item = &'a String>) -> usize {
    files.collect::<BTreeSet<_>>().len()
}

/// Every disagreement of a compared mapping must be covered by an ALLOWED
/// entry, and every entry must cover exactly its count.
fn judge(results: &mut [MappingResult], sources: &Sources, problems: &mut Vec<String>) {
    let mut covered = vec![0usize; ALLOWED.len()];
    for r in results.iter_mut() {
        for d in &mut r.disagreements {
            let hit = ALLOWED.iter().position(|a| {
                a.mapping == r.mapping.key
                    && a.side == d.side
                    && a.file.is_none_or(|f| f == d.file)
                    && a.line.is_none_or(|l| Some(l) == d.line)
                    && (a.peer_says.is_empty()
                        || (d.side == Side::PeerOnly && d.message.contains(a.peer_says)))
            });
            let Some(i) = hit else {
                problems.push(format!(
                    "{}: unlisted disagreement: {}",
                    r.mapping.key,
                    describe(r.mapping, d)
                ));
                continue;
            };
            covered[i] += 1;
            d.allowed = Some(i);
            if let (Some(w), Some(line)) = (ALLOWED[i].witness, d.line) {
                let text = sources.line(&d.file, line);
                if !(w.holds)(&text) {
                    problems.push(format!(
                        "{}: {}:{line} is listed because {}, but it reads `{}`",
                        r.mapping.key,
                        d.file,
                        w.claim,
                        text.trim()
                    ));
                }
            }
        }
    }
    for (a, n) in ALLOWED.iter().zip(covered) {
        let compared = results
            .iter()
            .any(|r| r.mapping.key == a.mapping && r.status == Status::Compared);
        if compared && n != a.count {
            problems.push(format!(
                "{}: ALLOWED entry {} covers {n} disagreement(s), it says {} ({})",
                a.mapping,
                entry_label(a),
                a.count,
                a.reason
            ));
        }
    }
}

fn describe(m: &Mapping, d: &Disagreement) -> String {
    let at = d.line.map(|l| format!(":{l}")).unwrap_or_default();
    let who = match d.side {
        Side::PeerOnly => format!("{} only", m.peer.name()),
        Side::DrydockOnly => "drydock only".to_owned(),
    };
    format!("{}{at}: {who}: {}", d.file, d.message.trim())
}

fn entry_label(a: &Allowed) -> String {
    let mut parts = Vec::new();
    if let Some(f) = a.file {
        parts.push(a.line.map_or_else(|| f.to_owned(), |l| format!("{f}:{l}")));
    }
    if !a.peer_says.is_empty() {
        parts.push(format!("peer message with {}", a.peer_says));
    }
    if parts.is_empty() {
        parts.push("any".to_owned());
    }
    parts.join(", ")
}

// ---------------------------------------------------------------------------
// The corpus's text

/// The corpus's files, read on demand: source lines for witnesses, and the
/// end of an instruction for hadolint's findings.
struct Sources {
    root: PathBuf,
    cache: std::sync::Mutex<BTreeMap<String, Vec<String>>>,
}

impl Sources {
    fn new(root: &Path) -> Self {
        Sources {
            root: root.to_path_buf(),
            cache: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    fn with_lines<T>(&self, file: &str, f: impl FnOnce(&[String]) -> T) -> T {
        let mut cache = self.cache.lock().unwrap();
        let lines = cache.entry(file.to_owned()).or_insert_with(|| {
            let bytes = std::fs::read(self.root.join(file)).unwrap_or_default();
            String::from_utf8_lossy(&bytes)
                .lines()
                .map(str::to_owned)
                .collect()
        });
        f(lines)
    }

    fn line(&self, file: &str, line: u32) -> String {
        self.with_lines(file, |lines| {
            lines.get(line as usize - 1).cloned().unwrap_or_default()
        })
    }

    /// The last line of the instruction starting at `start`: continuation
    /// lines (ending in the escape character, not an escaped one), with the
    /// blank and comment lines BuildKit skips inside them. Heredocs are not
    /// followed (no mapped peer check reports on one).
    fn instruction_end(&self, file: &str, start: u32) -> u32 {
        self.with_lines(file, |lines| {
            let escape = escape_char(lines);
            let mut i = start as usize - 1;
            let continues = |text: &str| {
                let text = text.trim_end();
                let doubled: String = [escape, escape].iter().collect();
                text.ends_with(escape) && !text.ends_with(&doubled)
            };
            while i < lines.len() && continues(&lines[i]) {
                i += 1;
                while i < lines.len() && {
                    let t = lines[i].trim_start();
                    t.is_empty() || t.starts_with('#')
                } {
                    i += 1;
                }
            }
            u32::try_from(i.min(lines.len().saturating_sub(1)) + 1).unwrap_or(start)
        })
    }
}

/// The `# escape=` parser directive, else `\`.
fn escape_char(lines: &[String]) -> char {
    for line in lines {
        let Some(comment) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = comment.split_once('=') else {
            break;
        };
        if key.trim().eq_ignore_ascii_case("escape") {
            return value.trim().chars().next().unwrap_or('\\');
        }
    }
    '\\'
}

// ---------------------------------------------------------------------------
// Report

const HEADER: [&str; 8] = [
    "peer check",
    "peer level",
    "drydock",
    "files compared",
    "peer findings (files)",
    "drydock findings (files)",
    "agreed",
    "disagreements (listed)",
];

fn rows(results: &[MappingResult]) -> Vec<[String; 8]> {
    results
        .iter()
        .map(|r| {
            let m = r.mapping;
            let check = match m.target {
                Target::Refused => format!("{} parse errors", m.peer.name()),
                Target::Rule { .. } => format!("{} {}", m.peer.name(), m.checks.join(" + ")),
            };
            let target = match m.target {
                Target::Refused => "input errors".to_owned(),
                Target::Rule { id, select } => format!("{id}{}", select.label()),
            };
            let found = |n: usize, files: usize| format!("{n} ({files})");
            match &r.status {
                Status::NotYet(why) => [
                    check,
                    m.level.to_owned(),
                    format!("{target}: not yet ({why})"),
                    "-".to_owned(),
                    found(r.peer, r.peer_files),
                    "-".to_owned(),
                    "-".to_owned(),
                    "-".to_owned(),
                ],
                Status::Compared => {
                    let disagreements = peers::disagreements_cell(
                        m.peer.name(),
                        r.disagreements
                            .iter()
                            .map(|d| (d.side, d.allowed.is_some())),
                    );
                    [
                        check,
                        m.level.to_owned(),
                        target,
                        r.files.to_string(),
                        found(r.peer, r.peer_files),
                        found(r.drydock, r.drydock_files),
                        r.agreed.to_string(),
                        disagreements,
                    ]
                }
            }
        })
        .collect()
}

/// A group of listed disagreements: consecutive ALLOWED entries of one
/// mapping and side with the same reason, and what they covered.
struct Group {
    entries: Vec<&'static Allowed>,
    items: Vec<String>,
}

impl Group {
    fn first(&self) -> &'static Allowed {
        self.entries[0]
    }

    /// `, message with "A" (n), "B" (m)` for entries chosen by message.
    fn label(&self) -> String {
        let says: Vec<String> = self
            .entries
            .iter()
            .filter(|a| !a.peer_says.is_empty())
            .map(|a| format!("{} ({})", a.peer_says, a.count))
            .collect();
        if says.is_empty() {
            String::new()
        } else {
            format!(", message with {}", says.join(", "))
        }
    }
}

fn listed_groups(results: &[MappingResult]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = Vec::with_capacity(ALLOWED.len());
    for (i, a) in ALLOWED.iter().enumerate() {
        let same = i > 0 && {
            let prev = &ALLOWED[i - 1];
            prev.mapping == a.mapping && prev.side == a.side && prev.reason == a.reason
        };
        if same {
            groups.last_mut().unwrap().entries.push(a);
        } else {
            groups.push(Group {
                entries: vec![a],
                items: Vec::new(),
            });
        }
        group_of.push(groups.len() - 1);
    }
    for r in results {
        for d in &r.disagreements {
            if let Some(i) = d.allowed {
                groups[group_of[i]].items.push(describe(r.mapping, d));
            }
        }
    }
    groups.retain(|g| !g.items.is_empty());
    groups
}

fn listed_list(results: &[MappingResult]) -> String {
    let mut out = String::new();
    for g in listed_groups(results) {
        let a = g.first();
        let _ = writeln!(
            out,
            "  {}{} ({} × {}): {}",
            a.mapping,
            g.label(),
            g.items.len(),
            side_label(a.side),
            a.reason
        );
        for item in g.items.iter().take(3) {
            let _ = writeln!(out, "      {item}");
        }
        if g.items.len() > 3 {
            let _ = writeln!(out, "      … and {} more", g.items.len() - 3);
        }
    }
    out
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::PeerOnly => "peer only",
        Side::DrydockOnly => "drydock only",
    }
}

fn write_markdown(
    results: &[MappingResult],
    rules: &BTreeMap<String, bool>,
    dd: &DrydockRun,
    hl: &PeerRun,
    tv: &PeerRun,
    files: usize,
    problems: &[String],
) {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# drydock vs hadolint {} and Trivy {} on Dockerfiles\n",
        hl.version, tv.version
    );
    let _ = writeln!(
        md,
        "Generated by `cargo test --test drydock dockerfile_peers` from \
         `../shared/peers/{CORPUS}` ({files} official-image Dockerfiles). A peer finding \
         agrees when drydock has a finding of the mapped rule in the same file, inside \
         the same instruction (anywhere in the file when the peer gives no line). \
         Rule rows compare the files both tools read.\n"
    );
    let _ = writeln!(md, "| {} |", HEADER.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(HEADER.len()));
    for row in rows(results) {
        let cells: Vec<String> = row.iter().map(|c| support::md_cell(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }

    let _ = writeln!(md, "\n## Scope notes\n");
    for r in results {
        if !r.mapping.note.is_empty() {
            let _ = writeln!(
                md,
                "- `{}`: {}",
                r.mapping.key,
                support::md_cell(r.mapping.note)
            );
        }
    }

    let _ = writeln!(md, "\n## Listed disagreements\n");
    let groups = listed_groups(results);
    if groups.is_empty() {
        let _ = writeln!(md, "None.");
    }
    for g in groups {
        let a = g.first();
        let _ = writeln!(
            md,
            "- `{}`{} ({} × {}): {}",
            a.mapping,
            support::md_cell(&g.label()),
            g.items.len(),
            side_label(a.side),
            support::md_cell(a.reason)
        );
        if let Some(w) = a.witness {
            let _ = writeln!(md, "  (checked on each: {})", support::md_cell(w.claim));
        }
        for item in &g.items {
            let _ = writeln!(md, "  - {}", support::md_cell(item));
        }
    }

    let _ = writeln!(md, "\n## drydock rules for Dockerfiles no peer has\n");
    for (id, why) in DRYDOCK_ONLY {
        let n = dd.findings.iter().filter(|f| f.rule == *id).count();
        let here = if rules.get(*id) == Some(&true) {
            format!("{n} findings here")
        } else {
            "not yet".to_owned()
        };
        let _ = writeln!(md, "- `{id}` ({here}): {}", support::md_cell(why));
    }
    let _ = writeln!(md, "\n## Peer security checks drydock does not map\n");
    for (checks, why) in NOT_MAPPED {
        let n = hl
            .findings
            .iter()
            .chain(&tv.findings)
            .filter(|f| checks.split(", ").any(|c| c == f.check))
            .count();
        let _ = writeln!(
            md,
            "- {checks} ({n} findings here): {}",
            support::md_cell(why)
        );
    }

    if !problems.is_empty() {
        let _ = writeln!(md, "\n## Problems (test failing)\n");
        for p in problems {
            let _ = writeln!(md, "- {}", support::md_cell(p));
        }
    }
    support::write_report(REPORT_FILE, &md);
}

#[test]
fn gpg_witness_tells_fingerprints_from_secrets() {
    assert!(is_gpg_fingerprint_env(
        "ENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305"
    ));
    assert!(is_gpg_fingerprint_env(
        "ENV RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA"
    ));
    assert!(!is_gpg_fingerprint_env("ENV API_KEY=sk_live_abcdef"));
    assert!(!is_gpg_fingerprint_env("ENV GPG_KEY 7169605F62C751356D05"));
    assert!(!is_gpg_fingerprint_env("ARG GPG_KEY"));
}
