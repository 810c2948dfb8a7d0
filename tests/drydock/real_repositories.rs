//! Regressions found by running drydock on real repositories nobody here
//! wrote (issue 10): each test reproduces, in a small project of our own
//! words, a shape seen in the wild, and is named after what it protects.
//! Docker Compose is the reference for what is valid; the oracle suites in
//! `compose_oracle.rs` compare the merged models.

use std::path::Path;

use serde_json::Value;

use crate::support::run::{Drydock, Run, drydock};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// drydock in `dir` with an empty environment but `PATH` and `HOME`.
fn in_dir(dir: &Path) -> Drydock {
    drydock()
        .current_dir(dir)
        .env_clear()
        .env("HOME", "/home/auditor")
}

/// `scan .` with no images, in JSON.
fn scan(dir: &Path) -> Run {
    in_dir(dir)
        .args(["scan", ".", "--images", "none", "--format", "json"])
        .run()
}

/// `compose config` exits 2 and its error says `expected`.
fn assert_config_refused(dir: &Path, expected: &str) {
    let out = in_dir(dir).args(["compose", "config"]).run();
    assert_eq!(out.code(), Some(2));
    let stderr = out.stderr.as_str();
    assert!(stderr.contains(expected), "{stderr}");
}

/// `rule file:line severity` of every finding of `rule`, sorted.
fn located(doc: &Value, rule: &str) -> Vec<String> {
    let mut found: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            format!(
                "{}:{} {}",
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["severity"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    found
}

fn errors(doc: &Value) -> Vec<String> {
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn reset_and_override_under_extends_drop_the_base_hazards() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "base.yaml",
                "services:\n  base:\n    image: example/app:1\n    cap_add: [SYS_ADMIN]\n    \
                 volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
            ),
            (
                "compose.yaml",
                "services:\n  app:\n    extends:\n      file: base.yaml\n      service: base\n    \
                 cap_add: !reset []\n    volumes: !override\n      - ./data:/data\n",
            ),
        ],
    );
    let out = in_dir(dir.path())
        .args(["compose", "--format", "json"])
        .run();
    let doc = out.json();
    assert_eq!(located(&doc, "added-capabilities"), Vec::<String>::new());
    assert_eq!(located(&doc, "runtime-socket-mount"), Vec::<String>::new());
    assert!(errors(&doc).is_empty(), "{doc}");

    // Without the tags, the base's hazards are the service's.
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  app:\n    extends:\n      file: base.yaml\n      service: base\n",
        )],
    );
    let doc = in_dir(dir.path())
        .args(["compose", "--format", "json"])
        .run()
        .json();
    assert_eq!(
        located(&doc, "added-capabilities"),
        ["base.yaml:4 critical"]
    );
    assert_eq!(
        located(&doc, "runtime-socket-mount"),
        ["base.yaml:6 critical"]
    );
}

#[test]
fn extends_inside_an_include_is_resolved_from_the_included_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("compose.yaml", "include:\n  - stack/compose.yaml\n"),
            (
                "stack/compose.yaml",
                "services:\n  api:\n    extends:\n      file: base.yaml\n      service: base\n    \
                 image: example/api:1\n",
            ),
            (
                "stack/base.yaml",
                "services:\n  base:\n    privileged: true\n    env_file: base.env\n",
            ),
            ("stack/base.env", "LOG_LEVEL=debug\n"),
        ],
    );
    let out = scan(dir.path());
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    assert_eq!(located(&doc, "privileged"), ["stack/base.yaml:3 critical"]);
}

#[test]
fn tilde_bind_is_ranked_the_same_whoever_runs_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  web:\n    image: jitsi/web:stable\n    volumes:\n      \
             - ~/.jitsi-meet-cfg/web:/config\n      - ~/.ssh:/root/.ssh:ro\n      \
             - ~:/host-home\n",
        )],
    );
    let mut verdicts = Vec::new();
    for home in ["/root", "/home/u", "/"] {
        let out = in_dir(dir.path())
            .env("HOME", home)
            .args(["compose", "--format", "json"])
            .run();
        verdicts.push(located(&out.json(), "host-path-mount"));
    }
    assert_eq!(
        verdicts[0],
        ["compose.yaml:6 medium", "compose.yaml:7 medium"],
        "an application's directory in a home is not reported; credentials and the whole home are"
    );
    assert!(verdicts.iter().all(|v| *v == verdicts[0]), "{verdicts:?}");
}

#[test]
fn pwd_and_dot_name_the_same_project_directory() {
    // A CI checkout under /tmp: `${PWD}/data` is the project's own
    // directory, wherever drydock is started from.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "app/compose.yaml",
            "services:\n  web:\n    image: nginx:1.27\n    volumes:\n      \
             - ${PWD}/html:/usr/share/nginx/html\n      - ./html:/srv/html\n",
        )],
    );
    for (cwd, args) in [
        (dir.path().to_path_buf(), ["scan", "app"]),
        (dir.path().join("app"), ["scan", "."]),
    ] {
        let mut args = args.to_vec();
        args.extend(["--images", "none", "--format", "json"]);
        let doc = in_dir(&cwd).args(&args).run().json();
        assert_eq!(
            located(&doc, "host-path-mount"),
            Vec::<String>::new(),
            "{doc}"
        );
        assert!(doc["warnings"].as_array().unwrap().is_empty(), "{doc}");
    }
}

#[test]
fn application_data_directories_and_the_time_zone_are_not_host_paths() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  mail:\n    image: example/mail:1\n    volumes:\n      \
             - /etc/localtime:/etc/localtime:ro\n      - /etc/timezone:/etc/timezone:ro\n      \
             - /srv/mail/data:/data\n      - /mnt/docker-volumes/mail:/var/mail\n      \
             - /opt/mail/conf:/conf:ro\n      - /etc/ssl/private:/certs:ro\n",
        )],
    );
    let doc = in_dir(dir.path())
        .args(["compose", "--format", "json"])
        .run()
        .json();
    assert_eq!(located(&doc, "host-path-mount"), ["compose.yaml:10 medium"]);
}

#[test]
fn a_project_docker_compose_refuses_is_an_error_and_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  proxy:\n    image: example/proxy:1\n    privileged: true\n    \
             networks: [front]\n    depends_on: [storage]\n",
        )],
    );
    let out = in_dir(dir.path())
        .args(["compose", "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2));
    let doc = out.json();
    let errors = errors(&doc);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("undefined network front"), "{errors:?}");
    assert!(
        errors[1].contains("undefined service \\\"storage\\\""),
        "{errors:?}"
    );
    assert_eq!(located(&doc, "privileged"), ["compose.yaml:4 critical"]);

    // `compose config` prints no model for it, as Docker Compose does.
    let out = in_dir(dir.path()).args(["compose", "config"]).run();
    assert_eq!(out.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = out.stderr.as_str();
    assert!(
        stderr.contains("compose.yaml:6:18: service \"proxy\" depends on undefined service"),
        "{stderr}"
    );
}

#[test]
fn extending_a_service_of_another_file_is_compose_s_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "compose.yaml",
                "services:\n  api:\n    image: example/api:1\n",
            ),
            (
                "compose.override.yaml",
                "services:\n  worker:\n    extends: api\n",
            ),
        ],
    );
    assert_config_refused(
        dir.path(),
        "compose.override.yaml:3:14: service `worker` extends `api`",
    );
}

#[test]
fn an_override_fragment_found_alone_is_audited_as_a_fragment() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "overrides/compose.prod.yaml",
            "services:\n  web:\n    environment:\n      DOMAIN: ${DOMAIN:?set the domain}\n    \
             privileged: true\n    networks: [edge]\n",
        )],
    );
    let out = scan(dir.path());
    let doc = out.json();
    assert_eq!(out.code(), Some(1), "{doc}");
    assert!(errors(&doc).is_empty(), "{doc}");
    assert_eq!(
        located(&doc, "privileged"),
        ["overrides/compose.prod.yaml:5 critical"]
    );
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("required variable DOMAIN is not set here"),
        "{warnings}"
    );
    let not_audited = doc["not_audited"].as_array().unwrap();
    assert_eq!(not_audited.len(), 1, "{doc}");
    assert_eq!(not_audited[0]["path"], "overrides/compose.prod.yaml");
    assert!(
        not_audited[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("audited as a fragment"),
        "{doc}"
    );

    // Named by the user, the same file is what Docker Compose makes of it.
    let out = in_dir(dir.path())
        .args([
            "compose",
            "-f",
            "overrides/compose.prod.yaml",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(out.code(), Some(2));
    assert!(
        out.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("required variable DOMAIN is missing a value: set the domain")
    );
}

#[test]
fn a_required_variable_of_a_discovered_project_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "deploy/compose.yaml",
            "services:\n  api:\n    image: example/api:1\n    environment:\n      \
             SMTP_HOST: ${SMTP_HOST:?}\n    cap_add: [SYS_ADMIN]\n",
        )],
    );
    let out = scan(dir.path());
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    assert_eq!(
        located(&doc, "added-capabilities"),
        ["deploy/compose.yaml:6 critical"]
    );
    assert!(
        doc["warnings"]
            .to_string()
            .contains("required variable SMTP_HOST")
    );
}

#[test]
fn a_version_1_file_has_its_services_audited_and_its_format_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "legacy/docker-compose.yml",
            "probe:\n  image: example/probe:0.9\n  privileged: true\n  pid: host\n  net: host\n  \
             volumes:\n    - /var/run/docker.sock:/var/run/docker.sock\n",
        )],
    );
    let out = scan(dir.path());
    assert_eq!(out.code(), Some(1));
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    let file = "legacy/docker-compose.yml";
    assert_eq!(
        located(&doc, "legacy-compose-format"),
        [format!("{file}:1 low")]
    );
    assert_eq!(located(&doc, "privileged"), [format!("{file}:3 critical")]);
    assert_eq!(
        located(&doc, "host-namespace"),
        [format!("{file}:4 high"), format!("{file}:5 high")]
    );
    assert_eq!(
        located(&doc, "runtime-socket-mount"),
        [format!("{file}:7 critical")]
    );
    assert_eq!(located(&doc, "unknown-key"), Vec::<String>::new());
}

#[test]
fn an_env_file_kept_out_of_the_repository_is_a_warning_in_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  api:\n    image: example/api:1\n    env_file: secrets.prod.env\n    \
             privileged: true\n",
        )],
    );
    let out = scan(dir.path());
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    assert_eq!(located(&doc, "privileged"), ["compose.yaml:5 critical"]);
    assert!(
        doc["warnings"]
            .to_string()
            .contains("env file secrets.prod.env is not in the repository"),
        "{doc}"
    );
    // Named by the user, it is Docker Compose's error.
    let out = in_dir(dir.path())
        .args(["compose", "-f", "compose.yaml", "--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2));
}

#[test]
fn compose_flags_may_come_before_config_as_with_docker_compose() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("base.yml", "services:\n  web:\n    image: nginx:1.27\n"),
            ("prod.yml", "services:\n  web:\n    read_only: true\n"),
        ],
    );
    let before = in_dir(dir.path())
        .args(["compose", "-f", "base.yml", "-f", "prod.yml", "config"])
        .run();
    let after = in_dir(dir.path())
        .args(["compose", "config", "-f", "base.yml", "-f", "prod.yml"])
        .run();
    let mixed = in_dir(dir.path())
        .args(["compose", "-f", "base.yml", "config", "-f", "prod.yml"])
        .run();
    assert_eq!(before.code(), Some(0), "{}", before.stderr.as_str());
    assert_eq!(before.json(), after.json());
    assert_eq!(before.json(), mixed.json());
    assert_eq!(before.json()["services"]["web"]["read_only"], true);
}

#[test]
fn only_the_last_mount_of_a_target_is_audited_as_compose_mounts_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n    volumes:\n      \
             - /etc:/prometheus\n      - prom-data:/prometheus\nvolumes:\n  prom-data: {}\n",
        )],
    );
    let doc = in_dir(dir.path())
        .args(["compose", "--format", "json"])
        .run()
        .json();
    assert_eq!(
        located(&doc, "host-path-mount"),
        Vec::<String>::new(),
        "{doc}"
    );
}

#[test]
fn a_misspelled_services_key_is_compose_s_error_and_its_services_are_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "sservices:\n  homeassistant:\n    image: ghcr.io/home-assistant/home-assistant:stable\n    \
             privileged: true\n    network_mode: host\n",
        )],
    );
    let out = scan(dir.path());
    assert_eq!(out.code(), Some(2));
    let doc = out.json();
    let errors = errors(&doc);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("did you mean `services`?"), "{errors:?}");
    assert_eq!(located(&doc, "privileged"), ["compose.yaml:4 critical"]);
    assert_eq!(located(&doc, "host-namespace"), ["compose.yaml:5 high"]);
}

#[test]
fn two_merge_keys_in_one_mapping_are_compose_s_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "x-image: &image {image: nginx:1.27}\nx-restart: &restart {restart: always}\n\
             services:\n  app:\n    <<: *image\n    <<: *restart\n",
        )],
    );
    assert_config_refused(dir.path(), "compose.yaml:6:5: duplicate key `<<`");
    // One key with a list of both is the way to write it.
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "x-image: &image {image: nginx:1.27}\nx-restart: &restart {restart: always}\n\
             services:\n  app:\n    <<: [*image, *restart]\n",
        )],
    );
    let out = in_dir(dir.path()).args(["compose", "config"]).run();
    assert_eq!(out.code(), Some(0));
}

#[test]
fn an_empty_bind_source_is_compose_s_error_when_named_and_a_warning_in_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  plex:\n    image: plexinc/pms-docker:1.41.0\n    volumes:\n      \
             - ${PLEX_MEDIA_PATH}:/media/\n",
        )],
    );
    assert_config_refused(
        dir.path(),
        "compose.yaml:5:9: invalid volume spec `:/media/`: empty section",
    );
    let out = scan(dir.path());
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    assert!(
        doc["warnings"].to_string().contains("PLEX_MEDIA_PATH"),
        "{doc}"
    );
}

#[test]
fn a_compose_file_of_another_name_is_found_and_audited_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "docker-compose-postgres.yml",
                "services:\n  db:\n    image: postgres:16\n    privileged: true\n",
            ),
            (
                "extensions/logspout/logspout-compose.yml",
                "services:\n  logspout:\n    image: gliderlabs/logspout:v3.2\n    volumes:\n      \
                 - /var/run/docker.sock:/var/run/docker.sock:ro\n",
            ),
            // A manifest whose name merely ends in -compose is still one.
            (
                "deploy/app-compose.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n  \
                 - {name: app, image: example/app:1, securityContext: {privileged: true}}\n",
            ),
        ],
    );
    let out = scan(dir.path());
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    assert_eq!(
        located(&doc, "privileged"),
        [
            "deploy/app-compose.yaml:6 critical",
            "docker-compose-postgres.yml:4 critical"
        ]
    );
    assert_eq!(
        located(&doc, "runtime-socket-mount"),
        ["extensions/logspout/logspout-compose.yml:5 critical"]
    );
    assert_eq!(doc["not_audited"].as_array().unwrap().len(), 2, "{doc}");
}

#[test]
fn a_version_1_service_named_service_is_not_a_misspelled_services_key() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "docker-compose.yml",
            "service:\n  image: nginx:1.27\n  privileged: true\ndb:\n  image: postgres:16\n",
        )],
    );
    let out = in_dir(dir.path())
        .args(["compose", "--format", "json"])
        .run();
    let doc = out.json();
    assert!(errors(&doc).is_empty(), "{doc}");
    assert_eq!(
        located(&doc, "privileged"),
        ["docker-compose.yml:3 critical"]
    );
    assert_eq!(
        located(&doc, "legacy-compose-format"),
        ["docker-compose.yml:1 low"]
    );
}
