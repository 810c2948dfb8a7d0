//! Reports for other CI systems and tools, and several reports from one
//! run: JUnit XML validated against the schema Jenkins publishes (with
//! xmllint), `--report FORMAT=PATH`, shell completions and the manual
//! page generated from the command-line definitions.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{demo_scan, drydock, skip};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo")
}

/// The demo's run with extra arguments.
fn demo_run(extra: &[&str]) -> crate::support::run::Run {
    demo_scan().args(extra).run()
}

/// xmllint and the JUnit schema, or a skip (a failure with
/// `DRYDOCK_REQUIRE_SCHEMAS=1`).
fn junit_schema() -> Option<PathBuf> {
    let Some(schema) = std::env::var_os("DRYDOCK_JUNIT_XSD").map(PathBuf::from) else {
        skip(
            "DRYDOCK_REQUIRE_SCHEMAS",
            "DRYDOCK_JUNIT_XSD is not set (export DRYDOCK_JUNIT_XSD=\"$(scripts/install-junit-schema.sh)\")",
        );
        return None;
    };
    if Command::new("xmllint").arg("--version").output().is_err() {
        skip(
            "DRYDOCK_REQUIRE_SCHEMAS",
            "xmllint is not installed (Debian's libxml2-utils)",
        );
        return None;
    }
    Some(schema)
}

fn xmllint(schema: &Path, document: &Path) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(document)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} is not valid JUnit XML:\n{}",
        document.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_xml_is_valid_and_fails_the_cases_at_or_above_the_gate() {
    let Some(schema) = junit_schema() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("demo.xml");
    let run = demo_run(&["--format", "junit", "--output", report.to_str().unwrap()]);
    assert_eq!(run.code(), Some(1), "{}", run.all());
    xmllint(&schema, &report);
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree_like::parse(&xml);
    // The remote-shell-toolkit case of compose.yaml fails; the low
    // setuid-file case of the image passes with its finding as output.
    let rst = doc.case("compose.yaml", "remote-shell-toolkit");
    assert!(rst.contains("<failure type=\"critical\""), "{rst}");
    let setuid = doc.case("drydock-demo/toolbox:1.0", "setuid-file");
    assert!(!setuid.contains("<failure"), "{setuid}");
    assert!(setuid.contains("<system-out>"), "{setuid}");
    // Totals: the failures are the cases with a finding at or above high.
    let json = demo_run(&["--format", "json"]).json();
    let mut failing_cases = std::collections::BTreeSet::new();
    for f in json["findings"].as_array().unwrap() {
        let severity = f["severity"].as_str().unwrap();
        if ["critical", "high"].contains(&severity) {
            let input = match f["location"]["kind"].as_str().unwrap() {
                "config" => f["location"]["path"].as_str().unwrap().to_string(),
                _ => f["location"]["image"].as_str().unwrap().to_string(),
            };
            failing_cases.insert((input, f["rule"].as_str().unwrap().to_string()));
        }
    }
    assert!(
        xml.contains(&format!(
            "failures=\"{}\" errors=\"0\">",
            failing_cases.len()
        )),
        "{}",
        xml.lines().nth(1).unwrap()
    );

    // An input that cannot be read is an error case, and still valid.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("compose.yaml"),
        "services:\n  a:\n    image: x\n    image: y\n  \u{1}weird: {image: \"<&>\"}\n",
    )
    .unwrap();
    let report = dir.path().join("broken.xml");
    let run = drydock()
        .arg("scan")
        .arg(&broken)
        .args(["--images", "none", "--format", "junit", "--output"])
        .arg(&report)
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.all());
    xmllint(&schema, &report);
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(xml.contains("<error type=\"input\""), "{xml}");
}

/// Just enough of an XML reader for the assertions above: the text of
/// one `testcase` element by its suite and name.
mod roxmltree_like {
    pub struct Doc<'a>(&'a str);

    pub fn parse(xml: &str) -> Doc<'_> {
        Doc(xml)
    }

    impl Doc<'_> {
        pub fn case(&self, suite: &str, name: &str) -> String {
            let suite_at = self
                .0
                .find(&format!("<testsuite name=\"{suite}\""))
                .unwrap_or_else(|| panic!("no suite {suite}"));
            let rest = &self.0[suite_at..];
            let end = rest.find("</testsuite>").unwrap();
            let rest = &rest[..end];
            let case_at = rest
                .find(&format!("<testcase name=\"{name}\""))
                .unwrap_or_else(|| panic!("no case {name} in {suite}"));
            let case = &rest[case_at..];
            case[..case.find("</testcase>").unwrap()].to_string()
        }
    }
}

#[test]
fn one_run_writes_several_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let report = |format: &str, name: &str| format!("--report={format}={}", path(name).display());
    let run = demo_run(&[
        "--format",
        "json",
        &report("sarif", "r.sarif"),
        &report("html", "r.html"),
        &report("junit", "r.xml"),
        &report("human", "r.txt"),
    ]);
    assert_eq!(run.code(), Some(1), "{}", run.all());
    let json = run.json();
    let findings = json["findings"].as_array().unwrap().len();
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("r.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings
    );
    let html = std::fs::read_to_string(path("r.html")).unwrap();
    assert_eq!(html.matches("<article class=\"finding ").count(), findings);
    let xml = std::fs::read_to_string(path("r.xml")).unwrap();
    assert!(xml.starts_with("<?xml"));
    let text = std::fs::read_to_string(path("r.txt")).unwrap();
    assert!(
        text.contains(&format!("drydock: {findings} finding(s)")),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour in a file");

    // A report that cannot be written fails the run (exit 2) and says
    // which; the others are still written.
    let run = demo_run(&[
        "--format",
        "json",
        &format!(
            "--report=html={}",
            dir.path().join("no/such/dir/r.html").display()
        ),
        &report("sarif", "again.sarif"),
    ]);
    assert_eq!(run.code(), Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("r.html: cannot write the report"),
        "{}",
        run.stderr
    );
    assert!(path("again.sarif").is_file());

    for bad in ["--report=pdf=x.pdf", "--report=sarif", "--report=sarif="] {
        let run = demo_run(&[bad]);
        assert_eq!(run.code(), Some(2), "{bad}: {}", run.all());
        assert!(run.stderr.contains("--report"), "{bad}: {}", run.stderr);
    }
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = drydock().args(["completions", shell]).run();
        assert!(run.success(), "{shell}: {}", run.all());
        for word in ["scan", "dockerfile", "fail-on", "report"] {
            assert!(
                run.stdout.contains(word),
                "{shell} completion lacks `{word}`"
            );
        }
        if shell == "bash" {
            let dir = tempfile::tempdir().unwrap();
            let script = dir.path().join("drydock.bash");
            std::fs::write(&script, &run.stdout).unwrap();
            let checked = Command::new("bash")
                .arg("-n")
                .arg(&script)
                .output()
                .unwrap();
            assert!(
                checked.status.success(),
                "bash -n: {}",
                String::from_utf8_lossy(&checked.stderr)
            );
        }
    }
    let man = drydock().arg("man").run();
    assert!(man.success(), "{}", man.all());
    assert!(man.stdout.starts_with(".ie") || man.stdout.starts_with(".TH"));
    assert!(man.stdout.contains(".TH drydock 1"));
    for heading in [
        "DRYDOCK SCAN",
        "DRYDOCK K8S",
        "DRYDOCK IMAGE",
        "DRYDOCK COMPLETIONS",
    ] {
        assert!(man.stdout.contains(heading), "no `{heading}` section");
    }
    assert!(man.stdout.contains("fail\\-on"), "options are in the page");
}

#[test]
fn quiet_color_and_a_closed_pipe_behave_as_in_other_tools() {
    // --quiet: the summary line alone on a failed gate, nothing on a pass.
    let run = demo_run(&["--quiet"]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("drydock: 28 finding(s)"),
        "{}",
        run.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
    )
    .unwrap();
    let run = drydock()
        .arg("scan")
        .arg(dir.path())
        .args(["--images", "none", "--fail-on", "critical", "-q"])
        .run();
    assert_eq!(run.code(), Some(0), "{}", run.all());
    assert_eq!(run.stdout, "");
    // An input that cannot be read is still named, with its line.
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: a\n    image: b\n",
    )
    .unwrap();
    let run = drydock()
        .arg("scan")
        .arg(dir.path())
        .args(["--images", "none", "-q"])
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.all());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("error: compose.yaml:4:5:"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("ERROR (1 input error(s))"),
        "{}",
        lines[1]
    );
    // With a file, no summary on standard error either.
    let out = dir.path().join("r.json");
    let run = demo_run(&[
        "--quiet",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stderr, "", "quiet");

    // --color: forced on and off, whatever the output is.
    let always = demo_run(&["--color", "always"]);
    assert!(always.stdout.contains("\u{1b}["), "colour when asked");
    let never = demo_run(&["--color", "never"]).stdout;
    assert!(!never.contains('\u{1b}'));
    let auto = demo_run(&[]).stdout;
    assert!(!auto.contains('\u{1b}'), "no colour into a pipe");

    // A reader that stops early (`| head`) is not an error: the exit code
    // is the gate's, and nothing is said on standard error. (The page is
    // larger than a pipe's buffer, so drydock does write into the closed
    // pipe.)
    let drydock_bin = env!("CARGO_BIN_EXE_drydock");
    let shell = Command::new("bash")
        .arg("-c")
        .arg(
            "\"$0\" scan \"$1\" --images \"$1/images\" --format html | head -c 10 > /dev/null; \
             echo \"${PIPESTATUS[0]}\"",
        )
        .arg(drydock_bin)
        .arg(demo())
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&shell.stdout);
    let stderr = String::from_utf8_lossy(&shell.stderr);
    assert_eq!(stdout.trim(), "1", "exit code; stderr: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

/// GitLab's Code Quality report, checked against what GitLab's docs
/// require of each issue (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>):
/// `description`, `check_name`, a `fingerprint` unique in the report (GitLab
/// shows one issue per fingerprint), `severity` one of `info`, `minor`,
/// `major`, `critical`, `blocker`, `location.path` relative to the
/// repository and `location.lines.begin` from 1.
#[test]
fn gitlab_code_quality_issues_have_what_gitlab_requires() {
    let run = demo_run(&["--format", "gitlab-codequality"]);
    assert_eq!(run.code(), Some(1), "{}", run.all());
    let issues = run.json();
    let issues = issues.as_array().expect("a JSON array");
    let json = demo_run(&["--format", "json"]).json();
    assert_eq!(issues.len(), json["findings"].as_array().unwrap().len());
    let mut fingerprints = std::collections::HashSet::new();
    for issue in issues {
        let object = issue.as_object().unwrap();
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                object[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key}: {issue}"
            );
        }
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(!path.is_empty() && !path.starts_with('/'), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1,
            "{issue}"
        );
    }
    // The netcat in the image is shown on the `image:` line of the
    // service that runs it, where a merge request can change it.
    let netcat = issues
        .iter()
        .find(|i| i["check_name"] == "exec-capable-netcat")
        .unwrap();
    assert_eq!(netcat["location"]["path"], "compose.yaml");
    assert_eq!(netcat["location"]["lines"]["begin"], 20);
    assert_eq!(netcat["severity"], "critical");
    let rst = issues
        .iter()
        .find(|i| i["check_name"] == "remote-shell-toolkit")
        .unwrap();
    assert_eq!(rst["severity"], "blocker");
}

/// GitLab's security report, held to the constraints of the SAST report
/// schema version 15.0.0 (GitLab's `security-report-schemas`,
/// `dist/sast-report-format.json`; GitLab refuses a report that fails its
/// declared version): the required keys of the report, the scan, its
/// analyzer and scanner, the times' pattern, the enums, and for each
/// vulnerability a non-empty id, at least one identifier with `type`,
/// `name` and `value`, the length limits of `name`, `description` and
/// `solution`, a location, and details as a named list of `text` fields.
#[test]
fn gitlab_sast_reports_meet_the_sast_schema() {
    let run = demo_run(&["--format", "gitlab-sast"]);
    assert_eq!(run.code(), Some(1), "{}", run.all());
    let report = run.json();
    let nonempty = |v: &serde_json::Value| v.as_str().is_some_and(|s| !s.is_empty());
    let version = report["version"].as_str().unwrap();
    assert!(
        version.split('.').count() == 3
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())),
        "{version}"
    );
    let scan = &report["scan"];
    for tool in ["analyzer", "scanner"] {
        for key in ["id", "name", "version"] {
            assert!(nonempty(&scan[tool][key]), "scan.{tool}.{key}");
        }
        assert!(
            nonempty(&scan[tool]["vendor"]["name"]),
            "scan.{tool}.vendor.name"
        );
    }
    let time = |v: &serde_json::Value| {
        let t = v.as_str().unwrap_or("").as_bytes();
        t.len() == 19
            && t.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    assert!(
        time(&scan["start_time"]) && time(&scan["end_time"]),
        "{scan}"
    );
    assert!(["success", "failure"].contains(&scan["status"].as_str().unwrap()));
    assert_eq!(scan["type"], "sast");
    let vulnerabilities = report["vulnerabilities"].as_array().unwrap();
    let json = demo_run(&["--format", "json"]).json();
    assert_eq!(
        vulnerabilities.len(),
        json["findings"].as_array().unwrap().len()
    );
    let mut ids = std::collections::HashSet::new();
    for v in vulnerabilities {
        assert!(
            nonempty(&v["id"]) && ids.insert(v["id"].as_str().unwrap()),
            "{v}"
        );
        assert!(v["name"].as_str().unwrap().chars().count() <= 255);
        assert!(v["description"].as_str().unwrap().len() <= 1_048_576);
        if let Some(solution) = v.get("solution") {
            assert!(solution.as_str().unwrap().len() <= 7000);
        }
        assert!(
            ["Info", "Unknown", "Low", "Medium", "High", "Critical"]
                .contains(&v["severity"].as_str().unwrap())
        );
        let identifiers = v["identifiers"].as_array().unwrap();
        assert!(!identifiers.is_empty());
        for id in identifiers {
            for key in ["type", "name", "value"] {
                assert!(nonempty(&id[key]), "{id}");
            }
        }
        assert!(
            v["location"]["file"].is_string() && v["location"]["start_line"].is_number(),
            "{v}"
        );
        if let Some(details) = v.get("details") {
            for (_, field) in details.as_object().unwrap() {
                assert!(
                    nonempty(&field["name"])
                        && field["type"] == "text"
                        && field["value"].is_string()
                );
            }
        }
    }
    // The netcat: on the service's `image:` line, with the image, its
    // layer and its path.
    let netcat = vulnerabilities
        .iter()
        .find(|v| v["identifiers"][0]["value"] == "exec-capable-netcat")
        .unwrap();
    assert_eq!(netcat["location"]["file"], "compose.yaml");
    assert_eq!(netcat["location"]["start_line"], 20);
    assert_eq!(netcat["location"]["image"], "drydock-demo/toolbox:1.0");
    assert!(
        netcat["details"]["layer"]["value"]
            .as_str()
            .unwrap()
            .contains("netcat-traditional")
    );
    assert_eq!(
        netcat["details"]["path"]["value"],
        "/usr/bin/nc.traditional"
    );
}
