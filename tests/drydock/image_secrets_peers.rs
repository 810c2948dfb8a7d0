//! Conformance of `secret-in-image-file` with Trivy 0.76's secret scanner
//! (`trivy image --input … --scanners secret`) on one generated image,
//! saved twice (`docker save`'s OCI layout, gzip and zstd layers).
//!
//! ```sh
//! while IFS= read -r line; do export "$line"; done < <(scripts/install-dockerfile-peers.sh)
//! cargo test --test drydock image_secrets_peers -- --nocapture
//! ```
//!
//! Without `DRYDOCK_TRIVY` (the binary `scripts/install-dockerfile-peers.sh`
//! prints) the test prints a notice and passes, unless
//! `DRYDOCK_REQUIRE_DOCKERFILE_PEERS=1` (set by `.ci/run`).
//!
//! How it compares:
//! - [`plan()`] (`plan.rs`) lays out the image: six layers holding each
//!   kind of credential both tools look for, in every situation a layer
//!   can leave one in (deleted by a whiteout, hidden by an opaque
//!   directory, replaced by a clean file or by another secret, past 10 MiB
//!   of a log, before and after NUL bytes, in packages' test fixtures, in
//!   documented examples, under paths Trivy's allow rules skip), plus
//!   kinds only one of them has. Every credential is made up at run time
//!   (`support::secrets`).
//! - drydock (`drydock image --input X --format json`) and Trivy (`trivy
//!   image --input X --scanners secret`, offline, a cache in a temporary
//!   folder, an empty environment) run on both archives at the same time.
//! - Each finding becomes (layer, path, line, kind): drydock's kind is read
//!   from its message, Trivy's `RuleID` goes through [`KINDS`] (and the
//!   two counterparts of [`ALSO`]); Trivy's layer is its `DiffID`. Where
//!   the two tools point at different lines of one secret, [`LINE_RULES`]
//!   moves Trivy's line to drydock's, each by a rule read off the file,
//!   never by ignoring the line.
//! - A Trivy finding agrees when drydock has a finding of the same kind at
//!   the same layer, path and line; every other finding, on either side,
//!   is a disagreement and must be covered by an entry of [`ALLOWED`],
//!   with its reason. An entry says how many disagreements it covers and
//!   that count must be exact, so the list stays honest both ways.
//! - Every kind both tools look for in the same files must agree at least
//!   once, and each tool must report the same on the zstd archive as on
//!   the gzip one.
//!
//! Trivy 0.76 has no size limit for secrets: over 10 MiB it warns (`The
//! size of the scanned file is too large`) and scans the file all the same
//! (so the secret past 10 MiB of the log agrees; it read a 286 MB file
//! whole when tried). It does read zstd layers, and the files a later
//! layer deleted.
//!
//! A table is printed to stderr and written in Markdown to
//! `target/image-secrets-peers.md`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::image::Compression;
use crate::support::peers::{self, REQUIRE, Side, TRIVY_VAR, output_of, str_of, u32_of};
use crate::support::{self, drydock};

mod plan;

use plan::{Files, Step, image, plan};

const REPORT_FILE: &str = "image-secrets-peers.md";
const RULE: &str = "secret-in-image-file";

// ---------------------------------------------------------------------------
// Kinds

/// One kind of credential: drydock's kind (its id, and how its messages
/// start) and the Trivy rules that find the same kind.
struct Kind {
    id: &'static str,
    /// `SecretKind::describe()` of each drydock kind of this row.
    drydock: &'static [&'static str],
    trivy: &'static [&'static str],
    /// Both tools look for this kind in the same files, so they must agree
    /// at least once here.
    shared: bool,
}

const fn shared(
    id: &'static str,
    drydock: &'static [&'static str],
    trivy: &'static [&'static str],
) -> Kind {
    Kind {
        id,
        drydock,
        trivy,
        shared: true,
    }
}

const fn drydock_only(id: &'static str, describe: &'static [&'static str]) -> Kind {
    Kind {
        id,
        drydock: describe,
        trivy: &[],
        shared: false,
    }
}

/// Trivy rule ↔ drydock kind. Trivy 0.76 has no rule for Docker Hub or
/// Anthropic tokens, nor for the credential files drydock reads by their
/// path; its `dockerconfig-secret` reads Kubernetes `.dockerconfigjson`
/// values, not Docker's `config.json`.
const KINDS: &[Kind] = &[
    shared(
        "private-key",
        &[
            "RSA private key",
            "EC private key",
            "DSA private key",
            "OpenSSH private key",
            "PKCS #8 private key",
            "PuTTY private key",
        ],
        &["private-key"],
    ),
    shared(
        "aws-access-key",
        &["AWS access key"],
        &["aws-access-key-id", "aws-secret-access-key"],
    ),
    shared(
        "gcp-service-account",
        &["Google Cloud service account key"],
        &["gcp-service-account"],
    ),
    shared(
        "azure-storage-key",
        &["Azure storage account key"],
        &["azure-storage-account-key"],
    ),
    shared(
        "azure-client-secret",
        &["Azure AD (Entra ID) client secret"],
        &["azure-entra-client-secret"],
    ),
    shared(
        "github-token",
        &["GitHub token"],
        &[
            "github-pat",
            "github-oauth",
            "github-app-token",
            "github-refresh-token",
            "github-fine-grained-pat",
        ],
    ),
    shared(
        "gitlab-token",
        &["GitLab personal access token"],
        &["gitlab-pat"],
    ),
    shared("slack-token", &["Slack token"], &["slack-access-token"]),
    shared(
        "slack-webhook",
        &["Slack incoming webhook URL"],
        &["slack-web-hook"],
    ),
    shared(
        "stripe-key",
        &["Stripe live secret key"],
        &["stripe-secret-token"],
    ),
    shared("npm-token", &["npm access token"], &["npm-access-token"]),
    shared("pypi-token", &["PyPI API token"], &["pypi-upload-token"]),
    shared(
        "sendgrid-key",
        &["SendGrid API key"],
        &["sendgrid-api-token"],
    ),
    shared("twilio-key", &["Twilio API key"], &["twilio-api-key"]),
    shared(
        "openai-key",
        &["OpenAI API key"],
        &[
            "openai-legacy-api-key",
            "openai-project-api-key",
            "openai-service-account-key",
            "openai-service-api-key",
            "openai-admin-api-key",
        ],
    ),
    shared("jwt", &["JSON Web Token"], &["jwt-token"]),
    Kind {
        id: "docker-config-auth",
        drydock: &["registry credential in a Docker config"],
        trivy: &["dockerconfig-secret"],
        shared: false,
    },
    drydock_only("docker-hub-token", &["Docker Hub personal access token"]),
    drydock_only("anthropic-key", &["Anthropic API key"]),
    drydock_only("git-credentials", &["password in git credentials"]),
    drydock_only("netrc", &["password in a .netrc"]),
    drydock_only("pgpass", &["password in a PostgreSQL .pgpass"]),
    drydock_only("kubeconfig-credential", &["credential in a kubeconfig"]),
    drydock_only(
        "aws-credentials-file",
        &["secret in an AWS credentials file"],
    ),
    drydock_only("dotenv-credential", &["credential in a .env file"]),
];

/// A Trivy rule whose finding also agrees with a drydock finding of
/// another kind at the same place, and why drydock names it so.
const ALSO: &[(&str, &str, &str)] = &[
    (
        "private-key",
        "gcp-service-account",
        "the key inside a service-account file: drydock reports it once, as the account",
    ),
    (
        "jwt-token",
        "kubeconfig-credential",
        "a kubeconfig user's token: drydock names it by the file that holds it",
    ),
];

/// Where Trivy puts the line of a secret drydock reports elsewhere, and
/// the rule that moves Trivy's line to drydock's (see [`compared_line`]).
const LINE_RULES: &[(&str, &str)] = &[
    (
        "private-key",
        "Trivy's `StartLine` is where the key's body starts (its secret group: the line \
         after the `BEGIN … PRIVATE KEY` line, or that line itself when the newlines are \
         escaped), drydock's line is the `BEGIN` line: Trivy's line is moved to the \
         `BEGIN … PRIVATE KEY` line at or at most four lines above it",
    ),
    (
        "gcp-service-account",
        "Trivy matches `\"type\": \"service_account\"`, drydock reports the `\"private_key\"` \
         field holding the key: Trivy's line is moved to the first `\"private_key\"` line \
         below it in the same JSON object (before a line starting with `}`)",
    ),
    (
        "aws-secret-access-key",
        "Trivy reports the key id and the secret access key apart, drydock reports the \
         pair once, at the id: Trivy's secret is moved to the line of the nearest access \
         key id (`AKIA`/`ASIA` and 16 base32 characters) within 5 lines, drydock's own \
         pairing distance",
    ),
];

fn kind_of_rule(rule: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.trivy.contains(&rule))
}

fn kind_of_message(message: &str) -> Option<&'static Kind> {
    KINDS
        .iter()
        .find(|k| k.drydock.iter().any(|d| message.starts_with(d)))
}

// ---------------------------------------------------------------------------
// Listed disagreements

fn side_label(side: Side) -> &'static str {
    match side {
        Side::PeerOnly => "Trivy only",
        Side::DrydockOnly => "drydock only",
    }
}

/// Disagreements kept on purpose: each covers those of its kind and side
/// in `path` (at `line`, when given); exactly `count` of them.
struct Allowed {
    kind: &'static str,
    side: Side,
    path: &'static str,
    line: Option<u32>,
    count: usize,
    reason: &'static str,
}

const fn allowed(
    kind: &'static str,
    side: Side,
    path: &'static str,
    reason: &'static str,
) -> Allowed {
    Allowed {
        kind,
        side,
        path,
        line: None,
        count: 1,
        reason,
    }
}

const NO_TRIVY_RULE: &str = "Trivy 0.76 has no rule for this kind: no Docker Hub or Anthropic \
     token shape, and none of the credential files drydock reads by their path (`.env`, \
     `.netrc`, `.pgpass`, `.git-credentials`, kubeconfigs, `.docker/config.json`)";

const TRIVY_ALLOW_RULES: &str = "Trivy's built-in allow rules skip the whole file by its path \
     (`tests`: any `/test`, `-test`, `_test`, `.test`; `examples`: any `example`; `markdown`: \
     `*.md`; `python`: all of `usr/local/lib/pythonX.Y/`, where pip installs applications \
     too; and every `node_modules`); drydock leaves out only packages' own tests, fixtures \
     and docs, so an application's credential there is still reported";

const ALLOWED: &[Allowed] = &[
    // drydock only
    allowed(
        "anthropic-key",
        Side::DrydockOnly,
        "/app/config.py",
        NO_TRIVY_RULE,
    ),
    allowed(
        "docker-hub-token",
        Side::DrydockOnly,
        "/app/deploy.sh",
        NO_TRIVY_RULE,
    ),
    allowed(
        "dotenv-credential",
        Side::DrydockOnly,
        "/app/.env",
        NO_TRIVY_RULE,
    ),
    allowed("netrc", Side::DrydockOnly, "/root/.netrc", NO_TRIVY_RULE),
    allowed("pgpass", Side::DrydockOnly, "/root/.pgpass", NO_TRIVY_RULE),
    allowed(
        "docker-config-auth",
        Side::DrydockOnly,
        "/root/.docker/config.json",
        NO_TRIVY_RULE,
    ),
    allowed(
        "github-token",
        Side::DrydockOnly,
        "/app/tests/conftest.py",
        TRIVY_ALLOW_RULES,
    ),
    allowed(
        "gitlab-token",
        Side::DrydockOnly,
        "/app/examples/deploy.sh",
        TRIVY_ALLOW_RULES,
    ),
    allowed(
        "github-token",
        Side::DrydockOnly,
        "/app/README.md",
        TRIVY_ALLOW_RULES,
    ),
    allowed(
        "stripe-key",
        Side::DrydockOnly,
        "/usr/local/lib/python3.12/site-packages/billing/settings.py",
        TRIVY_ALLOW_RULES,
    ),
    allowed(
        "github-token",
        Side::DrydockOnly,
        "/app/node_modules/acme-client/lib/config.js",
        TRIVY_ALLOW_RULES,
    ),
    allowed(
        "npm-token",
        Side::DrydockOnly,
        "/app/.npmrc",
        "Trivy's `npm-access-token` wants the token in quotes; `.npmrc` writes \
         `_authToken=npm_…` bare",
    ),
    allowed(
        "private-key",
        Side::DrydockOnly,
        "/app/certs/legacy.key",
        "a key encrypted the legacy OpenSSL way (`Proc-Type: 4,ENCRYPTED`): Trivy's body \
         pattern has no `:`, `,` or `-`, so the PEM headers end its match; drydock reports \
         it as low (encrypted)",
    ),
    allowed(
        "github-token",
        Side::DrydockOnly,
        "/app/tool.sh",
        "a script with NUL bytes after it: Trivy takes a file with any control byte in its \
         first 300 bytes for binary and skips it; drydock reads the text before a NUL in \
         the first 8 KiB",
    ),
    allowed(
        "github-token",
        Side::DrydockOnly,
        "/app/ci/token.txt",
        "a file replaced by a later layer's file that holds a secret too: Trivy keeps one \
         result a path, the upper layer's, and drops the lower one's; drydock reports both \
         (the lower one as replaced)",
    ),
    allowed(
        "aws-access-key",
        Side::DrydockOnly,
        "/app/logs/s3.log",
        "an access key id in a presigned URL (`AWSAccessKeyId=AKIA…&`): drydock reports an \
         id without its secret as low; Trivy's id rule wants a space or the line's end after \
         it",
    ),
    // Trivy only
    allowed(
        "private-key",
        Side::PeerOnly,
        "/opt/venv/lib/python3.12/site-packages/tlslib/fixtures/server.key",
        "a package's own test fixture (`site-packages/*/fixtures/`): public in the \
         package's sources, so drydock counts it in the warnings, not as a finding",
    ),
    allowed(
        "private-key",
        Side::PeerOnly,
        "/app/certs/signing.asc",
        "an OpenPGP private key block: drydock does not look for PGP keys (module docs, \
         \"Not covered\")",
    ),
    Allowed {
        line: Some(7),
        ..allowed(
            "stripe-key",
            Side::PeerOnly,
            "/app/config.py",
            "a Stripe test-mode key (`sk_test_`): it reaches no money, drydock looks for \
             live keys only",
        )
    },
    Allowed {
        line: Some(10),
        ..allowed(
            "jwt",
            Side::PeerOnly,
            "/app/config.py",
            "an unsigned JWT (`\"alg\": \"none\"`): anyone can make one, it proves nothing",
        )
    },
    allowed(
        "jwt",
        Side::PeerOnly,
        "/app/docs/setup.txt",
        "jwt.io's documented sample token (`John Doe`, subject `1234567890`): drydock \
         skips it as it skips AWS's `…EXAMPLE` keys, which Trivy skips too",
    ),
    allowed(
        "aws-access-key",
        Side::PeerOnly,
        "/app/caller-identity.json",
        "an IAM user's unique id (`AIDA…`, from `aws sts get-caller-identity`): it names \
         the user and signs nothing; Trivy's `aws-access-key-id` takes the `AIDA`, `AROA`, \
         `AGPA`… id prefixes for keys",
    ),
    Allowed {
        line: Some(2),
        ..allowed(
            "github-token",
            Side::PeerOnly,
            "/app/scripts/mirror.sh",
            "a second token of the same kind in one file: drydock's rule reports each kind \
             once a file (the first, highest tier)",
        )
    },
    allowed(
        "gitlab-token",
        Side::PeerOnly,
        "/app/bundle.run",
        "a token after NUL bytes in the first 8 KiB (a self-extracting archive's payload): \
         drydock reads such a file only up to the NUL; Trivy looks at the first 300 bytes \
         only and reads the rest as text",
    ),
    allowed(
        "docker-config-auth",
        Side::PeerOnly,
        "/app/k8s/regcred.yaml",
        "a Kubernetes `dockerconfigjson` Secret in a manifest: drydock does not decode \
         base64 Secret data in image files (its Kubernetes rules read manifests, not \
         images)",
    ),
];

// ---------------------------------------------------------------------------
// The test

#[test]
fn secrets_in_image_layers_agree_with_trivy() {
    let Some(trivy) = peers::binary(TRIVY_VAR) else {
        support::skip(
            REQUIRE,
            &format!("{TRIVY_VAR} not set (run scripts/install-dockerfile-peers.sh)"),
        );
        return;
    };
    let started = Instant::now();
    let scratch = tempfile::tempdir().unwrap();
    let plan = plan();
    let files = Files::new(&plan);
    let archives: Vec<(&str, std::path::PathBuf, Vec<String>)> =
        [("gzip", Compression::Gzip), ("zstd", Compression::Zstd)]
            .into_iter()
            .map(|(name, c)| {
                let path = scratch.path().join(format!("image-{name}.tar"));
                let built = image(&plan, c).write_docker_oci(&path);
                let diff_ids = built.layers.iter().map(|l| l.diff_id.clone()).collect();
                (name, path, diff_ids)
            })
            .collect();
    let generated = started.elapsed();
    let version = peers::trivy_version(&trivy, scratch.path());

    let runs: Vec<(Run, Run)> = std::thread::scope(|s| {
        let handles: Vec<_> = archives
            .iter()
            .map(|(name, path, diff_ids)| {
                let home = scratch.path().join(format!("trivy-{name}"));
                std::fs::create_dir_all(&home).unwrap();
                let trivy = &trivy;
                let files = &files;
                (
                    s.spawn(move || run_drydock(path)),
                    s.spawn(move || run_trivy(trivy, path, &home, diff_ids, files)),
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|(d, t)| (d.join().unwrap(), t.join().unwrap()))
            .collect()
    });

    let mut problems = Vec::new();
    for (name, run) in [
        ("drydock (gzip)", &runs[0].0),
        ("Trivy (gzip)", &runs[0].1),
        ("drydock (zstd)", &runs[1].0),
        ("Trivy (zstd)", &runs[1].1),
    ] {
        problems.extend(run.problems.iter().map(|p| format!("{name}: {p}")));
    }
    for (tool, gzip, zstd) in [
        ("drydock", &runs[0].0, &runs[1].0),
        ("Trivy", &runs[0].1, &runs[1].1),
    ] {
        if gzip.keys() != zstd.keys() {
            problems.push(format!(
                "{tool} reports differently on the zstd archive than on the gzip one:\n    \
                 gzip only: {:?}\n    zstd only: {:?}",
                gzip.keys().difference(&zstd.keys()).collect::<Vec<_>>(),
                zstd.keys().difference(&gzip.keys()).collect::<Vec<_>>()
            ));
        }
    }

    let (dd, tv) = &runs[0];
    let mut results = compare(tv, dd);
    judge(&mut results, &mut problems);
    for r in &results {
        if r.kind.is_some_and(|k| k.shared) && r.agreements.is_empty() {
            problems.push(format!(
                "`{}`: no finding agrees, yet both tools look for it in the image",
                r.id
            ));
        }
    }

    let took = started.elapsed();
    let times = Times {
        generated,
        drydock: runs.iter().map(|r| r.0.took).collect(),
        trivy: runs.iter().map(|r| r.1.took).collect(),
        total: took,
    };
    eprintln!(
        "\ndrydock vs Trivy {version}: secrets in the layers of one generated image \
         ({} layers, {} files)\n\n{}",
        plan.len(),
        plan.iter().map(|s| s.files.len()).sum::<usize>(),
        support::text_table(&HEADER, &rows(&results))
    );
    eprintln!("{}", listed_text(&results));
    eprintln!("{}", times.line());
    write_markdown(&plan, &results, dd, tv, &version, &times, &problems);

    assert!(
        problems.is_empty(),
        "{} conformance problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// Running the two tools

/// One finding, normalised: where, what kind, and what the tool said.
#[derive(Clone, Debug)]
struct Found {
    layer: usize,
    path: String,
    /// The line compared (Trivy's moved by [`LINE_RULES`]).
    line: u32,
    /// The line the tool printed.
    printed: u32,
    /// A [`Kind`] id, or `trivy:<rule>` for a Trivy rule no kind has.
    kind: String,
    /// Trivy's rule id, or drydock's severity and message.
    what: String,
}

struct Run {
    findings: Vec<Found>,
    took: Duration,
    problems: Vec<String>,
    /// What else the tool said that the report shows (Trivy's size
    /// warnings, drydock's fixture warnings).
    notes: Vec<String>,
}

impl Run {
    /// What the zstd and gzip archives must both give.
    fn keys(&self) -> BTreeSet<(usize, String, u32, String, String)> {
        self.findings
            .iter()
            .map(|f| {
                (
                    f.layer,
                    f.path.clone(),
                    f.line,
                    f.kind.clone(),
                    f.what.clone(),
                )
            })
            .collect()
    }
}

fn run_drydock(input: &Path) -> Run {
    let started = Instant::now();
    let out = drydock()
        .image_inputs(&[input])
        .args(["--format", "json"])
        .timeout(Duration::from_secs(300))
        .run();
    let took = started.elapsed();
    let mut run = Run {
        findings: Vec::new(),
        took,
        problems: Vec::new(),
        notes: Vec::new(),
    };
    if out.code() != Some(1) {
        run.problems
            .push(format!("exit {:?} (want 1): {}", out.code(), out.stderr));
    }
    let json = out.json();
    for f in json["findings"].as_array().into_iter().flatten() {
        if f["rule"] != RULE {
            continue;
        }
        let message = str_of(&f["message"]);
        let location = &f["location"];
        let Some(kind) = kind_of_message(&message) else {
            run.problems
                .push(format!("a finding of no known kind: {message}"));
            continue;
        };
        let line = u32_of(&location["line"]).unwrap_or(0);
        run.findings.push(Found {
            layer: location["layer"]["index"].as_u64().unwrap_or(u64::MAX) as usize,
            path: str_of(&location["path"]),
            line,
            printed: line,
            kind: kind.id.to_owned(),
            what: format!("{}: {}", str_of(&f["severity"]), message),
        });
    }
    run.notes = json["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(str_of)
        .filter(|w| w.contains("fixtures"))
        .collect();
    run
}

fn run_trivy(bin: &Path, input: &Path, home: &Path, diff_ids: &[String], files: &Files) -> Run {
    let started = Instant::now();
    let (stdout, stderr) = output_of(
        peers::command(bin, home)
            .current_dir(home)
            .arg("image")
            .arg("--input")
            .arg(input)
            .arg("--cache-dir")
            .arg(home.join("cache"))
            .args([
                "--scanners",
                "secret",
                "--skip-db-update",
                "--skip-check-update",
                "--skip-version-check",
                "--disable-telemetry",
                "--offline-scan",
                "--format",
                "json",
            ]),
        "trivy image --scanners secret",
    );
    let took = started.elapsed();
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("trivy printed no JSON report: {e}\n{stderr}"));
    let mut run = Run {
        findings: Vec::new(),
        took,
        problems: Vec::new(),
        notes: Vec::new(),
    };
    for result in json["Results"].as_array().into_iter().flatten() {
        let path = str_of(&result["Target"]);
        for s in result["Secrets"].as_array().into_iter().flatten() {
            let rule = str_of(&s["RuleID"]);
            let diff_id = str_of(&s["Layer"]["DiffID"]);
            let Some(layer) = diff_ids.iter().position(|d| *d == diff_id) else {
                run.problems.push(format!(
                    "{path}: {rule} in no layer of the image ({diff_id})"
                ));
                continue;
            };
            let printed = u32_of(&s["StartLine"]).unwrap_or(0);
            let kind =
                kind_of_rule(&rule).map_or_else(|| format!("trivy:{rule}"), |k| k.id.to_owned());
            run.findings.push(Found {
                layer,
                line: compared_line(&rule, printed, files.lines(layer, &path)),
                path: path.clone(),
                printed,
                kind,
                what: rule,
            });
        }
    }
    // `WARN [secret] The size of the scanned file is too large. … file_path="…" size (MB)=10`
    run.notes = stderr
        .lines()
        .filter(|l| l.contains("size of the scanned file is too large"))
        .map(|l| {
            let at = l.find("file_path=").unwrap_or(0);
            format!(
                "warns that a file is too large ({}) and scans it all the same",
                &l[at..]
            )
        })
        .collect();
    run
}

/// Trivy's `line` for a finding of `rule`, moved to where drydock reports
/// the same secret ([`LINE_RULES`]); `lines` is the file's text.
fn compared_line(rule: &str, line: u32, lines: &[String]) -> u32 {
    let at = |n: u32| lines.get(n as usize - 1).map_or("", String::as_str);
    let n = lines.len() as u32;
    if line == 0 || line > n {
        return line;
    }
    let found = match rule {
        "private-key" => (line.saturating_sub(4).max(1)..=line)
            .rev()
            .find(|&l| at(l).contains("BEGIN ") && at(l).contains("PRIVATE KEY")),
        "gcp-service-account" => (line..=n)
            .take_while(|&l| l == line || !at(l).trim_start().starts_with('}'))
            .find(|&l| at(l).contains("\"private_key\"")),
        "aws-secret-access-key" => (0..=5)
            .flat_map(|d| [line.checked_sub(d), line.checked_add(d)])
            .flatten()
            .find(|&l| (1..=n).contains(&l) && has_access_key_id(at(l))),
        _ => None,
    };
    found.unwrap_or(line)
}

/// Whether `text` holds an AWS access key id: `AKIA` or `ASIA` and 16
/// base32 characters.
fn has_access_key_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b))
    })
}

// ---------------------------------------------------------------------------
// Comparing

struct Disagreement {
    side: Side,
    layer: usize,
    path: String,
    line: u32,
    /// Where Trivy printed another line: see [`moved`].
    moved: String,
    what: String,
    allowed: Option<usize>,
}

impl Disagreement {
    fn describe(&self, kind: &str) -> String {
        format!(
            "`{kind}` {}: layer {} {}:{}{}: {}",
            side_label(self.side),
            self.layer,
            self.path,
            self.line,
            self.moved,
            self.what
        )
    }
}

/// The comparison of one kind.
struct KindResult {
    id: String,
    kind: Option<&'static Kind>,
    /// Files (layer and path) where either tool reports this kind.
    files: usize,
    trivy: usize,
    drydock: usize,
    /// The Trivy findings that agree, described.
    agreements: Vec<String>,
    disagreements: Vec<Disagreement>,
}

fn compare(tv: &Run, dd: &Run) -> Vec<KindResult> {
    let mut ids: Vec<String> = KINDS.iter().map(|k| k.id.to_owned()).collect();
    for f in &tv.findings {
        if !ids.contains(&f.kind) {
            ids.push(f.kind.clone());
        }
    }
    let mut results: Vec<KindResult> = ids
        .into_iter()
        .map(|id| KindResult {
            kind: KINDS.iter().find(|k| k.id == id),
            id,
            files: 0,
            trivy: 0,
            drydock: 0,
            agreements: Vec::new(),
            disagreements: Vec::new(),
        })
        .collect();
    let mut used = vec![false; dd.findings.len()];
    for t in &tv.findings {
        let r = results.iter_mut().find(|r| r.id == t.kind).unwrap();
        let counterparts: Vec<&str> = std::iter::once(t.kind.as_str())
            .chain(
                ALSO.iter()
                    .filter(|(rule, ..)| *rule == t.what)
                    .map(|(_, kind, _)| *kind),
            )
            .collect();
        let mut agreed = None;
        for (d, used) in dd.findings.iter().zip(used.iter_mut()) {
            if d.layer == t.layer
                && d.path == t.path
                && d.line == t.line
                && counterparts.contains(&d.kind.as_str())
            {
                *used = true;
                agreed = Some(&d.kind);
            }
        }
        match agreed {
            Some(kind) => r.agreements.push(format!(
                "layer {} {}:{}{}: Trivy `{}`, drydock `{kind}`",
                t.layer,
                t.path,
                t.line,
                moved(t),
                t.what
            )),
            None => r.disagreements.push(disagreement(Side::PeerOnly, t)),
        }
    }
    for (d, used) in dd.findings.iter().zip(used) {
        if !used {
            let r = results.iter_mut().find(|r| r.id == d.kind).unwrap();
            r.disagreements.push(disagreement(Side::DrydockOnly, d));
        }
    }
    for r in &mut results {
        let of_kind = |findings: &[Found]| {
            findings
                .iter()
                .filter(|f| f.kind == r.id)
                .map(|f| (f.layer, f.path.clone()))
                .collect::<Vec<_>>()
        };
        let (trivy, drydock) = (of_kind(&tv.findings), of_kind(&dd.findings));
        r.trivy = trivy.len();
        r.drydock = drydock.len();
        r.files = trivy.iter().chain(&drydock).collect::<BTreeSet<_>>().len();
        r.disagreements
            .sort_by(|a, b| (&a.path, a.line, a.side).cmp(&(&b.path, b.line, b.side)));
    }
    results
}

/// ` (Trivy printed N)` when the line compared is not the one printed.
fn moved(f: &Found) -> String {
    if f.printed == f.line {
        String::new()
    } else {
        format!(" (Trivy printed {})", f.printed)
    }
}

fn disagreement(side: Side, f: &Found) -> Disagreement {
    Disagreement {
        side,
        layer: f.layer,
        path: f.path.clone(),
        line: f.line,
        moved: moved(f),
        what: f.what.clone(),
        allowed: None,
    }
}

/// Every disagreement must be covered by an [`ALLOWED`] entry, and every
/// entry must cover exactly its count.
fn judge(results: &mut [KindResult], problems: &mut Vec<String>) {
    let mut covered = vec![0usize; ALLOWED.len()];
    for r in results.iter_mut() {
        for d in &mut r.disagreements {
            let hit = ALLOWED.iter().position(|a| {
                a.kind == r.id
                    && a.side == d.side
                    && a.path == d.path
                    && a.line.is_none_or(|l| l == d.line)
            });
            match hit {
                Some(i) => {
                    covered[i] += 1;
                    d.allowed = Some(i);
                }
                None => problems.push(format!("unlisted: {}", d.describe(&r.id))),
            }
        }
    }
    for (a, n) in ALLOWED.iter().zip(covered) {
        if n != a.count {
            let at = a.line.map(|l| format!(":{l}")).unwrap_or_default();
            problems.push(format!(
                "ALLOWED `{}` {} {}{at} covers {n} disagreement(s), it says {} ({})",
                a.kind,
                side_label(a.side),
                a.path,
                a.count,
                a.reason
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// Report

const HEADER: [&str; 7] = [
    "drydock kind",
    "Trivy rule",
    "files compared",
    "Trivy findings",
    "drydock findings",
    "agreed",
    "disagreements (listed)",
];

fn rows(results: &[KindResult]) -> Vec<[String; 7]> {
    results
        .iter()
        .map(|r| {
            let trivy = match r.kind {
                Some(k) if k.trivy.is_empty() => "-".to_owned(),
                Some(k) => k.trivy.join(", "),
                None => r.id.trim_start_matches("trivy:").to_owned(),
            };
            let id = if r.kind.is_some() {
                r.id.clone()
            } else {
                "- (no drydock kind)".to_owned()
            };
            let disagreements = peers::disagreements_cell(
                "Trivy",
                r.disagreements
                    .iter()
                    .map(|d| (d.side, d.allowed.is_some())),
            );
            [
                id,
                trivy,
                r.files.to_string(),
                r.trivy.to_string(),
                r.drydock.to_string(),
                r.agreements.len().to_string(),
                disagreements,
            ]
        })
        .collect()
}

/// The listed disagreements grouped by reason, in [`ALLOWED`]'s order.
fn listed_groups(results: &[KindResult]) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (i, a) in ALLOWED.iter().enumerate() {
        let items = results.iter().flat_map(|r| {
            r.disagreements
                .iter()
                .filter(move |d| d.allowed == Some(i))
                .map(|d| d.describe(&r.id))
        });
        match groups.iter_mut().find(|(reason, _)| *reason == a.reason) {
            Some((_, list)) => list.extend(items),
            None => groups.push((a.reason, items.collect())),
        }
    }
    groups.retain(|(_, items)| !items.is_empty());
    groups
}

fn listed_text(results: &[KindResult]) -> String {
    let mut out = String::from("Listed disagreements:\n");
    for (reason, items) in listed_groups(results) {
        let _ = writeln!(out, "  {reason}");
        for item in items {
            let _ = writeln!(out, "      {item}");
        }
    }
    out
}

struct Times {
    generated: Duration,
    drydock: Vec<Duration>,
    trivy: Vec<Duration>,
    total: Duration,
}

impl Times {
    fn line(&self) -> String {
        let secs = |d: &[Duration]| {
            d.iter()
                .map(|d| format!("{:.1} s", d.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        format!(
            "took {:.1} s: generating both archives {:.1} s; drydock {} and Trivy {} \
             (gzip + zstd, run side by side)",
            self.total.as_secs_f64(),
            self.generated.as_secs_f64(),
            secs(&self.drydock),
            secs(&self.trivy)
        )
    }
}

fn write_markdown(
    plan: &[Step],
    results: &[KindResult],
    dd: &Run,
    tv: &Run,
    version: &str,
    times: &Times,
    problems: &[String],
) {
    let cell = support::md_cell;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# drydock vs Trivy {version}: secrets in image layers\n\n\
         Generated by `cargo test --test drydock image_secrets_peers` from one generated \
         image ({} layers, {} files), saved by the test as `docker save` writes it, with \
         gzip and with zstd layers; both tools report the same on both. A Trivy finding \
         agrees when drydock reports the same kind at the same layer, path and line.\n",
        plan.len(),
        plan.iter().map(|s| s.files.len()).sum::<usize>()
    );
    let _ = writeln!(md, "| {} |", HEADER.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(HEADER.len()));
    for row in rows(results) {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }

    let _ = writeln!(
        md,
        "\nA row counts the Trivy findings of its rules as agreed; a Trivy finding that \
         agrees with a drydock finding of another kind (see *Also agreeing*) counts in its \
         own row.\n"
    );
    let _ = writeln!(md, "\n## Lines\n");
    for (rule, how) in LINE_RULES {
        let _ = writeln!(md, "- `{rule}`: {}", cell(how));
    }
    let _ = writeln!(md, "\n## Also agreeing\n");
    for (rule, kind, why) in ALSO {
        let _ = writeln!(md, "- Trivy `{rule}` with drydock `{kind}`: {}", cell(why));
    }

    let _ = writeln!(md, "\n## Listed disagreements\n");
    for (reason, items) in listed_groups(results) {
        let _ = writeln!(md, "- {} ({}):", cell(reason), items.len());
        for item in items {
            let _ = writeln!(md, "  - {}", cell(&item));
        }
    }

    let _ = writeln!(md, "\n## Agreed\n");
    for r in results.iter().filter(|r| !r.agreements.is_empty()) {
        let _ = writeln!(md, "- `{}` ({}):", r.id, r.agreements.len());
        for a in &r.agreements {
            let _ = writeln!(md, "  - {}", cell(a));
        }
    }

    let _ = writeln!(md, "\n## What the tools said besides\n");
    for note in tv
        .notes
        .iter()
        .map(|n| format!("Trivy {n}"))
        .chain(dd.notes.iter().map(|n| format!("drydock: {n}")))
    {
        let _ = writeln!(md, "- {}", cell(&note));
    }

    let _ = writeln!(md, "\n## The image\n");
    let _ = writeln!(
        md,
        "| layer | step | path | what it is |\n|---|---|---|---|"
    );
    for (i, step) in plan.iter().enumerate() {
        let changes = step
            .empties
            .iter()
            .map(|d| (format!("/{d}/"), "emptied (opaque directory)"))
            .chain(
                step.deletes
                    .iter()
                    .map(|p| (format!("/{p}"), "deleted (whiteout)")),
            )
            .chain(step.files.iter().map(|f| (format!("/{}", f.path), f.why)));
        for (path, why) in changes {
            let _ = writeln!(
                md,
                "| {i} | `{}` | `{}` | {} |",
                cell(step.created_by),
                cell(&path),
                cell(why)
            );
        }
    }

    let _ = writeln!(md, "\n{}", times.line());
    if !problems.is_empty() {
        let _ = writeln!(md, "\n## Problems (test failing)\n");
        for p in problems {
            let _ = writeln!(md, "- {}", cell(p));
        }
    }
    support::write_report(REPORT_FILE, &md);
}

#[test]
fn line_rules_move_trivys_line_to_drydocks() {
    use crate::support::secrets::{aws_pair, gcp_service_account, rsa_key};

    let lines = |text: &str| text.split('\n').map(str::to_owned).collect::<Vec<_>>();
    let key = lines(&format!("# key\n{}", rsa_key(1)));
    assert_eq!(compared_line("private-key", 3, &key), 2, "the body's line");
    assert_eq!(
        compared_line("github-pat", 3, &key),
        3,
        "other rules keep it"
    );
    let escaped = lines(&format!("K=\"{}\"", rsa_key(1).replace('\n', "\\n")));
    assert_eq!(compared_line("private-key", 1, &escaped), 1);
    let account = lines(&gcp_service_account(2));
    assert!(account[4].contains("\"private_key\""), "{account:?}");
    assert_eq!(compared_line("gcp-service-account", 2, &account), 5);
    let (id, secret) = aws_pair(3);
    let pair = lines(&format!(
        "[ci]\naws_secret_access_key = {secret}\nregion = x\naws_access_key_id = {id}\n"
    ));
    assert_eq!(compared_line("aws-secret-access-key", 2, &pair), 4);
    let far = lines(&format!("{id}\n\n\n\n\n\nsecret = {secret}\n"));
    assert_eq!(
        compared_line("aws-secret-access-key", 7, &far),
        7,
        "too far"
    );
}
