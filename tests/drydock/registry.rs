//! `drydock image REF` and `drydock scan --images registry` against a real
//! registry: Debian's `docker-registry` (Docker Distribution 2.8), two of
//! them on 127.0.0.1 behind a CA the test makes (one with htpasswd
//! authentication, one open), started and stopped by
//! `scripts/test-registry.sh`. Images are built by the test support and
//! pushed with `skopeo` (a docker archive, an OCI layout with zstd layers,
//! a two-platform OCI index).
//!
//! drydock trusts the test CA the way a user's Podman does: through
//! `~/.config/containers/certs.d/HOST:PORT/ca.crt`, under a `HOME` made
//! for each run; credentials come from a `DOCKER_CONFIG` (or
//! `REGISTRY_AUTH_FILE`, or a credential helper) written by the test.
//!
//! When the registries cannot start (not root, no Debian packages) the
//! test prints `SKIPPED` and passes, unless `DRYDOCK_REQUIRE_REGISTRY=1`.
//! Everything runs in one `#[test]`, so one pair of registries serves every
//! sub-case; all failures are reported together.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::fixtures;
use crate::support::image::{Compression, Image, IndexStyle, Layer, write_oci_dir_multiarch};
use crate::support::{self, drydock, run::Drydock};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/test-registry.sh");

type Check = Result<(), String>;

/// A named sub-case.
type Case = (&'static str, fn(&Ctx) -> Check);

macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(format!($($arg)+));
        }
    };
}

/// The registries, stopped when dropped.
struct Registries {
    env: Vec<(String, String)>,
}

impl Registries {
    fn var(&self, name: &str) -> String {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{SCRIPT} start printed no {name}"))
    }

    fn auth(&self) -> String {
        self.var("DRYDOCK_TEST_REGISTRY")
    }

    fn open(&self) -> String {
        self.var("DRYDOCK_TEST_REGISTRY_OPEN")
    }

    /// `skopeo copy` of `source` to `repo:tag` of the open (or the
    /// authenticated) registry.
    fn push(&self, source: &str, target: &str, open: bool, all: bool) {
        let mut command = Command::new(SCRIPT);
        command.arg("push");
        if open {
            command.arg("--open");
        }
        if all {
            command.arg("--all");
        }
        let out = command
            .arg(source)
            .arg(target)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run test-registry.sh push");
        assert!(
            out.status.success(),
            "push {source} {target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Registries {
    fn drop(&mut self) {
        let _ = Command::new(SCRIPT)
            .arg("stop")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output();
    }
}

fn start() -> Option<Registries> {
    let out = Command::new(SCRIPT).arg("start").output();
    match out {
        Ok(out) if out.status.success() => {
            let env = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Some(Registries { env })
        }
        Ok(out) => {
            support::skip(
                "DRYDOCK_REQUIRE_REGISTRY",
                &format!(
                    "no test registry ({SCRIPT} start: {})",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            );
            None
        }
        Err(e) => {
            support::skip(
                "DRYDOCK_REQUIRE_REGISTRY",
                &format!("no test registry ({SCRIPT}: {e})"),
            );
            None
        }
    }
}

/// A user's home: the CA in Podman's per-user certs.d for both registries,
/// and no credentials unless a test writes them.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(registries: &Registries) -> Home {
        let dir = tempfile::tempdir().unwrap();
        let ca = std::fs::read(registries.var("DRYDOCK_TEST_REGISTRY_CA")).unwrap();
        for host in [registries.auth(), registries.open()] {
            let certs = dir.path().join(".config/containers/certs.d").join(host);
            std::fs::create_dir_all(&certs).unwrap();
            std::fs::write(certs.join("ca.crt"), &ca).unwrap();
        }
        std::fs::create_dir_all(dir.path().join(".docker")).unwrap();
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// drydock as this user: no engine, no credentials but this home's.
    fn drydock(&self) -> Drydock {
        drydock()
            .env("HOME", self.path())
            .env("DOCKER_CONFIG", self.path().join(".docker"))
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("XDG_RUNTIME_DIR")
    }

    fn docker_config(&self, json: &str) {
        std::fs::write(self.path().join(".docker/config.json"), json).unwrap();
    }
}

fn base64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Root by default; an exec-capable netcat and a setuid helper.
fn toolbox(tag: &str) -> Image {
    let layer = Layer::new()
        .dir("etc", 0o755, 0, 0)
        .file("etc/passwd", 0o644, 0, 0, fixtures::base_passwd())
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/nc", 0o755, 0, 0, fixtures::netcat_traditional())
        .dir("usr/local", 0o755, 0, 0)
        .dir("usr/local/bin", 0o755, 0, 0)
        .file(
            "usr/local/bin/helper",
            0o4755,
            0,
            0,
            fixtures::plain_elf("helper"),
        )
        .created_by("COPY . /");
    let app = Layer::new()
        .dir("app", 0o755, 0, 0)
        .file("app/server", 0o777, 0, 0, fixtures::plain_elf("server"))
        .created_by("COPY server /app/");
    Image::new()
        .tag(tag)
        .layer(layer)
        .layer(app)
        .compression(Compression::Gzip)
}

/// The findings of a JSON report, without the image's name: (rule,
/// severity, message, layer index, diff id, path).
fn findings(doc: &Value) -> BTreeSet<(String, String, String, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    doc["findings"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|f| {
            let l = &f["location"];
            (
                text(&f["rule"]),
                text(&f["severity"]),
                text(&f["message"]),
                l["layer"]["index"].to_string(),
                text(&l["layer"]["diff_id"]),
                text(&l["path"]),
            )
        })
        .collect()
}

fn json(run: &support::run::Run) -> Result<Value, String> {
    serde_json::from_str(&run.stdout).map_err(|e| {
        format!(
            "not JSON ({e}); exit {:?}; stderr: {}",
            run.code(),
            run.stderr
        )
    })
}

#[test]
fn images_are_read_from_a_real_registry() {
    let Some(registries) = start() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("toolbox.tar");
    toolbox("acme/toolbox:2").write_docker_oci(&archive);
    let zstd_dir = work.path().join("zstd");
    toolbox("acme/toolbox:zstd")
        .compression(Compression::Zstd)
        .write_oci_dir(&zstd_dir);
    let multi_dir = work.path().join("multi");
    let arm = toolbox("acme/multi:1").layer(
        Layer::new()
            .dir("usr/sbin", 0o755, 0, 0)
            .file("usr/sbin/armonly", 0o4755, 0, 0, fixtures::plain_elf("arm"))
            .created_by("COPY armonly /usr/sbin/"),
    );
    let amd = toolbox("acme/multi:1");
    write_oci_dir_multiarch(
        &multi_dir,
        &[("linux", "amd64", &amd), ("linux", "arm64", &arm)],
        IndexStyle::Nested,
    );
    let archive_src = format!("docker-archive:{}", archive.display());
    registries.push(&archive_src, "acme/toolbox:2", true, false);
    registries.push(&archive_src, "acme/toolbox:2", false, false);
    registries.push(
        &format!("oci:{}", zstd_dir.display()),
        "acme/toolbox:zstd",
        true,
        false,
    );
    registries.push(
        &format!("oci:{}", multi_dir.display()),
        "acme/multi:1",
        true,
        true,
    );
    let home = Home::new(&registries);
    let local = home
        .drydock()
        .args(["image", "--format", "json", "--input"])
        .arg(&archive)
        .run();
    let expected = findings(&json(&local).unwrap());
    assert!(!expected.is_empty(), "the toolbox has findings");
    let ctx = Ctx {
        registries: &registries,
        home: &home,
        expected: &expected,
        work: work.path(),
    };
    let cases: [Case; 11] = [
        ("same findings as the archive", same_findings_as_the_archive),
        ("by manifest digest", by_manifest_digest),
        ("zstd layers", zstd_layers),
        ("--platform picks from an index", platform_from_an_index),
        (
            "credentials from config.json",
            credentials_from_docker_config,
        ),
        ("credentials from a helper", credentials_from_a_helper),
        (
            "credentials from REGISTRY_AUTH_FILE",
            credentials_from_podman_file,
        ),
        (
            "wrong and missing credentials",
            wrong_and_missing_credentials,
        ),
        ("unknown repository and tag", unknown_repository_and_tag),
        ("an untrusted certificate", untrusted_certificate),
        ("scan joins registry images", scan_joins_registry_images),
    ];
    let mut failures = Vec::new();
    for (name, case) in cases {
        if let Err(why) = case(&ctx) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

struct Ctx<'a> {
    registries: &'a Registries,
    home: &'a Home,
    expected: &'a BTreeSet<(String, String, String, String, String, String)>,
    work: &'a Path,
}

impl Ctx<'_> {
    fn image(&self, reference: &str, extra: &[&str]) -> support::run::Run {
        self.home
            .drydock()
            .args(["image", "--from", "registry", "--format", "json", reference])
            .args(extra)
            .run()
    }
}

fn same_findings_as_the_archive(ctx: &Ctx) -> Check {
    let reference = format!("{}/acme/toolbox:2", ctx.registries.open());
    let run = ctx.image(&reference, &[]);
    let doc = json(&run)?;
    ensure!(
        run.code() == Some(1),
        "exit {:?}: {}",
        run.code(),
        run.stderr
    );
    let got = findings(&doc);
    ensure!(
        got == *ctx.expected,
        "registry findings differ from the archive's:\nonly registry: {:?}\nonly archive: {:?}",
        got.difference(ctx.expected).collect::<Vec<_>>(),
        ctx.expected.difference(&got).collect::<Vec<_>>()
    );
    let sources = &doc["summary"]["image_sources"];
    let source = sources[0]["source"].as_str().unwrap_or("");
    ensure!(
        source.starts_with(&format!(
            "registry {}, repository acme/toolbox, tag 2, manifest sha256:",
            ctx.registries.open()
        )),
        "summary.image_sources: {sources}"
    );
    ensure!(
        doc["findings"][0]["location"]["image"] == reference.as_str(),
        "findings name the image as asked for: {}",
        doc["findings"][0]["location"]
    );
    // Automatic source: no engine answers here, so the registry is read.
    let auto = ctx
        .home
        .drydock()
        .env_remove("DOCKER_HOST")
        .args(["image", "--format", "json", &reference])
        .run();
    ensure!(
        findings(&json(&auto)?) == *ctx.expected,
        "without --from: {}",
        auto.stderr
    );
    Ok(())
}

fn manifest_digest(doc: &Value) -> Option<String> {
    let source = doc["summary"]["image_sources"][0]["source"].as_str()?;
    Some(source.rsplit_once("manifest ")?.1.to_string())
}

fn by_manifest_digest(ctx: &Ctx) -> Check {
    let tagged = json(&ctx.image(&format!("{}/acme/toolbox:2", ctx.registries.open()), &[]))?;
    let digest = manifest_digest(&tagged).ok_or("no manifest digest in the report")?;
    let pinned = format!("{}/acme/toolbox@{digest}", ctx.registries.open());
    let run = ctx.image(&pinned, &[]);
    ensure!(
        findings(&json(&run)?) == *ctx.expected,
        "by digest: exit {:?} {}",
        run.code(),
        run.stderr
    );
    let absent = format!(
        "{}/acme/toolbox@sha256:{}",
        ctx.registries.open(),
        "0".repeat(64)
    );
    let run = ctx.image(&absent, &[]);
    ensure!(
        run.code() == Some(2),
        "absent digest: exit {:?}",
        run.code()
    );
    ensure!(
        run.stdout.contains("has no manifest sha256:000"),
        "absent digest message: {}",
        run.stdout
    );
    Ok(())
}

fn zstd_layers(ctx: &Ctx) -> Check {
    let run = ctx.image(&format!("{}/acme/toolbox:zstd", ctx.registries.open()), &[]);
    let got = findings(&json(&run)?);
    // Same files, other blobs: the diff ids are the same, the findings too.
    ensure!(
        got == *ctx.expected,
        "zstd: exit {:?} {}\n{got:?}",
        run.code(),
        run.stderr
    );
    Ok(())
}

fn platform_from_an_index(ctx: &Ctx) -> Check {
    let reference = format!("{}/acme/multi:1", ctx.registries.open());
    let has_armonly = |doc: &Value| findings(doc).iter().any(|f| f.5 == "/usr/sbin/armonly");
    let amd = json(&ctx.image(&reference, &["--platform", "linux/amd64"]))?;
    ensure!(
        !has_armonly(&amd),
        "linux/amd64 is the image without armonly"
    );
    let arm = json(&ctx.image(&reference, &["--platform", "linux/arm64"]))?;
    ensure!(has_armonly(&arm), "linux/arm64 has armonly: {arm}");
    let run = ctx.image(&reference, &["--platform", "linux/s390x"]);
    ensure!(run.code() == Some(2), "s390x: exit {:?}", run.code());
    ensure!(
        run.stdout.contains("linux/amd64") && run.stdout.contains("linux/arm64"),
        "the error names the platforms there are: {}",
        run.stdout
    );
    Ok(())
}

fn user_and_password(ctx: &Ctx) -> (String, String) {
    (
        ctx.registries.var("DRYDOCK_TEST_REGISTRY_USER"),
        ctx.registries.var("DRYDOCK_TEST_REGISTRY_PASSWORD"),
    )
}

/// `run` reads the toolbox from the registry with authentication, with the
/// findings the archive has.
fn reads_the_toolbox(ctx: &Ctx, run: Drydock, how: &str) -> Check {
    let run = run
        .args(["image", "--from", "registry", "--format", "json"])
        .arg(format!("{}/acme/toolbox:2", ctx.registries.auth()))
        .run();
    ensure!(
        findings(&json(&run)?) == *ctx.expected,
        "{how}: exit {:?}: {}",
        run.code(),
        run.stdout
    );
    Ok(())
}

fn credentials_from_docker_config(ctx: &Ctx) -> Check {
    let (user, password) = user_and_password(ctx);
    let auth = ctx.registries.auth();
    let home = Home::new(ctx.registries);
    home.docker_config(&format!(
        r#"{{"auths":{{"{auth}":{{"auth":"{}"}}}}}}"#,
        base64(&format!("{user}:{password}"))
    ));
    reads_the_toolbox(ctx, home.drydock(), "config.json auths")
}

fn credentials_from_a_helper(ctx: &Ctx) -> Check {
    let (user, password) = user_and_password(ctx);
    let auth = ctx.registries.auth();
    let home = Home::new(ctx.registries);
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-drydocktest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread server\nif [ \"$server\" = '{auth}' ]; then\n  printf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{password}\"}}' \"$server\"\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    home.docker_config(&format!(
        r#"{{"auths":{{"{auth}":{{}}}},"credHelpers":{{"{auth}":"drydocktest"}}}}"#
    ));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    reads_the_toolbox(ctx, home.drydock().env("PATH", &path), "credHelpers")?;
    // The same helper as the credsStore of every registry.
    home.docker_config(r#"{"credsStore":"drydocktest"}"#);
    reads_the_toolbox(ctx, home.drydock().env("PATH", &path), "credsStore")
}

fn credentials_from_podman_file(ctx: &Ctx) -> Check {
    let (user, password) = user_and_password(ctx);
    let auth = ctx.registries.auth();
    let file = ctx.work.join("auth.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"auths":{{"{auth}":{{"auth":"{}"}}}}}}"#,
            base64(&format!("{user}:{password}"))
        ),
    )
    .unwrap();
    reads_the_toolbox(
        ctx,
        ctx.home.drydock().env("REGISTRY_AUTH_FILE", &file),
        "REGISTRY_AUTH_FILE",
    )
}

fn wrong_and_missing_credentials(ctx: &Ctx) -> Check {
    let (user, _) = user_and_password(ctx);
    let auth = ctx.registries.auth();
    let reference = format!("{auth}/acme/toolbox:2");
    let home = Home::new(ctx.registries);
    let wrong = "wrong-Pa55word-of-the-test";
    home.docker_config(&format!(
        r#"{{"auths":{{"https://{auth}":{{"auth":"{}"}}}}}}"#,
        base64(&format!("{user}:{wrong}"))
    ));
    let run = home
        .drydock()
        .args(["image", "--from", "registry", &reference])
        .run();
    ensure!(run.code() == Some(2), "wrong: exit {:?}", run.code());
    let all = format!("{}{}", run.stdout, run.stderr);
    ensure!(
        all.contains("401 Unauthorized") && all.contains("config.json (auths)"),
        "wrong credentials: {all}"
    );
    ensure!(
        !all.contains(wrong) && !all.contains(&base64(&format!("{user}:{wrong}"))),
        "the password is printed: {all}"
    );
    let run = ctx
        .home
        .drydock()
        .args(["image", "--from", "registry", &reference])
        .run();
    ensure!(run.code() == Some(2), "missing: exit {:?}", run.code());
    ensure!(
        run.stdout.contains(&format!("docker login {auth}")),
        "missing credentials: {}",
        run.stdout
    );
    Ok(())
}

fn unknown_repository_and_tag(ctx: &Ctx) -> Check {
    let open = ctx.registries.open();
    let run = ctx.image(&format!("{open}/acme/nothing:1"), &[]);
    ensure!(
        run.code() == Some(2) && run.stdout.contains("has no repository acme/nothing"),
        "unknown repository: exit {:?} {}",
        run.code(),
        run.stdout
    );
    let run = ctx.image(&format!("{open}/acme/toolbox:9"), &[]);
    ensure!(
        run.code() == Some(2) && run.stdout.contains("has no tag 9"),
        "unknown tag: exit {:?} {}",
        run.code(),
        run.stdout
    );
    // The other images of the run are still reported.
    let run = ctx.image(
        &format!("{open}/acme/toolbox:9"),
        &[&format!("{open}/acme/toolbox:2")],
    );
    ensure!(
        run.code() == Some(2) && findings(&json(&run)?) == *ctx.expected,
        "one bad reference among good ones: exit {:?}",
        run.code()
    );
    Ok(())
}

fn untrusted_certificate(ctx: &Ctx) -> Check {
    let bare: PathBuf = ctx.work.join("bare-home");
    std::fs::create_dir_all(&bare).unwrap();
    let run = drydock()
        .env("HOME", &bare)
        .env("DOCKER_CONFIG", bare.join(".docker"))
        .args(["image", "--from", "registry"])
        .arg(format!("{}/acme/toolbox:2", ctx.registries.open()))
        .run();
    ensure!(run.code() == Some(2), "exit {:?}", run.code());
    ensure!(
        run.stdout.contains("TLS") && run.stdout.contains("certs.d"),
        "the error says how to trust a private CA: {}",
        run.stdout
    );
    Ok(())
}

fn scan_joins_registry_images(ctx: &Ctx) -> Check {
    let open = ctx.registries.open();
    let project = ctx.work.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("compose.yaml"),
        format!(
            "services:\n  debug:\n    image: {open}/acme/toolbox:2\n  missing:\n    image: {open}/acme/absent:1\n"
        ),
    )
    .unwrap();
    let run = ctx
        .home
        .drydock()
        .arg("scan")
        .arg(&project)
        .args(["--images", "registry", "--format", "json"])
        .run();
    let doc = json(&run)?;
    let shell = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "remote-shell-toolkit")
        .ok_or_else(|| format!("no remote-shell-toolkit: {}", run.stdout))?;
    ensure!(
        shell["location"]["line"] == 3 && shell["subject"]["service"] == "debug",
        "on the image: line of `debug`: {shell}"
    );
    let warnings = doc["warnings"].to_string();
    ensure!(
        warnings.contains("acme/absent:1") && warnings.contains("not in their registries"),
        "the absent image is a warning: {warnings}"
    );
    ensure!(run.code() == Some(1), "exit {:?}", run.code());
    // The engine first, then the registry: no engine answers here, which
    // is said, and the registry is read.
    let both = ctx
        .home
        .drydock()
        .arg("scan")
        .arg(&project)
        .args(["--images", "engine,registry", "--format", "json"])
        .run();
    let doc = json(&both)?;
    ensure!(
        doc["summary"]["images"] == 1
            && doc["warnings"].to_string().contains("engine: ")
            && doc["findings"].to_string().contains("remote-shell-toolkit"),
        "--images engine,registry without an engine: {doc}"
    );
    Ok(())
}

/// Every image reference in the peers' data (`image:` values of the
/// Compose and Kubernetes fixtures, `FROM` of the official images'
/// Dockerfiles) is read as skopeo reads it: the same verdict (a reference
/// or not) and the same registry API host. Both run with an HTTPS proxy
/// that refuses connections, so each fails at its first request, naming
/// the host it tried.
#[test]
fn image_references_resolve_to_the_registry_skopeo_asks() {
    let Some(peers) = support::peers_dir("") else {
        return;
    };
    if Command::new("skopeo").arg("--version").output().is_err() {
        support::skip("DRYDOCK_REQUIRE_REGISTRY", "no skopeo to compare with");
        return;
    }
    let mut references = BTreeSet::new();
    collect_references(&peers, &mut references);
    assert!(references.len() > 150, "{} references", references.len());
    let references: Vec<String> = references.into_iter().collect();
    let home = tempfile::tempdir().unwrap();
    let run = drydock()
        .env("HOME", home.path())
        .env("DOCKER_CONFIG", home.path())
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .args(["image", "--from", "registry", "--format", "json", "--"])
        .args(&references)
        .run();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut differ = Vec::new();
    for reference in &references {
        let message = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == reference.as_str())
            .and_then(|e| e["message"].as_str())
            .unwrap_or("");
        let ours = if message.contains("is not an image reference") {
            "invalid".to_string()
        } else {
            between(message, "(https://", ")")
                .unwrap_or(message)
                .to_string()
        };
        let out = Command::new("skopeo")
            .args([
                "inspect",
                "--retry-times",
                "0",
                &format!("docker://{reference}"),
            ])
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("HOME", home.path())
            .output()
            .expect("run skopeo");
        let said = String::from_utf8_lossy(&out.stderr);
        let theirs = if said.contains("invalid reference format") {
            "invalid".to_string()
        } else {
            between(&said, "https://", "/v2/")
                .unwrap_or(&said)
                .to_string()
        };
        if ours != theirs {
            differ.push(format!("{reference}: drydock {ours}, skopeo {theirs}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// `image:` values (YAML) and `FROM` images (Dockerfiles) under `dir`,
/// leaving out those with a variable or a build stage's name.
fn collect_references(dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_references(&path, out);
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        let dockerfile = name.starts_with("Dockerfile");
        if !yaml && !dockerfile {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut stages = BTreeSet::new();
        for line in text.lines() {
            let line = line.trim().trim_start_matches("- ").trim();
            let value = if yaml {
                line.strip_prefix("image:").map(str::trim)
            } else {
                line.strip_prefix("FROM ").map(|rest| {
                    let words: Vec<&str> = rest
                        .split_whitespace()
                        .filter(|w| !w.starts_with("--"))
                        .collect();
                    if let [_, as_, stage] = words.as_slice()
                        && as_.eq_ignore_ascii_case("as")
                    {
                        stages.insert(stage.to_string());
                    }
                    words.first().copied().unwrap_or("")
                })
            };
            let Some(value) = value.map(|v| v.trim_matches(['"', '\''])) else {
                continue;
            };
            let plain = !value.is_empty()
                && !value.contains(['$', '{', ' ', '#'])
                && value != "scratch"
                && !stages.contains(value);
            if plain {
                out.insert(value.to_string());
            }
        }
    }
}
