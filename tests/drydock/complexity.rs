//! Work grows linearly with the input: each test generates an input at
//! size N and 10N, loads both through the library, and compares the work
//! counters the loaders keep (nodes built, keys compared or hashed,
//! entries merged, nodes `extends` added). A quadratic step shows as a
//! ratio near 100, a linear one near 10; the clock is never read.
//!
//! The inputs are the shapes that were quadratic once: a long mapping
//! (the duplicate-key check), override files over many services, long
//! keyed lists (`volumes`, `ports`, `cap_add`) merged by key, and many
//! services extending one base.

use std::path::Path;

use drydock::boundary::Boundary;
use drydock::compose::interpolate::Env;
use drydock::compose::load::LoadWork;
use drydock::compose::{Loader, ProjectSpec};
use drydock::yaml::{DuplicateKeys, Limits, ParseWork};

/// The sizes compared: small enough to run in a blink, large enough that
/// fixed costs do not hide a quadratic term.
const N: usize = 300;

/// Asserts that `large`, measured on an input ten times the size of the
/// one that gave `small`, is about ten times `small`: at least 8× (the
/// counter does grow with the input) and at most 12× (nothing grows
/// faster than it).
fn assert_linear(what: &str, small: usize, large: usize) {
    assert!(small > 0, "{what}: nothing counted at size N");
    let ratio = large as f64 / small as f64;
    assert!(
        (8.0..=12.0).contains(&ratio),
        "{what}: {small} at size N, {large} at 10N ({ratio:.1}×): not linear"
    );
}

fn parse_work(text: &str, duplicate_keys: DuplicateKeys) -> ParseWork {
    let file = drydock::yaml::source_from_text("generated.yaml", text);
    let limits = Limits {
        duplicate_keys,
        max_nodes: usize::MAX,
        ..Limits::default()
    };
    let stream = drydock::yaml::parse_each_document(&file, limits);
    for document in &stream.documents {
        assert!(document.result.is_ok(), "{:?}", document.result);
    }
    stream.work
}

/// Loads the project of the files written in a fresh directory, as
/// `drydock compose` finds it (`compose.yaml` and its override).
fn load_work(files: &[(&str, String)]) -> LoadWork {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let root: &Path = dir.path();
    let loader = Loader::new(
        root.to_path_buf(),
        Env::new(),
        Boundary::new(&[root.to_path_buf()], false),
    );
    let spec = ProjectSpec {
        project_dir: Some(root.to_path_buf()),
        ..ProjectSpec::default()
    };
    let project = loader.load(&spec).unwrap();
    project.work
}

fn merge_total(work: &LoadWork) -> usize {
    work.merge.entries + work.merge.key_checks
}

/// A ConfigMap's `data` of `n` keys, each written twice (kubectl keeps the
/// last): the duplicate check hashes each key once.
fn config_map(n: usize) -> String {
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    for round in 0..2 {
        for i in 0..n {
            text.push_str(&format!("  key{i}: \"value {round}\"\n"));
        }
    }
    text
}

#[test]
fn the_duplicate_key_check_costs_the_same_per_key_in_a_mapping_of_any_length() {
    let small = parse_work(&config_map(N), DuplicateKeys::LastWins);
    let large = parse_work(&config_map(10 * N), DuplicateKeys::LastWins);
    assert_linear("nodes built", small.nodes, large.nodes);
    assert_linear("keys checked", small.key_checks, large.key_checks);
}

/// `n` services, each with an environment, ports, volumes and
/// capabilities; the override file changes every one of them.
fn services_and_override(n: usize) -> Vec<(&'static str, String)> {
    let mut base = String::from("services:\n");
    let mut over = String::from("services:\n");
    for i in 0..n {
        base.push_str(&format!(
            "  s{i}:\n    image: app:{i}\n    environment:\n      A: \"1\"\n      B: \"2\"\n    \
             ports: [\"{p}:80\"]\n    volumes: [\"./data{i}:/data\"]\n    cap_add: [NET_ADMIN]\n",
            p = 10_000 + i
        ));
        over.push_str(&format!(
            "  s{i}:\n    environment:\n      - B=3\n      - C=4\n    ports: [\"{p}:80\"]\n    \
             volumes: [\"./other{i}:/data\"]\n    cap_add: [NET_ADMIN, SYS_TIME]\n",
            p = 10_000 + i
        ));
    }
    vec![("compose.yaml", base), ("compose.override.yaml", over)]
}

#[test]
fn an_override_file_over_many_services_merges_in_linear_work() {
    let small = load_work(&services_and_override(N));
    let large = load_work(&services_and_override(10 * N));
    assert_linear("nodes built", small.parse.nodes, large.parse.nodes);
    assert_linear(
        "keys checked while parsing",
        small.parse.key_checks,
        large.parse.key_checks,
    );
    assert_linear("merge work", merge_total(&small), merge_total(&large));
}

/// One service whose `volumes`, `ports`, `cap_add` and `environment` hold
/// `n` items each, and an override that replaces every one by its key.
fn long_keyed_lists(n: usize) -> Vec<(&'static str, String)> {
    let list = |item: &dyn Fn(usize) -> String| -> String {
        (0..n)
            .map(|i| format!("      - \"{}\"\n", item(i)))
            .collect()
    };
    let service = |volume: &str, env: &str| {
        format!(
            "services:\n  web:\n    image: app:1\n    volumes:\n{}    ports:\n{}    cap_add:\n{}    environment:\n{}",
            list(&|i| format!("./{volume}{i}:/mnt/{i}")),
            list(&|i| format!("{}:{}", 20_000 + i, 30_000 + i)),
            list(&|i| format!("CAP_{i}")),
            list(&|i| format!("V{i}={env}")),
        )
    };
    vec![
        ("compose.yaml", service("a", "base")),
        ("compose.override.yaml", service("b", "override")),
    ]
}

#[test]
fn long_lists_merged_by_key_cost_linear_work() {
    let small = load_work(&long_keyed_lists(N));
    let large = load_work(&long_keyed_lists(10 * N));
    assert_linear("merge work", merge_total(&small), merge_total(&large));
}

/// `n` services extending one base of a few dozen nodes.
fn many_extending_services(n: usize) -> Vec<(&'static str, String)> {
    let mut text = String::from(
        "services:\n  base:\n    image: app:1\n    environment: {A: \"1\", B: \"2\", C: \"3\"}\n    \
         cap_add: [NET_ADMIN]\n    volumes: [\"./data:/data\"]\n    labels: [a=1, b=2, c=3]\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "  s{i}:\n    extends: base\n    environment:\n      B: \"{i}\"\n"
        ));
    }
    vec![("compose.yaml", text)]
}

#[test]
fn services_extending_one_base_cost_linear_work() {
    let small = load_work(&many_extending_services(N));
    let large = load_work(&many_extending_services(10 * N));
    assert_linear(
        "nodes added by extends",
        small.extended_nodes,
        large.extended_nodes,
    );
    assert_linear("merge work", merge_total(&small), merge_total(&large));
}

/// `n` labels, each interpolating two variables of the project's `.env`.
fn many_interpolations(n: usize) -> Vec<(&'static str, String)> {
    let mut text = String::from("services:\n  web:\n    image: app:1\n    labels:\n");
    for i in 0..n {
        text.push_str(&format!("      l{i}: \"${{NAME}}-${{TAG:-latest}}-{i}\"\n"));
    }
    vec![
        ("compose.yaml", text),
        (".env", "NAME=drydock\n".to_string()),
    ]
}

#[test]
fn interpolation_produces_bytes_in_proportion_to_the_references() {
    let small = load_work(&many_interpolations(N));
    let large = load_work(&many_interpolations(10 * N));
    assert_linear(
        "bytes interpolated",
        small.interpolated_bytes,
        large.interpolated_bytes,
    );
}
