//! Hostile and broken input: each case is a clear one-line error naming the
//! file (and line), exit 2, no panic, and the other projects of the same
//! run are still reported.

use serde_json::Value;

use crate::support::drydock;

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    /// The file the error must name.
    path: &'static str,
    /// The line the error must name, when the input has one.
    line: Option<u64>,
    /// A word the message must contain.
    says: &'static str,
}

fn text(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn alias_bomb() -> String {
    let mut s = String::from("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(", ");
        s.push_str(&format!("x-{next}: &{next} [{refs}]\n"));
    }
    s.push_str("services:\n  web:\n    image: nginx:1.27\n");
    s
}

/// 300 documents, each within the node limit on its own (180 000 nodes
/// out of 300 bytes), that a limit counted per document let grow to 54
/// million nodes and 9 GB: the limit holds for the whole file.
fn many_document_alias_bomb() -> String {
    let ones = vec!["1"; 50].join(",");
    let document = format!(
        "x-a: &a [{ones}]\nx-b: &b [{}]\nx-c: &c [{}]\nservices:\n  web:\n    image: nginx:1.27\n",
        vec!["*a"; 60].join(","),
        vec!["*b"; 60].join(",")
    );
    vec![document; 300].join("---\n")
}

/// A few lines that `extends` makes into millions of nodes: 250 services,
/// each a copy of a base of 20 000 (within the alias limit on its own).
fn extends_bomb() -> String {
    let hundred = vec!["1"; 100].join(",");
    let mut s = format!(
        "x-a: &a [{hundred}]\nx-b: &b [{}]\n",
        vec!["*a"; 200].join(",")
    );
    s.push_str("services:\n  base:\n    image: nginx:1.27\n    labels:\n      big: *b\n");
    for i in 0..250 {
        s.push_str(&format!("  s{i}:\n    extends: base\n"));
    }
    s
}

/// 16 KB of Compose that repeats a 1 MB variable of the project's `.env`
/// 3 000 times: 3 GB once interpolated.
fn interpolation_bomb() -> (String, String) {
    let refs = "${BIG}".repeat(300);
    let mut compose = String::from("services:\n  web:\n    image: nginx:1.27\n    labels:\n");
    for i in 0..10 {
        compose.push_str(&format!("      l{i}: \"{refs}\"\n"));
    }
    (compose, format!("BIG={}\n", "x".repeat(1_000_000)))
}

fn cases() -> Vec<Case> {
    let deep = format!(
        "services:\n  web:\n    image: nginx:1.27\n    labels: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut big = String::from("services:\n  web:\n    image: nginx:1.27\n    environment:\n");
    while big.len() < 50 << 20 {
        big.push_str(
            "      - PADDING=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
        );
    }
    let mut bad_utf8 = text("services:\n  web:\n    image: nginx:1.27\n    labels:\n      a: \"");
    bad_utf8.extend([0xff, 0xfe, b'"', b'\n']);
    vec![
        Case {
            name: "not YAML",
            files: vec![(
                "compose.yaml",
                text("services:\n  web:\n    image: [unclosed\n"),
            )],
            path: "compose.yaml",
            line: Some(3),
            says: "invalid YAML",
        },
        Case {
            name: "not a mapping",
            files: vec![("compose.yaml", text("- just\n- a list\n"))],
            path: "compose.yaml",
            line: Some(1),
            says: "must be a mapping",
        },
        Case {
            name: "duplicate keys",
            files: vec![(
                "compose.yaml",
                text("services:\n  web:\n    image: a:1\n    image: b:1\n"),
            )],
            path: "compose.yaml",
            line: Some(4),
            says: "duplicate key",
        },
        Case {
            name: "10 000-deep nesting",
            files: vec![("compose.yaml", text(&deep))],
            path: "compose.yaml",
            line: Some(4),
            says: "",
        },
        Case {
            name: "alias bomb",
            files: vec![("compose.yaml", text(&alias_bomb()))],
            path: "compose.yaml",
            line: None,
            says: "alias bomb",
        },
        Case {
            name: "alias bomb spread over many documents",
            files: vec![("compose.yaml", text(&many_document_alias_bomb()))],
            path: "compose.yaml",
            line: Some(10),
            says: "alias bomb",
        },
        Case {
            name: "extends bomb",
            files: vec![("compose.yaml", text(&extends_bomb()))],
            path: "compose.yaml",
            line: None,
            says: "like an alias bomb",
        },
        Case {
            name: "interpolation bomb",
            files: vec![
                ("compose.yaml", text(&interpolation_bomb().0)),
                (".env", text(&interpolation_bomb().1)),
            ],
            path: "compose.yaml",
            line: Some(5),
            says: "refused like an alias bomb",
        },
        Case {
            name: "a 50 MB file",
            files: vec![("compose.yaml", text(&big))],
            path: "compose.yaml",
            line: None,
            says: "limit",
        },
        Case {
            name: "invalid UTF-8",
            files: vec![("compose.yaml", bad_utf8)],
            path: "compose.yaml",
            line: Some(5),
            says: "UTF-8",
        },
        Case {
            name: "include cycle",
            files: vec![
                (
                    "compose.yaml",
                    text("include: [a/compose.yaml]\nservices:\n  web:\n    image: nginx:1.27\n"),
                ),
                (
                    "a/compose.yaml",
                    text("include: [../b/compose.yaml]\nservices:\n  a:\n    image: a:1\n"),
                ),
                (
                    "b/compose.yaml",
                    text("include: [../a/compose.yaml]\nservices:\n  b:\n    image: b:1\n"),
                ),
            ],
            path: "b/compose.yaml",
            line: Some(1),
            says: "include cycle",
        },
        Case {
            name: "extends cycle",
            files: vec![(
                "compose.yaml",
                text(
                    "services:\n  a:\n    image: a:1\n    extends: b\n  b:\n    image: b:1\n    extends: {service: a}\n",
                ),
            )],
            path: "compose.yaml",
            line: None,
            says: "extends cycle",
        },
        // A required variable a scan finds unset is a warning (the
        // deploying environment provides it): see
        // real_repositories.rs, which also checks that a file the user
        // names is Compose's error.
        Case {
            name: "a depends_on cycle",
            files: vec![(
                "compose.yaml",
                text(
                    "services:\n  a:\n    image: x:1\n    depends_on: [b]\n  b:\n    image: y:1\n    depends_on: [a]\n",
                ),
            )],
            path: "compose.yaml",
            line: Some(7),
            says: "dependency cycle detected: a -> b -> a",
        },
    ]
}

const GOOD: &str = "services:\n  good:\n    image: nginx:1.27\n    privileged: true\n";

#[test]
fn every_bad_input_is_a_located_error_and_the_rest_is_still_reported() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad");
        for (name, bytes) in &case.files {
            let path = bad.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let good = dir.path().join("good");
        std::fs::create_dir_all(&good).unwrap();
        std::fs::write(good.join("compose.yaml"), GOOD).unwrap();
        let out = drydock()
            // Hermetic: `scan` would read the images of a local engine.
            .env("DOCKER_HOST", "unix:///nonexistent/drydock-test.sock")
            .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
            .run();
        let stderr = out.stderr.as_str();
        if out.code() != Some(2) {
            failures.push(format!(
                "{}: exit {:?}, stderr {stderr}",
                case.name,
                out.code()
            ));
            continue;
        }
        let doc: Value = match serde_json::from_str(&out.stdout) {
            Ok(doc) => doc,
            Err(e) => {
                failures.push(format!("{}: report is not JSON: {e}", case.name));
                continue;
            }
        };
        let errors = doc["errors"].as_array().cloned().unwrap_or_default();
        let expected_path = format!("bad/{}", case.path);
        let error = errors.iter().find(|e| e["path"] == expected_path.as_str());
        match error {
            None => failures.push(format!(
                "{}: no error naming {expected_path}: {errors:?}",
                case.name
            )),
            Some(error) => {
                let message = error["message"].as_str().unwrap_or("");
                if message.contains('\n') {
                    failures.push(format!("{}: message spans lines: {message:?}", case.name));
                }
                if !message.contains(case.says) {
                    failures.push(format!(
                        "{}: message {message:?} lacks {:?}",
                        case.name, case.says
                    ));
                }
                if let Some(line) = case.line
                    && error["line"] != line
                {
                    failures.push(format!("{}: line {} not {line}", case.name, error["line"]));
                }
            }
        }
        let good_reported = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "privileged" && f["location"]["path"] == "good/compose.yaml");
        if !good_reported {
            failures.push(format!("{}: the good project was not reported", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_human_report_names_the_file_and_line_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: a\n    image: b\n",
    )
    .unwrap();
    let out = drydock()
        // Hermetic: `scan` would read the images of a local engine.
        .env("DOCKER_HOST", "unix:///nonexistent/drydock-test.sock")
        .args(["scan", dir.path().to_str().unwrap()])
        .run();
    assert_eq!(out.code(), Some(2));
    let stdout = out.stdout.as_str();
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("error: compose.yaml:4:5: duplicate key `image`")),
        "{stdout}"
    );
}

/// Fourteen levels of two files, each including both files of the level
/// below: a few hundred bytes that read 32 000 files (Docker Compose
/// itself takes minutes on it). drydock stops at its files-read budget,
/// names a file of the chain, and still reports the other project.
#[test]
fn includes_that_read_the_same_files_along_many_paths_are_refused_like_an_alias_bomb() {
    const LEVELS: usize = 14;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    for level in 0..LEVELS {
        for side in ["a", "b"] {
            let mut text = String::new();
            if level + 1 < LEVELS {
                let next = level + 1;
                text.push_str(&format!("include: [l{next}a.yaml, l{next}b.yaml]\n"));
            }
            text.push_str(&format!(
                "services:\n  s{level}{side}:\n    image: nginx:1.27\n"
            ));
            std::fs::write(bad.join(format!("l{level}{side}.yaml")), text).unwrap();
        }
    }
    std::fs::write(
        bad.join("compose.yaml"),
        "include: [l0a.yaml, l0b.yaml]\nservices:\n  top:\n    image: nginx:1.27\n",
    )
    .unwrap();
    let good = dir.path().join("good");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::write(good.join("compose.yaml"), GOOD).unwrap();
    let out = drydock()
        .env("DOCKER_HOST", "unix:///nonexistent/drydock-test.sock")
        .args(["scan", dir.path().to_str().unwrap(), "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2), "{}", out.stderr.as_str());
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let errors = doc["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().starts_with("bad/l")
                && e["message"]
                    .as_str()
                    .unwrap()
                    .contains("refused like an alias bomb")),
        "{errors:?}"
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["location"]["path"] == "good/compose.yaml"),
        "the good project was not reported"
    );
}
