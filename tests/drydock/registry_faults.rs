//! `drydock image REF --from registry` against the fake registry
//! (`support::fake_registry`, plain HTTP, reached with
//! `--insecure-registry`): the token and Basic flows, every fault a
//! registry or a network can throw (each exit 2 with one clear line, the
//! other images of the run still reported, no credential printed), the
//! redirect to a blob store that must not see the registry's credentials,
//! and a shared base layer fetched once per run.

use serde_json::Value;

use crate::support::drydock;
use crate::support::fake_registry::{Auth, FakeRegistry, Fault, IndexKind};
use crate::support::fixtures;
use crate::support::image::{BuiltImage, Compression, Image, Layer};
use crate::support::run::Run;

const USER: &str = "ci-bot";
const PASSWORD: &str = "Pa55-of-the-fault-tests";

fn base_layer() -> Layer {
    Layer::new()
        .dir("etc", 0o755, 0, 0)
        .file("etc/passwd", 0o644, 0, 0, fixtures::base_passwd())
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/nc", 0o755, 0, 0, fixtures::netcat_traditional())
        .created_by("COPY base /")
}

/// A two-layer image on the shared base: `name` tells the second layer
/// apart.
fn image(name: &str) -> BuiltImage {
    Image::new()
        .tag(&format!("team/{name}:1"))
        .layer(base_layer())
        .layer(
            Layer::new()
                .dir("srv", 0o755, 0, 0)
                .file(
                    &format!("srv/{name}"),
                    0o4755,
                    0,
                    0,
                    fixtures::plain_elf(name),
                )
                .created_by(&format!("COPY {name} /srv/")),
        )
        .compression(Compression::Gzip)
        .build()
}

/// A user's home with credentials for `registry` in `config.json`.
fn home_with_credentials(registry: &str) -> tempfile::TempDir {
    use base64::Engine as _;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".docker")).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    std::fs::write(
        home.path().join(".docker/config.json"),
        format!(r#"{{"auths":{{"{registry}":{{"auth":"{auth}"}}}}}}"#),
    )
    .unwrap();
    home
}

/// `drydock image --from registry` of `references` on `registry`, as a
/// user whose home is `home`.
fn pull(registry: &FakeRegistry, home: &tempfile::TempDir, references: &[&str]) -> Run {
    let address = registry.address();
    drydock()
        .env("HOME", home.path())
        .env("DOCKER_CONFIG", home.path().join(".docker"))
        .env_remove("REGISTRY_AUTH_FILE")
        .env_remove("XDG_RUNTIME_DIR")
        .args(["image", "--from", "registry", "--format", "json"])
        .args(["--insecure-registry", &address])
        .args(references.iter().map(|r| format!("{address}/{r}")))
        .run()
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: exit {:?}\n{}\n{}", run.code(), run.stdout, run.stderr))
}

/// The paths of the findings of a report.
fn paths(run: &Run) -> Vec<String> {
    let mut paths: Vec<String> = json(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str().map(str::to_string))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The one error of a run, and checks that nothing secret was printed.
fn the_error(run: &Run) -> String {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains(PASSWORD), "the password is printed: {all}");
    assert!(!all.contains("fake-"), "a token is printed: {all}");
    assert_eq!(run.code(), Some(2), "{all}");
    let doc = json(run);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0]["message"].as_str().unwrap().to_string()
}

fn served(name: &str) -> (FakeRegistry, BuiltImage) {
    let registry = FakeRegistry::start();
    let built = image(name);
    registry.push(&format!("team/{name}"), "1", &built);
    (registry, built)
}

#[test]
fn anonymous_bearer_tokens_are_fetched_and_reused() {
    let (registry, _) = served("app");
    registry.auth(Auth::bearer(None));
    let run = pull(&registry, &tempfile::tempdir().unwrap(), &["team/app:1"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout);
    assert!(paths(&run).contains(&"/usr/bin/nc".to_string()));
    assert_eq!(
        registry.count("GET", "/token"),
        1,
        "one token, reused by every request"
    );
}

#[test]
fn bearer_tokens_are_fetched_with_the_users_credentials() {
    let (registry, _) = served("app");
    registry.auth(Auth::bearer(Some((USER, PASSWORD))));
    let home = home_with_credentials(&registry.address());
    let run = pull(&registry, &home, &["team/app:1"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout);
    let token_requests: Vec<_> = registry
        .requests()
        .into_iter()
        .filter(|r| r.path_contains("/token"))
        .collect();
    assert!(
        token_requests
            .iter()
            .all(|r| r.auth_scheme() == Some("Basic")),
        "{token_requests:?}"
    );
    // Without credentials the token service refuses, and the error says
    // what was tried.
    let run = pull(&registry, &tempfile::tempdir().unwrap(), &["team/app:1"]);
    let error = the_error(&run);
    assert!(
        error.contains("token service") && error.contains("docker login"),
        "{error}"
    );
}

#[test]
fn basic_auth_is_answered_with_the_credentials_or_refused_clearly() {
    let (registry, _) = served("app");
    registry.auth(Auth::basic(USER, PASSWORD));
    let home = home_with_credentials(&registry.address());
    assert_eq!(pull(&registry, &home, &["team/app:1"]).code(), Some(1));
    let error = the_error(&pull(
        &registry,
        &tempfile::tempdir().unwrap(),
        &["team/app:1"],
    ));
    assert!(
        error.contains("asks for a user and password") && error.contains("anonymously"),
        "{error}"
    );
}

#[test]
fn a_registry_that_denies_access_is_an_error_naming_the_credentials_source() {
    let (registry, _) = served("app");
    registry.auth(Auth::Denied);
    let home = home_with_credentials(&registry.address());
    let error = the_error(&pull(&registry, &home, &["team/app:1"]));
    assert!(error.contains("403 Forbidden"), "{error}");
    assert!(error.contains("config.json (auths)"), "{error}");
}

#[test]
fn a_missing_repository_and_a_missing_tag_are_told_apart() {
    let (registry, _) = served("app");
    let home = tempfile::tempdir().unwrap();
    let error = the_error(&pull(&registry, &home, &["team/nothing:1"]));
    assert!(error.ends_with("has no repository team/nothing"), "{error}");
    let error = the_error(&pull(&registry, &home, &["team/app:2"]));
    assert!(error.ends_with("/team/app has no tag 2"), "{error}");
}

#[test]
fn too_many_requests_is_retried_after_the_time_the_registry_asks() {
    let (registry, _) = served("app");
    registry.fault(Fault::status("/manifests/", 429, 2).retry_after(1));
    let run = pull(&registry, &tempfile::tempdir().unwrap(), &["team/app:1"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout);
    assert_eq!(registry.count("GET", "/manifests/1"), 3);
}

#[test]
fn a_registry_that_keeps_failing_is_given_up_on_after_bounded_retries() {
    let (registry, _) = served("app");
    registry.fault(Fault::status("/manifests/", 503, 100));
    let error = the_error(&pull(
        &registry,
        &tempfile::tempdir().unwrap(),
        &["team/app:1"],
    ));
    assert!(
        error.contains("503 Service Unavailable") && error.contains("after 4 attempts"),
        "{error}"
    );
    assert_eq!(registry.count("GET", "/manifests/1"), 4);
}

#[test]
fn a_connection_that_breaks_mid_blob_is_an_error_naming_the_layer() {
    let (registry, built) = served("app");
    let layer = &built.layers[1];
    registry.fault(Fault::BreakMidBlob {
        digest: layer.digest.clone(),
    });
    let error = the_error(&pull(
        &registry,
        &tempfile::tempdir().unwrap(),
        &["team/app:1"],
    ));
    assert!(
        error.contains(&format!("layer 1 ({})", layer.digest)) && error.contains("broke off"),
        "{error}"
    );
}

#[test]
fn a_blob_larger_or_smaller_than_its_descriptor_or_with_another_digest_is_refused() {
    let built = image("app");
    let layer = built.layers[1].clone();
    let cases = [
        (
            [layer.blob.clone(), b"trailing".to_vec()].concat(),
            "more than the",
        ),
        (
            layer.blob[..layer.blob.len() / 2].to_vec(),
            "but the manifest gives the blob's size as",
        ),
        (
            {
                let mut other = layer.blob.clone();
                let last = other.len() - 9;
                other[last] ^= 0xff;
                other
            },
            "but the manifest says",
        ),
    ];
    for (bytes, expected) in cases {
        let registry = FakeRegistry::start();
        registry.push("team/app", "1", &built);
        registry.fault(Fault::WrongBlob {
            digest: layer.digest.clone(),
            bytes,
        });
        let error = the_error(&pull(
            &registry,
            &tempfile::tempdir().unwrap(),
            &["team/app:1"],
        ));
        assert!(
            error.contains(&format!("layer 1 ({})", layer.digest)) && error.contains(expected),
            "{expected}: {error}"
        );
    }
}

#[test]
fn a_manifest_of_an_unsupported_media_type_is_named() {
    let (registry, _) = served("app");
    registry.fault(Fault::ManifestMediaType {
        tag_or_digest: "1".into(),
        media_type: "application/vnd.docker.distribution.manifest.v1+prettyjws".into(),
    });
    let error = the_error(&pull(
        &registry,
        &tempfile::tempdir().unwrap(),
        &["team/app:1"],
    ));
    assert!(
        error.contains("`application/vnd.docker.distribution.manifest.v1+prettyjws`, which drydock does not read"),
        "{error}"
    );
}

#[test]
fn blobs_redirected_to_another_host_are_fetched_without_the_registrys_credentials() {
    let (registry, _) = served("app");
    registry.auth(Auth::basic(USER, PASSWORD));
    registry.fault(Fault::RedirectBlobs);
    let home = home_with_credentials(&registry.address());
    let run = pull(&registry, &home, &["team/app:1"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        registry.count("GET", "/blob/") >= 2,
        "{:?}",
        registry.requests()
    );
    assert!(!registry.redirect_saw_authorization());
}

#[test]
fn a_base_layer_shared_by_two_images_is_fetched_once() {
    let registry = FakeRegistry::start();
    let one = image("one");
    let two = image("two");
    assert_eq!(one.layers[0].digest, two.layers[0].digest, "a shared base");
    registry.push("team/one", "1", &one);
    registry.push("team/two", "1", &two);
    let run = pull(
        &registry,
        &tempfile::tempdir().unwrap(),
        &["team/one:1", "team/two:1"],
    );
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert_eq!(registry.count("GET", &one.layers[0].digest), 1);
    assert_eq!(registry.count("GET", &one.layers[1].digest), 1);
    assert_eq!(registry.count("GET", &two.layers[1].digest), 1);
    // Both images have the shared layer's findings.
    let doc = json(&run);
    let nc_in: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["path"] == "/usr/bin/nc" && f["rule"] == "exec-capable-netcat")
        .filter_map(|f| f["location"]["image"].as_str())
        .collect();
    assert_eq!(nc_in.len(), 2, "{nc_in:?}");
}

#[test]
fn the_other_images_of_the_run_are_still_reported() {
    let registry = FakeRegistry::start();
    let good = image("good");
    registry.push("team/good", "1", &good);
    let run = pull(
        &registry,
        &tempfile::tempdir().unwrap(),
        &["team/absent:1", "team/good:1"],
    );
    let error = the_error(&run);
    assert!(error.contains("team/absent"), "{error}");
    assert!(paths(&run).contains(&"/srv/good".to_string()));
}

#[test]
fn a_docker_manifest_list_picks_the_platform() {
    let registry = FakeRegistry::start();
    let amd = image("amd");
    let arm = Image::new()
        .tag("team/arm:1")
        .platform("linux", "arm64")
        .layer(base_layer())
        .compression(Compression::Gzip)
        .build();
    registry.push_index("team/multi", "1", &[amd, arm], IndexKind::DockerList);
    let home = tempfile::tempdir().unwrap();
    let address = registry.address();
    let with_platform = |platform: &str| {
        drydock()
            .env("HOME", home.path())
            .env("DOCKER_CONFIG", home.path().join(".docker"))
            .args(["image", "--from", "registry", "--format", "json"])
            .args(["--insecure-registry", &address, "--platform", platform])
            .arg(format!("{address}/team/multi:1"))
            .run()
    };
    assert!(paths(&with_platform("linux/amd64")).contains(&"/srv/amd".to_string()));
    assert!(!paths(&with_platform("linux/arm64")).contains(&"/srv/amd".to_string()));
    let error = the_error(&with_platform("windows/amd64"));
    assert!(
        error.contains("no image for platform windows/amd64")
            && error.contains("linux/amd64, linux/arm64"),
        "{error}"
    );
}

#[test]
fn plain_http_is_spoken_only_to_a_registry_named_insecure() {
    let (registry, _) = served("app");
    let home = tempfile::tempdir().unwrap();
    let run = drydock()
        .env("HOME", home.path())
        .env("DOCKER_CONFIG", home.path().join(".docker"))
        .args(["image", "--from", "registry"])
        .arg(format!("{}/team/app:1", registry.address()))
        .run();
    assert_eq!(run.code(), Some(2));
    assert!(run.stdout.contains("--insecure-registry"), "{}", run.stdout);
    assert_eq!(registry.count("GET", "/v2/team/app"), 0);
}

#[test]
fn apk_files_are_verified_by_fetching_again_only_the_layer_that_holds_them() {
    use fixtures::{APK_INSTALLED, ApkPackage, apk_installed, apk_q1};
    let pkg = ApkPackage::new("tools", "1.0-r0", "x86_64")
        .file("usr/bin/good", 0o755, b"good")
        .file_z("usr/bin/bad", 0, 0, 0o755, &apk_q1(b"original bad"));
    let alpine = Layer::new()
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/good", 0o755, 0, 0, b"good".to_vec())
        .file("usr/bin/bad", 0o755, 0, 0, b"tampered".to_vec())
        .file(APK_INSTALLED, 0o644, 0, 0, apk_installed(&[pkg]))
        .created_by("ADD alpine-minirootfs.tar.gz /");
    let app = Layer::new()
        .dir("srv", 0o755, 0, 0)
        .file("srv/app", 0o755, 0, 0, fixtures::plain_elf("app"))
        .created_by("COPY app /srv/");
    let built = Image::new()
        .user("0")
        .layer(alpine)
        .layer(app)
        .compression(Compression::Gzip)
        .build();
    let registry = FakeRegistry::start();
    registry.push("team/alpine", "1", &built);
    let run = pull(&registry, &tempfile::tempdir().unwrap(), &["team/alpine:1"]);
    let doc = json(&run);
    let modified: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "modified-package-file")
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert_eq!(modified, ["/usr/bin/bad"], "{}", run.stdout);
    assert_eq!(registry.count("GET", &built.layers[0].digest), 2);
    assert_eq!(registry.count("GET", &built.layers[1].digest), 1);
}

#[test]
fn scan_warns_of_an_image_a_service_builds_and_errs_on_one_it_only_runs() {
    let (registry, _) = served("app");
    registry.auth(Auth::Denied);
    let address = registry.address();
    let project = tempfile::tempdir().unwrap();
    let compose = |runs_only: bool| {
        let build = if runs_only { "" } else { "    build: .\n" };
        format!("services:\n  app:\n{build}    image: {address}/team/app:1\n")
    };
    let scan = |text: String| {
        std::fs::write(project.path().join("compose.yaml"), text).unwrap();
        let home = tempfile::tempdir().unwrap();
        drydock()
            .env("HOME", home.path())
            .env("DOCKER_CONFIG", home.path().join(".docker"))
            .arg("scan")
            .arg(project.path())
            .args(["--images", "registry", "--insecure-registry", &address])
            .args(["--format", "json"])
            .run()
    };
    let built = scan(compose(false));
    let doc = json(&built);
    assert_ne!(built.code(), Some(2), "{}", built.stdout);
    assert!(
        doc["warnings"]
            .to_string()
            .contains("the services build (`build:`) could not be read from their registries"),
        "{}",
        doc["warnings"]
    );
    let pulled = scan(compose(true));
    assert_eq!(pulled.code(), Some(2), "{}", pulled.stdout);
    assert!(
        json(&pulled)["errors"]
            .to_string()
            .contains("403 Forbidden")
    );
}

#[test]
fn a_credential_helper_runs_once_per_registry_and_run() {
    use std::os::unix::fs::PermissionsExt;
    let registry = FakeRegistry::start();
    registry.push("team/one", "1", &image("one"));
    registry.push("team/two", "1", &image("two"));
    registry.auth(Auth::basic(USER, PASSWORD));
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = home.path().join("calls");
    let helper = bin.join("docker-credential-counting");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\necho call >> '{}'\nread server\nprintf '{{\"Username\":\"{USER}\",\"Secret\":\"{PASSWORD}\"}}'\n",
            calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(home.path().join(".docker")).unwrap();
    std::fs::write(
        home.path().join(".docker/config.json"),
        r#"{"credsStore":"counting"}"#,
    )
    .unwrap();
    let address = registry.address();
    let run = drydock()
        .env("HOME", home.path())
        .env("DOCKER_CONFIG", home.path().join(".docker"))
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .args(["image", "--from", "registry", "--format", "json"])
        .args(["--insecure-registry", &address])
        .arg(format!("{address}/team/one:1"))
        .arg(format!("{address}/team/two:1"))
        .run();
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    let calls = std::fs::read_to_string(calls).unwrap();
    assert_eq!(
        calls.lines().count(),
        1,
        "the helper ran {} times",
        calls.lines().count()
    );
}
