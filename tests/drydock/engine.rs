//! `drydock image REF` and `drydock images [PATTERN...]` against a real
//! container engine, reached through its Engine API socket.
//!
//! The engine: `DOCKER_HOST` (a `unix://` socket) if it answers `GET /_ping`;
//! otherwise a throwaway dockerd started with `scripts/test-engine.sh start`
//! (root only; the script installs Debian's docker.io when dockerd is
//! missing) and stopped at the end. With neither, the test prints
//! `skipping: no container engine (…)` and passes, unless
//! `DRYDOCK_REQUIRE_ENGINE=1`, which makes that a failure. A Podman API
//! service (`scripts/test-engine.sh start-podman`) is tried as well, for the
//! same comparison through Podman's Docker-compatible API; it is skipped with
//! a notice when it cannot start, unless `DRYDOCK_REQUIRE_PODMAN=1`.
//!
//! Everything runs in one `#[test]`, so one engine serves every sub-case and
//! is stopped by a guard when the test ends (statics are never dropped).
//! Sub-cases run in order and all failures are reported together. The first
//! sub-case, `engine plumbing`, needs no drydock: it loads the test images
//! through the API and reads them back, so a failure there is the engine's,
//! not drydock's.
//!
//! The engine is driven with hand-written HTTP/1.0 requests over
//! `std::os::unix::net::UnixStream` (no client library, no `docker` CLI).
//! An engine that was not started here gets the test's tags removed at the
//! end.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::debian::*;
use crate::support::fixtures::*;
use crate::support::image::*;
use serde_json::Value;

use crate::support::{self, run::Run};

const NETCAT_TAG: &str = "drydock-test/netcat:1";
const OTHER_TAG: &str = "drydock-test/other:1";
/// On the netcat image's base layer: exported with it, in one archive.
const SIBLING_TAG: &str = "drydock-test/sibling:1";
const ABSENT_TAG: &str = "drydock-test/absent:404";
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/test-engine.sh");

type Check = Result<(), String>;

/// `Err(format!(...))` unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(format!($($arg)+));
        }
    };
}

// ---- the Engine API over a unix socket ----------------------------------------------

struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("not JSON ({e}): {}", self.text()))
    }
}

/// One HTTP/1.0 request: the server closes the connection after the
/// response, so the body runs to EOF (no chunked encoding).
fn http(sock: &Path, method: &str, path: &str, body: Option<&[u8]>) -> Result<Response, String> {
    let what = format!("{method} {path} on {}", sock.display());
    let mut stream = UnixStream::connect(sock).map_err(|e| format!("{what}: connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| format!("{what}: {e}"))?;
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: localhost\r\n");
    if let Some(b) = body {
        write!(
            head,
            "Content-Type: application/x-tar\r\nContent-Length: {}\r\n",
            b.len()
        )
        .unwrap();
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.unwrap_or_default()))
        .map_err(|e| format!("{what}: write: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{what}: read: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{what}: no end of headers in {} bytes", raw.len()))?;
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{what}: bad status line: {headers}"))?;
    let mut body = raw[split + 4..].to_vec();
    if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body).ok_or_else(|| format!("{what}: bad chunked body"))?;
    }
    Ok(Response { status, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

fn ping(sock: &Path) -> Check {
    let r = http(sock, "GET", "/_ping", None)?;
    ensure!(
        r.status == 200 && r.body == b"OK",
        "GET /_ping: {} {}",
        r.status,
        r.text()
    );
    Ok(())
}

/// `POST /images/load` of the tar at `path`.
fn load(sock: &Path, path: &Path) -> Check {
    let tar = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let r = http(sock, "POST", "/images/load?quiet=1", Some(&tar))?;
    let text = r.text();
    // Errors during the load come as a 200 with an error object in the stream.
    ensure!(
        r.status == 200 && !text.contains("\"error"),
        "loading {}: {} {text}",
        path.display(),
        r.status
    );
    Ok(())
}

fn inspect(sock: &Path, reference: &str) -> Result<Value, String> {
    let r = http(sock, "GET", &format!("/images/{reference}/json"), None)?;
    ensure!(
        r.status == 200,
        "GET /images/{reference}/json: {} {}",
        r.status,
        r.text()
    );
    r.json()
}

/// Entry names of `GET /images/{reference}/get`, and its `manifest.json`.
fn export(sock: &Path, reference: &str) -> Result<(Vec<String>, Value), String> {
    let r = http(sock, "GET", &format!("/images/{reference}/get"), None)?;
    ensure!(
        r.status == 200,
        "GET /images/{reference}/get: {} {}",
        r.status,
        r.text()
    );
    let mut names = Vec::new();
    let mut manifest = None;
    let mut archive = tar::Archive::new(r.body.as_slice());
    for entry in archive.entries().map_err(|e| format!("export: {e}"))? {
        let mut entry = entry.map_err(|e| format!("export: {e}"))?;
        let name = entry
            .path()
            .map_err(|e| format!("export: {e}"))?
            .to_string_lossy()
            .into_owned();
        if name == "manifest.json" {
            let mut text = Vec::new();
            entry
                .read_to_end(&mut text)
                .map_err(|e| format!("export: {e}"))?;
            manifest = Some(serde_json::from_slice(&text).map_err(|e| format!("{e}"))?);
        }
        names.push(name);
    }
    let manifest = manifest.ok_or_else(|| format!("export has no manifest.json: {names:?}"))?;
    Ok((names, manifest))
}

fn remove_image(sock: &Path, reference: &str) {
    let _ = http(
        sock,
        "DELETE",
        &format!("/images/{reference}?force=1"),
        None,
    );
}

// ---- finding or starting an engine --------------------------------------------------

/// An engine `scripts/test-engine.sh` started: stopped on drop.
struct Started {
    stop: &'static str,
    dir: String,
}

impl Drop for Started {
    fn drop(&mut self) {
        let out = Command::new("bash")
            .args([SCRIPT, self.stop, &self.dir])
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!(
                "warning: scripts/test-engine.sh {} {} failed: {}",
                self.stop,
                self.dir,
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => eprintln!("warning: cannot run scripts/test-engine.sh: {e}"),
        }
    }
}

struct Engine {
    /// What to call it in messages.
    name: String,
    /// `unix:///…`, for `DOCKER_HOST` and `--host`.
    host: String,
    sock: PathBuf,
    /// Set when this test started the engine; `None` for `DOCKER_HOST`'s.
    started: Option<Started>,
}

fn unix_socket(host: &str) -> Option<PathBuf> {
    host.strip_prefix("unix://").map(PathBuf::from)
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

/// `scripts/test-engine.sh <start>`: reads `DOCKER_HOST=` and `<dir_var>=`.
fn start(name: &str, start: &str, stop: &'static str, dir_var: &str) -> Result<Engine, String> {
    if !is_root() {
        return Err(format!(
            "not root, so scripts/test-engine.sh {start} cannot install or start one"
        ));
    }
    let t = Instant::now();
    let out = Command::new("bash")
        .args([SCRIPT, start])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run scripts/test-engine.sh: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let var = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    // Stop whatever was started even if the output is not what we expect.
    let started = var(dir_var).map(|dir| Started { stop, dir });
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "scripts/test-engine.sh {start} failed ({}): {}",
            out.status,
            tail.join(" | ")
        ));
    }
    let host = var("DOCKER_HOST")
        .ok_or_else(|| format!("scripts/test-engine.sh {start} printed no DOCKER_HOST"))?;
    let sock = unix_socket(&host).ok_or_else(|| format!("not a unix socket: {host}"))?;
    started
        .as_ref()
        .ok_or_else(|| format!("scripts/test-engine.sh {start} printed no {dir_var}"))?;
    eprintln!(
        "started {host} with scripts/test-engine.sh {start} in {:.1?}",
        t.elapsed()
    );
    Ok(Engine {
        name: name.to_string(),
        host,
        sock,
        started,
    })
}

/// `DOCKER_HOST` if it answers, else a dockerd of our own.
fn docker_engine() -> Result<Engine, String> {
    let mut notes = Vec::new();
    match std::env::var("DOCKER_HOST") {
        Ok(host) if !host.is_empty() => match unix_socket(&host) {
            Some(sock) => match ping(&sock) {
                Ok(()) => {
                    return Ok(Engine {
                        name: format!("DOCKER_HOST={host}"),
                        host,
                        sock,
                        started: None,
                    });
                }
                Err(e) => notes.push(format!("DOCKER_HOST={host} does not answer: {e}")),
            },
            None => notes.push(format!("DOCKER_HOST={host} is not a unix:// socket")),
        },
        _ => {}
    }
    for note in &notes {
        eprintln!("{note}; starting a dockerd");
    }
    start("dockerd", "start", "stop", "DRYDOCK_TEST_DOCKERD_DIR").map_err(|e| {
        notes.push(e);
        notes.join("; ")
    })
}

// ---- images -------------------------------------------------------------------------

/// The image of `tests/drydock/image.rs`'s first test: a usr-merged Debian-style base
/// with coreutils in its dpkg database, then `apt-get install
/// netcat-traditional` (with its update-alternatives symlinks).
fn netcat_image() -> Image {
    Image::new()
        .tag(NETCAT_TAG)
        .user("app")
        .healthcheck(&["CMD", "/usr/bin/true"])
        .layer(debian_base())
        .empty_layer("CMD [\"bash\"]")
        .layer(netcat_layer())
}

/// A second image, for pattern selection: socat, an exec-capable netcat
/// variant, at `/usr/bin/socat`.
fn other_image() -> Image {
    Image::new().tag(OTHER_TAG).user("0").layer(
        Layer::new()
            .file("usr/bin/socat", 0o755, 0, 0, socat())
            .created_by("COPY socat /usr/bin/"),
    )
}

/// A third image on the netcat image's Debian base: socat at
/// `/usr/local/bin/socat`.
fn sibling_image() -> Image {
    Image::new()
        .tag(SIBLING_TAG)
        .user("0")
        .layer(debian_base())
        .layer(
            Layer::new()
                .file("usr/local/bin/socat", 0o755, 0, 0, socat())
                .created_by("COPY socat /usr/local/bin/"),
        )
}

struct Fixtures {
    _tmp: tempfile::TempDir,
    netcat_tar: PathBuf,
    netcat: BuiltImage,
    other_tar: PathBuf,
    sibling_tar: PathBuf,
    sibling: BuiltImage,
}

fn fixtures() -> Fixtures {
    let tmp = tempfile::tempdir().unwrap();
    let netcat_tar = tmp.path().join("netcat.tar");
    let other_tar = tmp.path().join("other.tar");
    let sibling_tar = tmp.path().join("sibling.tar");
    let netcat = netcat_image().write_docker_legacy(&netcat_tar);
    other_image().write_docker_legacy(&other_tar);
    let sibling = sibling_image().write_docker_legacy(&sibling_tar);
    Fixtures {
        _tmp: tmp,
        netcat_tar,
        netcat,
        other_tar,
        sibling_tar,
        sibling,
    }
}

// ---- running drydock ----------------------------------------------------------------

/// `drydock ARGS` with `DOCKER_HOST=docker_host` (unset for `None`); `as_uid`
/// runs it as that uid and gid through `setpriv`.
fn drydock_as(
    args: &[&str],
    docker_host: Option<&str>,
    as_uid: Option<u32>,
) -> Result<Run, String> {
    let mut run = support::drydock().args(args);
    run = match docker_host {
        Some(h) => run.env("DOCKER_HOST", h),
        None => run.env_remove("DOCKER_HOST"),
    };
    if let Some(id) = as_uid {
        run = run.setpriv_uid(id);
    }
    run.try_run()
}

fn drydock(args: &[&str], docker_host: Option<&str>) -> Result<Run, String> {
    drydock_as(args, docker_host, None)
}

/// The JSON report of a clean run (exit 0 or 1, no errors).
fn report(args: &[&str], docker_host: Option<&str>) -> Result<Value, String> {
    let mut all = args.to_vec();
    all.extend(["--format", "json", "--fail-on", "critical"]);
    let run = drydock(&all, docker_host)?;
    let json = run.try_json()?;
    ensure!(
        run.code() == Some(0) || run.code() == Some(1),
        "drydock {all:?}: exit {:?}\n{json:#}\nstderr:\n{}",
        run.code(),
        run.stderr
    );
    ensure!(
        json["errors"].as_array().is_some_and(Vec::is_empty),
        "drydock {all:?}: errors in the report:\n{:#}",
        json["errors"]
    );
    Ok(json)
}

fn findings(json: &Value) -> &[Value] {
    json["findings"].as_array().map_or(&[], Vec::as_slice)
}

/// What must not depend on where the image was read from: everything but
/// the artifact and the image name.
type Key = (String, String, String, Option<u64>, String, String, String);

fn key(f: &Value) -> Key {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let loc = &f["location"];
    (
        s(&f["rule"]),
        s(&f["severity"]),
        s(&f["message"]),
        loc["layer"]["index"].as_u64(),
        s(&loc["path"]),
        s(&loc["layer"]["diff_id"]),
        s(&loc["digest"]),
    )
}

fn keys(json: &Value) -> BTreeSet<Key> {
    findings(json).iter().map(key).collect()
}

fn same_findings(engine: &Value, input: &Value) -> Check {
    let (a, b) = (keys(engine), keys(input));
    if a == b {
        return Ok(());
    }
    let mut msg =
        String::from("findings differ (rule, severity, message, layer, path, diff_id, digest):");
    for k in a.difference(&b) {
        write!(msg, "\n  only from the engine: {k:?}").unwrap();
    }
    for k in b.difference(&a) {
        write!(msg, "\n  only from --input:    {k:?}").unwrap();
    }
    Err(msg)
}

/// The exec-capable-netcat finding of `image` (a tag) at `path`.
fn netcat_finding<'a>(json: &'a Value, image: &str, path: &str) -> Option<&'a Value> {
    findings(json).iter().find(|f| {
        f["rule"] == "exec-capable-netcat"
            && f["location"]["kind"] == "image"
            && f["location"]["path"] == path
            && f["location"]["image"]
                .as_str()
                .is_some_and(|i| i.contains(image))
    })
}

fn check_netcat_finding(json: &Value, fx: &Fixtures) -> Check {
    let f = netcat_finding(json, NETCAT_TAG, "/usr/bin/nc.traditional").ok_or_else(|| {
        format!("no exec-capable-netcat for {NETCAT_TAG} at /usr/bin/nc.traditional:\n{json:#}")
    })?;
    let loc = &f["location"];
    ensure!(f["severity"] == "high", "severity: {f:#}");
    ensure!(loc["layer"]["index"] == 1, "layer index: {f:#}");
    ensure!(
        loc["layer"]["diff_id"] == fx.netcat.layers[1].diff_id.as_str(),
        "diff_id (want {}): {f:#}",
        fx.netcat.layers[1].diff_id
    );
    ensure!(
        loc["layer"]["created_by"] == NC_HISTORY,
        "created_by: {f:#}"
    );
    ensure!(
        loc["digest"] == fx.netcat.config_digest.as_str(),
        "digest (want the image id {}): {f:#}",
        fx.netcat.config_digest
    );
    Ok(())
}

// ---- sub-cases ----------------------------------------------------------------------

/// Loads both images through the API and reads them back; no drydock.
fn plumbing(e: &Engine, fx: &Fixtures) -> Check {
    ping(&e.sock)?;
    load(&e.sock, &fx.netcat_tar)?;
    load(&e.sock, &fx.other_tar)?;
    load(&e.sock, &fx.sibling_tar)?;
    let info = inspect(&e.sock, NETCAT_TAG)?;
    ensure!(
        info["Id"] == fx.netcat.config_digest.as_str(),
        "Id {} is not the config digest {}",
        info["Id"],
        fx.netcat.config_digest
    );
    let want: Vec<&str> = fx
        .netcat
        .layers
        .iter()
        .map(|l| l.diff_id.as_str())
        .collect();
    ensure!(
        info["RootFS"]["Layers"] == serde_json::json!(want),
        "RootFS.Layers {} are not the diff_ids {want:?}",
        info["RootFS"]["Layers"]
    );
    let tags: Vec<&str> = info["RepoTags"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    ensure!(
        tags.iter().any(|t| t.ends_with(NETCAT_TAG)),
        "RepoTags {tags:?} lack {NETCAT_TAG}"
    );
    let (names, manifest) = export(&e.sock, NETCAT_TAG)?;
    ensure!(
        manifest[0]["Layers"].as_array().map(Vec::len) == Some(2),
        "export manifest.json: {manifest}"
    );
    eprintln!("   {} exports {NETCAT_TAG} as: {}", e.name, names.join(" "));
    let missing = http(&e.sock, "GET", &format!("/images/{ABSENT_TAG}/json"), None)?;
    ensure!(
        missing.status == 404,
        "GET /images/{ABSENT_TAG}/json: {} {}",
        missing.status,
        missing.text()
    );
    Ok(())
}

/// `drydock image REF` reports what `drydock image --input TAR` reports.
fn image_ref_matches_input(e: &Engine, fx: &Fixtures) -> Check {
    let input = fx.netcat_tar.to_str().unwrap();
    let from_input = report(&["image", "--input", input], None)?;
    check_netcat_finding(&from_input, fx).map_err(|m| format!("--input: {m}"))?;
    let from_engine = report(&["image", NETCAT_TAG], Some(&e.host))?;
    check_netcat_finding(&from_engine, fx).map_err(|m| format!("engine: {m}"))?;
    same_findings(&from_engine, &from_input)
}

/// `drydock images` scans the test images (the two on one base from one
/// export, each under its own name and id); a pattern picks one.
fn images_all_and_pattern(e: &Engine, fx: &Fixtures) -> Check {
    let all = report(&["images"], Some(&e.host))?;
    check_netcat_finding(&all, fx).map_err(|m| format!("drydock images: {m}"))?;
    ensure!(
        netcat_finding(&all, OTHER_TAG, "/usr/bin/socat").is_some(),
        "drydock images: no exec-capable-netcat for {OTHER_TAG} at /usr/bin/socat:\n{all:#}"
    );
    let sibling = netcat_finding(&all, SIBLING_TAG, "/usr/local/bin/socat").ok_or_else(|| {
        format!("drydock images: no exec-capable-netcat for {SIBLING_TAG}:\n{all:#}")
    })?;
    ensure!(
        sibling["location"]["digest"] == fx.sibling.config_digest.as_str(),
        "{SIBLING_TAG}'s finding has another image's digest:\n{sibling:#}"
    );
    ensure!(
        netcat_finding(&all, NETCAT_TAG, "/usr/local/bin/socat").is_none()
            && netcat_finding(&all, SIBLING_TAG, "/usr/bin/nc.traditional").is_none(),
        "drydock images: the images sharing a base were mixed up:\n{all:#}"
    );
    let picked = report(&["images", NETCAT_TAG], Some(&e.host))?;
    check_netcat_finding(&picked, fx).map_err(|m| format!("drydock images {NETCAT_TAG}: {m}"))?;
    ensure!(
        netcat_finding(&picked, OTHER_TAG, "/usr/bin/socat").is_none(),
        "drydock images {NETCAT_TAG}: {OTHER_TAG} was scanned too:\n{picked:#}"
    );
    Ok(())
}

/// A reference the engine does not have: exit 2, naming it and the engine.
fn missing_reference(e: &Engine) -> Check {
    let run = drydock(
        &[
            "image",
            ABSENT_TAG,
            "--format",
            "json",
            "--fail-on",
            "critical",
        ],
        Some(&e.host),
    )?;
    let said = run.all();
    ensure!(
        run.code() == Some(2),
        "exit {:?} (want 2):\n{said}",
        run.code()
    );
    ensure!(said.contains(ABSENT_TAG), "{ABSENT_TAG} not named:\n{said}");
    let sock = e.sock.to_str().unwrap();
    ensure!(said.contains(sock), "the engine {sock} not named:\n{said}");
    // Without `--from`, the registry was asked too, and the error says so.
    ensure!(
        said.contains("from its registry:"),
        "the registry's answer not given:\n{said}"
    );
    Ok(())
}

/// `drydock scan` reads from the engine the images its Compose services
/// run (the default when an engine answers) and joins them: the netcat
/// image (`USER app`) run with the service's `user: root` is
/// `remote-shell-toolkit`; an image the engine lacks
/// is a warning, not an error; `--images none` reads none.
fn scan_joins_engine_images(e: &Engine) -> Check {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let compose = format!(
        "services:\n  toolbox:\n    image: {NETCAT_TAG}\n    user: root\n  elsewhere:\n    image: {ABSENT_TAG}\n"
    );
    std::fs::write(dir.path().join("compose.yaml"), compose).map_err(|e| e.to_string())?;
    let path = dir.path().to_str().unwrap();
    let json = report(&["scan", path], Some(&e.host))?;
    ensure!(json["summary"]["images"] == 1, "one image read:\n{json:#}");
    let chain = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "remote-shell-toolkit")
        .ok_or_else(|| format!("no remote-shell-toolkit:\n{json:#}"))?;
    ensure!(
        chain["subject"]["service"] == "toolbox" && chain["location"]["line"] == 3,
        "the finding is not on toolbox's image line:\n{chain:#}"
    );
    ensure!(
        json["warnings"].to_string().contains(ABSENT_TAG),
        "{ABSENT_TAG} is not named in a warning:\n{json:#}"
    );
    let none = report(&["scan", path, "--images", "none"], Some(&e.host))?;
    ensure!(
        none["summary"]["images"] == 0 && !none.to_string().contains("remote-shell-toolkit"),
        "--images none read images:\n{none:#}"
    );
    Ok(())
}

/// `--host` wins over `DOCKER_HOST`, both ways.
fn host_flag(e: &Engine, fx: &Fixtures) -> Check {
    let nowhere = "unix:///nonexistent.sock";
    let run = drydock(
        &["image", NETCAT_TAG, "--host", nowhere, "--format", "json"],
        Some(&e.host),
    )?;
    let said = run.all();
    ensure!(
        run.code() == Some(2),
        "--host {nowhere}: exit {:?} (want 2):\n{said}",
        run.code()
    );
    ensure!(
        said.contains("/nonexistent.sock"),
        "--host {nowhere}: the socket is not named:\n{said}"
    );
    let json = report(&["image", NETCAT_TAG, "--host", &e.host], Some(nowhere))
        .map_err(|m| format!("--host {} with DOCKER_HOST={nowhere}: {m}", e.host))?;
    check_netcat_finding(&json, fx)
}

/// A socket drydock may not open: exit 2 with an error saying so. As root,
/// drydock runs as `nobody` (through `setpriv`); otherwise the socket is
/// mode 000.
fn permission_denied() -> Check {
    let nobody = 65534;
    let as_uid = if is_root() {
        let have_setpriv = Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !have_setpriv {
            support::skipped(&format!(
                "permission-denied socket: running as root and no setpriv to drop to uid {nobody}"
            ));
            return Ok(());
        }
        Some(nobody)
    } else {
        None
    };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let sock = tmp.path().join("denied.sock");
    let _listener =
        UnixListener::bind(&sock).map_err(|e| format!("bind {}: {e}", sock.display()))?;
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o000)).unwrap();
    let host = format!("unix://{}", sock.display());
    let run = drydock_as(
        &["image", NETCAT_TAG, "--format", "json"],
        Some(&host),
        as_uid,
    )?;
    let said = run.all();
    ensure!(
        run.code() == Some(2),
        "exit {:?} (want 2):\n{said}",
        run.code()
    );
    ensure!(
        said.to_lowercase().contains("permission"),
        "no word of permission:\n{said}"
    );
    ensure!(
        said.contains(sock.to_str().unwrap()),
        "the socket is not named:\n{said}"
    );
    Ok(())
}

// ---- the test -----------------------------------------------------------------------

struct Cases {
    failures: Vec<String>,
}

impl Cases {
    /// Runs `f`, recording an error or a panic; true when it passed.
    fn run(&mut self, name: &str, f: impl FnOnce() -> Check) -> bool {
        eprintln!("-- {name}");
        let t = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(f));
        let failure = match result {
            Ok(Ok(())) => {
                eprintln!("   ok ({:.1?})", t.elapsed());
                return true;
            }
            Ok(Err(msg)) => msg,
            Err(p) => p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .map_or_else(|| "panicked".to_string(), |m| format!("panicked: {m}")),
        };
        eprintln!("   FAILED: {failure}");
        self.failures.push(format!("{name}: {failure}"));
        false
    }
}

/// Every engine sub-case against `e`; the test images are removed afterwards
/// from an engine this test did not start.
fn engine_cases(cases: &mut Cases, e: &Engine, fx: &Fixtures) {
    let label = &e.name;
    if cases.run(&format!("{label}: engine plumbing"), || plumbing(e, fx)) {
        cases.run(&format!("{label}: image REF matches --input"), || {
            image_ref_matches_input(e, fx)
        });
        cases.run(&format!("{label}: images, all and by pattern"), || {
            images_all_and_pattern(e, fx)
        });
        cases.run(&format!("{label}: missing reference"), || {
            missing_reference(e)
        });
        cases.run(&format!("{label}: --host"), || host_flag(e, fx));
        cases.run(&format!("{label}: scan joins engine images"), || {
            scan_joins_engine_images(e)
        });
    } else {
        cases
            .failures
            .push(format!("{label}: the drydock sub-cases did not run"));
    }
    if e.started.is_none() {
        remove_image(&e.sock, NETCAT_TAG);
        remove_image(&e.sock, OTHER_TAG);
        remove_image(&e.sock, SIBLING_TAG);
    }
}

#[test]
fn engine() {
    let t = Instant::now();
    let docker = match docker_engine() {
        Ok(e) => e,
        Err(reason) => {
            support::skip(
                "DRYDOCK_REQUIRE_ENGINE",
                &format!("no container engine ({reason})"),
            );
            return;
        }
    };
    let fx = fixtures();
    let mut cases = Cases {
        failures: Vec::new(),
    };
    engine_cases(&mut cases, &docker, &fx);
    cases.run("permission-denied socket", permission_denied);
    drop(docker);

    match start(
        "podman",
        "start-podman",
        "stop-podman",
        "DRYDOCK_TEST_PODMAN_DIR",
    ) {
        Ok(podman) => engine_cases(&mut cases, &podman, &fx),
        Err(reason) if support::required("DRYDOCK_REQUIRE_PODMAN") => cases.failures.push(format!(
            "no Podman service and DRYDOCK_REQUIRE_PODMAN=1: {reason}"
        )),
        Err(reason) => support::skipped(&format!(
            "the Podman sub-cases: {reason} (set DRYDOCK_REQUIRE_PODMAN=1 to fail instead)"
        )),
    }
    eprintln!("engine test: {:.1?}", t.elapsed());
    assert!(
        cases.failures.is_empty(),
        "{} failure(s):\n\n{}",
        cases.failures.len(),
        cases.failures.join("\n\n")
    );
}
