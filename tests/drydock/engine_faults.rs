//! `drydock image REF` and `drydock images` against a fake engine that
//! misbehaves: an export that breaks off mid-stream, an API error, a corrupt
//! export, a missing image. Each is exit 2 with a one-line error naming the
//! reference (and the engine where the engine is at fault), never a panic,
//! and the broken image contributes no findings. A healthy export through the
//! same fake engine (exit 1, an `exec-capable-netcat` finding) shows that the
//! fake speaks enough HTTP for bollard, so the faults fail for the right
//! reason.
//!
//! The fake engine is a thread serving hand-written HTTP/1.1 on a unix socket
//! in a temporary directory: keep-alive connections, `Content-Length` or
//! chunked bodies, one thread per connection (`drydock images` exports two
//! images at once). It answers `/_ping`, `/version`, `/images/json`,
//! `/images/{ref}/json` and `/images/{ref}/get`, with or without the
//! `/v1.xx` prefix. Every request line is logged and shown when a case fails.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::support::fixtures::*;
use crate::support::http::{percent_decode, reason};
use crate::support::image::*;
use serde_json::{Value, json};

use crate::support;

const NETCAT_TAG: &str = "drydock-fake/netcat:1";
const SOCAT_TAG: &str = "drydock-fake/socat:1";
const SIBLING_TAG: &str = "drydock-fake/sibling:1";
const NC_PATH: &str = "/usr/bin/nc.traditional";
const SOCAT_PATH: &str = "/usr/bin/socat";
/// Longest a drydock run may take before the test kills it.
const RUN_LIMIT: Duration = Duration::from_secs(30);

// ---- images -------------------------------------------------------------------------

/// A small Debian-like base layer.
fn base_layer() -> Layer {
    Layer::new()
        .dir("etc", 0o755, 0, 0)
        .file("etc/passwd", 0o644, 0, 0, base_passwd())
        .file("etc/group", 0o644, 0, 0, base_group())
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/true", 0o755, 0, 0, plain_elf("true"))
        .file("usr/bin/cat", 0o755, 0, 0, plain_elf("cat"))
        .created_by("ADD rootfs.tar.xz / # buildkit")
}

/// A base layer, then netcat-traditional at `/usr/bin/nc.traditional`.
fn netcat_image() -> Image {
    let base = base_layer();
    let nc = Layer::new()
        .file("usr/bin/nc.traditional", 0o755, 0, 0, netcat_traditional())
        .symlink("usr/bin/nc", "/usr/bin/nc.traditional")
        .created_by("RUN /bin/sh -c apt-get install -y netcat-traditional # buildkit");
    Image::new()
        .tag(NETCAT_TAG)
        .user("app")
        .healthcheck(&["CMD", "/usr/bin/true"])
        .layer(base)
        .empty_layer("CMD [\"bash\"]")
        .layer(nc)
}

/// One layer: socat (an exec-capable netcat variant) at `/usr/bin/socat`.
fn socat_image() -> Image {
    Image::new().tag(SOCAT_TAG).user("0").layer(
        Layer::new()
            .file("usr/bin/socat", 0o755, 0, 0, socat())
            .created_by("COPY socat /usr/bin/"),
    )
}

/// A legacy `docker save` tar of `image`, in memory; and the image id.
fn docker_save(image: &Image) -> (Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    let built = image.write_docker_legacy(&path);
    (std::fs::read(&path).unwrap(), built.config_digest)
}

/// Where the header of the `name` entry starts in `tar`.
fn entry_offset(tar: &[u8], name: &str) -> usize {
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some(name) {
            return usize::try_from(entry.raw_header_position()).unwrap();
        }
    }
    panic!("no {name} in the archive");
}

// ---- the fake engine ----------------------------------------------------------------

/// How the fake engine answers `GET /images/{ref}/get`.
#[derive(Clone)]
enum Export {
    /// The tar, chunked, in full.
    Tar(Vec<u8>),
    /// The first `n` bytes of the tar, chunked; then the connection closes
    /// without the final chunk.
    BreakAfter(Vec<u8>, usize),
    /// The first `n` bytes of the tar, chunked, the last chunk declaring
    /// more bytes than it carries; then the connection closes (the engine
    /// died while writing a chunk).
    BreakInChunk(Vec<u8>, usize),
    /// An API error: this status with `{"message": …}`.
    Fail(u16, String),
}

#[derive(Clone)]
struct FakeImage {
    id: String,
    export: Export,
    /// The diff ids inspect lists (`RootFS.Layers`).
    layers: Vec<String>,
}

struct Routes {
    /// By reference; a reference not here is a 404 on inspect and export.
    images: BTreeMap<String, FakeImage>,
    /// The answer to `GET /images/get?names=…` (several images in one
    /// export), whatever the names.
    together: Option<Vec<u8>>,
    /// Request lines, in the order they arrived.
    log: Mutex<Vec<String>>,
}

struct FakeEngine {
    /// Holds the socket; removed on drop.
    _dir: tempfile::TempDir,
    sock: PathBuf,
    /// `unix:///…/e.sock`, for `--host`.
    host: String,
    routes: Arc<Routes>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeEngine {
    fn start(images: &[(&str, FakeImage)]) -> FakeEngine {
        FakeEngine::serving(images, None)
    }

    /// An engine that also answers an export of several images with
    /// `together`.
    fn serving(images: &[(&str, FakeImage)], together: Option<Vec<u8>>) -> FakeEngine {
        // A short path: unix socket paths are limited to about 100 bytes.
        let dir = tempfile::Builder::new()
            .prefix("ddfe")
            .tempdir_in("/tmp")
            .unwrap();
        let sock = dir.path().join("e.sock");
        let listener = UnixListener::bind(&sock).unwrap();
        let routes = Arc::new(Routes {
            images: images
                .iter()
                .map(|(r, i)| (r.to_string(), i.clone()))
                .collect(),
            together,
            log: Mutex::new(Vec::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let routes = Arc::clone(&routes);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let routes = Arc::clone(&routes);
                    std::thread::spawn(move || serve(conn, &routes));
                }
            })
        };
        let host = format!("unix://{}", sock.display());
        FakeEngine {
            _dir: dir,
            sock,
            host,
            routes,
            stop,
            acceptor: Some(acceptor),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.routes.log.lock().unwrap().clone()
    }
}

impl Drop for FakeEngine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the acceptor, which then sees `stop`.
        let _ = UnixStream::connect(&self.sock);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Serves the requests of one connection until the client closes it (or a
/// response closes it on purpose).
fn serve(conn: UnixStream, routes: &Routes) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(20)));
    let _ = conn.set_write_timeout(Some(Duration::from_secs(20)));
    let Ok(mut out) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let request_line = line.trim_end().to_string();
        if request_line.is_empty() {
            continue; // a stray CRLF between requests
        }
        let mut content_length = 0usize;
        let mut close = false;
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => content_length = value.parse().unwrap_or(0),
                    "connection" => close |= value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        routes.log.lock().unwrap().push(request_line.clone());
        let keep_open = respond(&mut out, &request_line, routes).unwrap_or(false);
        if close || !keep_open {
            return;
        }
    }
}

/// `/v1.41/images/x/json?a=b` → `/images/x/json`, percent-decoded.
fn route_path(target: &str) -> String {
    let path = target.split('?').next().unwrap_or(target);
    let path = match path.strip_prefix("/v") {
        Some(rest) => match rest.split_once('/') {
            Some((version, tail)) if version.chars().all(|c| c.is_ascii_digit() || c == '.') => {
                format!("/{tail}")
            }
            _ => path.to_string(),
        },
        None => path.to_string(),
    };
    percent_decode(&path)
}

/// A complete response with `Content-Length`.
fn send(out: &mut UnixStream, status: u16, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\n\
         Ostype: linux\r\nServer: drydock-fake-engine\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        reason(status),
        body.len()
    );
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

fn send_json(out: &mut UnixStream, status: u16, value: &Value) -> std::io::Result<()> {
    send(
        out,
        status,
        "application/json",
        &serde_json::to_vec(value).unwrap(),
    )
}

/// The head of a chunked response, then `data` in chunks; the final empty
/// chunk only when `finish`.
fn send_chunked(
    out: &mut UnixStream,
    content_type: &str,
    data: &[u8],
    finish: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\n\
         Ostype: linux\r\nServer: drydock-fake-engine\r\nContent-Type: {content_type}\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    out.write_all(head.as_bytes())?;
    for chunk in data.chunks(4096) {
        write!(out, "{:x}\r\n", chunk.len())?;
        out.write_all(chunk)?;
        out.write_all(b"\r\n")?;
    }
    if finish {
        out.write_all(b"0\r\n\r\n")?;
    }
    out.flush()
}

/// Answers one request; `Ok(false)` when the connection must close.
fn respond(out: &mut UnixStream, request_line: &str, routes: &Routes) -> std::io::Result<bool> {
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let path = route_path(parts.next().unwrap_or("/"));
    if method == "HEAD" && path == "/_ping" {
        send(out, 200, "text/plain; charset=utf-8", b"")?;
        return Ok(true);
    }
    if method != "GET" {
        send_json(out, 405, &json!({"message": "method not allowed"}))?;
        return Ok(true);
    }
    if path == "/_ping" {
        send(out, 200, "text/plain; charset=utf-8", b"OK")?;
        return Ok(true);
    }
    if path == "/version" {
        let version = json!({
            "ApiVersion": "1.41",
            "Version": "20.10.24",
            "MinAPIVersion": "1.12",
            "Os": "linux",
            "Arch": "amd64",
        });
        send_json(out, 200, &version)?;
        return Ok(true);
    }
    if path == "/images/json" {
        let list: Vec<Value> = routes
            .images
            .iter()
            .map(|(reference, image)| {
                json!({
                    "Id": image.id,
                    "ParentId": "",
                    "RepoTags": [reference],
                    "RepoDigests": [],
                    "Created": 1_704_067_200,
                    "Size": 1000,
                    "SharedSize": -1,
                    "Labels": {},
                    "Containers": -1,
                })
            })
            .collect();
        send_json(out, 200, &Value::Array(list))?;
        return Ok(true);
    }
    if path == "/images/get" {
        match &routes.together {
            Some(tar) => send_chunked(out, "application/x-tar", tar, true)?,
            None => send_json(out, 404, &json!({"message": "page not found"}))?,
        }
        return Ok(true);
    }
    let Some((reference, action)) = path
        .strip_prefix("/images/")
        .and_then(|rest| rest.rsplit_once('/'))
    else {
        send_json(out, 404, &json!({"message": "page not found"}))?;
        return Ok(true);
    };
    let Some(image) = routes.images.get(reference) else {
        send_json(
            out,
            404,
            &json!({"message": format!("No such image: {reference}")}),
        )?;
        return Ok(true);
    };
    match action {
        "json" => {
            let inspect = json!({
                "Id": image.id,
                "RepoTags": [reference],
                "RootFS": {"Type": "layers", "Layers": image.layers},
            });
            send_json(out, 200, &inspect)?;
            Ok(true)
        }
        "get" => match &image.export {
            Export::Tar(tar) => {
                send_chunked(out, "application/x-tar", tar, true)?;
                Ok(true)
            }
            Export::BreakAfter(tar, n) => {
                send_chunked(out, "application/x-tar", &tar[..*n], false)?;
                let _ = out.shutdown(std::net::Shutdown::Both);
                Ok(false)
            }
            Export::BreakInChunk(tar, n) => {
                let (whole, part) = tar[..*n].split_at(*n / 4096 * 4096);
                send_chunked(out, "application/x-tar", whole, false)?;
                write!(out, "{:x}\r\n", 4096)?;
                out.write_all(part)?;
                out.flush()?;
                let _ = out.shutdown(std::net::Shutdown::Both);
                Ok(false)
            }
            Export::Fail(status, message) => {
                send_json(out, *status, &json!({ "message": message }))?;
                Ok(true)
            }
        },
        _ => {
            send_json(out, 404, &json!({"message": "page not found"}))?;
            Ok(true)
        }
    }
}

// ---- running drydock ----------------------------------------------------------------

struct Run {
    code: i32,
    json: Value,
    stderr: String,
    /// The fake engine's request log, for failure messages.
    requests: Vec<String>,
}

impl Run {
    /// Everything worth seeing when an assertion fails.
    fn context(&self) -> String {
        format!(
            "report:\n{:#}\nstderr:\n{}\nrequests:\n  {}",
            self.json,
            self.stderr,
            self.requests.join("\n  ")
        )
    }

    fn errors(&self) -> &[Value] {
        self.json["errors"].as_array().map_or(&[], Vec::as_slice)
    }

    fn findings(&self) -> &[Value] {
        self.json["findings"].as_array().map_or(&[], Vec::as_slice)
    }

    /// The one error about `reference` (its path or its message names
    /// it), checked to be one line; `path: message`.
    fn error_for(&self, reference: &str) -> String {
        let about: Vec<&Value> = self
            .errors()
            .iter()
            .filter(|e| {
                e["path"].as_str().is_some_and(|p| p.contains(reference))
                    || e["message"].as_str().is_some_and(|m| m.contains(reference))
            })
            .collect();
        assert_eq!(
            about.len(),
            1,
            "want one error naming {reference}\n{}",
            self.context()
        );
        let path = about[0]["path"].as_str().unwrap_or("");
        let message = about[0]["message"].as_str().unwrap_or("");
        assert!(
            !message.contains('\n') && !path.contains('\n'),
            "not one line: {message:?}\n{}",
            self.context()
        );
        format!("{path}: {message}")
    }

    /// No finding about the image `reference`.
    fn assert_no_findings_for(&self, reference: &str) {
        let leaked: Vec<&Value> = self
            .findings()
            .iter()
            .filter(|f| {
                f["location"]["image"]
                    .as_str()
                    .is_some_and(|i| i.contains(reference))
                    || f["subject"].to_string().contains(reference)
            })
            .collect();
        assert!(
            leaked.is_empty(),
            "findings for the broken image {reference} reported:\n{leaked:#?}\n{}",
            self.context()
        );
    }

    fn requested(&self, suffix: &str) -> bool {
        self.requests.iter().any(|r| {
            r.split_whitespace()
                .nth(1)
                .is_some_and(|t| route_path(t).ends_with(suffix))
        })
    }
}

/// `drydock ARGS --host <engine> --format json`, killed after
/// [`RUN_LIMIT`]; asserts it did not panic and printed a JSON report.
fn on_fake(engine: &FakeEngine, args: &[&str]) -> Run {
    let run = support::drydock()
        .args(args)
        .args(["--host", &engine.host, "--format", "json"])
        .env_remove("DOCKER_HOST")
        .env("NO_COLOR", "1")
        .timeout(RUN_LIMIT)
        .try_run();
    let requests = engine.requests();
    let show = || requests.join("\n  ");
    let run =
        run.unwrap_or_else(|e| panic!("{e} (hung on the fake engine?); requests:\n  {}", show()));
    let json = run
        .try_json()
        .unwrap_or_else(|e| panic!("{e}\nrequests:\n  {}", show()));
    Run {
        code: run.code().unwrap_or(-1),
        json,
        stderr: run.stderr,
        requests,
    }
}

/// `drydock image REF` on an engine whose export of REF is `export`:
/// exit 2, the image's export requested, one one-line error naming REF, no
/// findings and no image counted. Returns `path: message` of the error.
fn broken_image(export: Export) -> (String, FakeEngine) {
    let (_, id) = docker_save(&netcat_image());
    let engine = FakeEngine::start(&[(
        NETCAT_TAG,
        FakeImage {
            id,
            export,
            layers: Vec::new(),
        },
    )]);
    let run = on_fake(&engine, &["image", NETCAT_TAG]);
    assert_eq!(run.code, 2, "exit {} (want 2)\n{}", run.code, run.context());
    assert!(
        run.requested(&format!("/images/{NETCAT_TAG}/get")),
        "the export was never requested\n{}",
        run.context()
    );
    let error = run.error_for(NETCAT_TAG);
    assert_eq!(run.errors().len(), 1, "{}", run.context());
    assert!(
        run.findings().is_empty(),
        "findings presented for a broken export\n{}",
        run.context()
    );
    assert_eq!(run.json["summary"]["images"], 0, "{}", run.context());
    eprintln!("{error}");
    (error, engine)
}

/// The error names the engine's socket, so a user knows which engine failed.
fn names_the_engine(error: &str, engine: &FakeEngine) {
    assert!(
        error.contains(engine.sock.to_str().unwrap()),
        "{error:?} does not name the engine {}",
        engine.host
    );
}

fn says_any(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

const BROKE: &[&str] = &["broke", "break", "truncat", "ends early", "incomplete"];

// ---- the cases ----------------------------------------------------------------------

/// 5: a healthy export is read: exit 1, the netcat finding, no errors.
#[test]
fn healthy_export_is_scanned() {
    let (tar, id) = docker_save(&netcat_image());
    let engine = FakeEngine::start(&[(
        NETCAT_TAG,
        FakeImage {
            id: id.clone(),
            export: Export::Tar(tar),
            layers: Vec::new(),
        },
    )]);
    let run = on_fake(&engine, &["image", NETCAT_TAG]);
    assert_eq!(run.code, 1, "exit {} (want 1)\n{}", run.code, run.context());
    assert!(run.errors().is_empty(), "{}", run.context());
    let finding = run
        .findings()
        .iter()
        .find(|f| f["rule"] == "exec-capable-netcat" && f["location"]["path"] == NC_PATH);
    let finding =
        finding.unwrap_or_else(|| panic!("no exec-capable-netcat at {NC_PATH}\n{}", run.context()));
    assert!(
        finding["location"]["image"]
            .as_str()
            .is_some_and(|i| i.contains(NETCAT_TAG)),
        "{finding:#}"
    );
    assert_eq!(finding["location"]["digest"], id.as_str(), "{finding:#}");
    assert_eq!(finding["location"]["layer"]["index"], 1, "{finding:#}");
    assert_eq!(run.json["summary"]["images"], 1, "{}", run.context());
}

/// 1: the engine goes away half-way through the export.
#[test]
fn export_broken_off_mid_stream() {
    let (tar, _) = docker_save(&netcat_image());
    let half = tar.len() / 2;
    let (error, engine) = broken_image(Export::BreakAfter(tar, half));
    assert!(says_any(&error, BROKE), "{error:?} says none of {BROKE:?}");
    names_the_engine(&error, &engine);
}

/// 1, variant: the engine goes away in the middle of a chunk.
#[test]
fn export_broken_off_mid_chunk() {
    let (tar, _) = docker_save(&netcat_image());
    let at = tar.len() / 2 + 100;
    let (error, engine) = broken_image(Export::BreakInChunk(tar, at));
    assert!(says_any(&error, BROKE), "{error:?} says none of {BROKE:?}");
    names_the_engine(&error, &engine);
}

/// 1, variant: the engine goes away after every layer went by, just before
/// `manifest.json`: the scanned layers must not be reported.
#[test]
fn export_broken_off_before_the_manifest() {
    let (tar, _) = docker_save(&netcat_image());
    let at = entry_offset(&tar, "manifest.json");
    let (error, engine) = broken_image(Export::BreakAfter(tar, at));
    assert!(says_any(&error, BROKE), "{error:?} says none of {BROKE:?}");
    names_the_engine(&error, &engine);
}

/// 2: the export is an API error.
#[test]
fn export_api_error() {
    let (error, engine) = broken_image(Export::Fail(500, "something broke".into()));
    assert!(
        error.contains("something broke"),
        "{error:?} does not carry the engine's message"
    );
    assert!(error.contains("500"), "{error:?} does not give the status");
    names_the_engine(&error, &engine);
}

/// 3: a well-framed export whose layer 1 does not match its diff id.
#[test]
fn corrupt_export() {
    let (tar, _) = docker_save(&netcat_image().corrupt(Corruption::FlipByteInLayer(1)));
    let (error, _engine) = broken_image(Export::Tar(tar));
    assert!(
        says_any(&error, &["diff id", "diff_id", "digest"]),
        "{error:?} says nothing of a diff id or digest"
    );
    assert!(
        error.contains("layer 1"),
        "{error:?} does not name the layer"
    );
}

/// 4: the engine does not have the image (and only the engine is asked).
#[test]
fn image_not_in_the_engine() {
    let engine = FakeEngine::start(&[]);
    let run = on_fake(&engine, &["image", "--from", "engine", NETCAT_TAG]);
    assert_eq!(run.code, 2, "exit {} (want 2)\n{}", run.code, run.context());
    let error = run.error_for(NETCAT_TAG);
    assert_eq!(run.errors().len(), 1, "{}", run.context());
    assert!(error.contains("not in the engine"), "{error:?}");
    assert!(error.contains("does not pull"), "{error:?}");
    names_the_engine(&error, &engine);
    assert!(
        !run.requested(&format!("/images/{NETCAT_TAG}/get")),
        "exported after a 404 on inspect\n{}",
        run.context()
    );
    assert!(run.findings().is_empty(), "{}", run.context());
}

/// 6: `drydock images` with one healthy image and one whose export breaks
/// off after its layer went by: the healthy one is reported, the broken one
/// is an error and nothing else.
#[test]
fn images_with_one_broken_export() {
    let (nc_tar, nc_id) = docker_save(&netcat_image());
    let (socat_tar, socat_id) = docker_save(&socat_image());
    let at = entry_offset(&socat_tar, "manifest.json");
    let engine = FakeEngine::start(&[
        (
            NETCAT_TAG,
            FakeImage {
                id: nc_id,
                export: Export::Tar(nc_tar),
                layers: Vec::new(),
            },
        ),
        (
            SOCAT_TAG,
            FakeImage {
                id: socat_id,
                export: Export::BreakAfter(socat_tar, at),
                layers: Vec::new(),
            },
        ),
    ]);
    let run = on_fake(&engine, &["images"]);
    assert_eq!(run.code, 2, "exit {} (want 2)\n{}", run.code, run.context());
    for tag in [NETCAT_TAG, SOCAT_TAG] {
        assert!(
            run.requested(&format!("/images/{tag}/get")),
            "{tag} was not exported\n{}",
            run.context()
        );
    }
    let error = run.error_for(SOCAT_TAG);
    eprintln!("{error}");
    assert_eq!(run.errors().len(), 1, "{}", run.context());
    assert!(says_any(&error, BROKE), "{error:?} says none of {BROKE:?}");
    assert!(
        run.findings()
            .iter()
            .any(|f| f["rule"] == "exec-capable-netcat"
                && f["location"]["path"] == NC_PATH
                && f["location"]["image"]
                    .as_str()
                    .is_some_and(|i| i.contains(NETCAT_TAG))),
        "the healthy image's finding is missing\n{}",
        run.context()
    );
    run.assert_no_findings_for(SOCAT_TAG);
    assert!(
        !run.findings()
            .iter()
            .any(|f| f["location"]["path"] == SOCAT_PATH),
        "socat from the broken export reported\n{}",
        run.context()
    );
    assert_eq!(run.json["summary"]["images"], 1, "{}", run.context());
}

/// 7: two images on one base layer are read from one export
/// (`GET /images/get?names=…`), the base coming through once; each is
/// audited under its own name and id, and neither is exported alone.
#[test]
fn images_sharing_a_layer_come_in_one_export() {
    let sibling = Image::new()
        .tag(SIBLING_TAG)
        .user("0")
        .layer(base_layer())
        .layer(
            Layer::new()
                .file("usr/bin/socat", 0o755, 0, 0, socat())
                .created_by("COPY socat /usr/bin/"),
        );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("both.tar");
    let built = Image::write_docker_legacy_many(&[netcat_image(), sibling], &path);
    let together = std::fs::read(&path).unwrap();
    let alone = |built: &BuiltImage| FakeImage {
        id: built.config_digest.clone(),
        export: Export::Fail(500, "exported alone".into()),
        layers: built.layers.iter().map(|l| l.diff_id.clone()).collect(),
    };
    let engine = FakeEngine::serving(
        &[
            (NETCAT_TAG, alone(&built[0])),
            (SIBLING_TAG, alone(&built[1])),
        ],
        Some(together),
    );
    let run = on_fake(&engine, &["images"]);
    assert_eq!(run.code, 1, "exit {} (want 1)\n{}", run.code, run.context());
    assert!(run.errors().is_empty(), "{}", run.context());
    assert!(run.requested("/images/get"), "{}", run.context());
    for tag in [NETCAT_TAG, SIBLING_TAG] {
        assert!(
            !run.requested(&format!("/images/{tag}/get")),
            "{tag} was exported alone\n{}",
            run.context()
        );
    }
    assert_eq!(run.json["summary"]["images"], 2, "{}", run.context());
    for (tag, path, built) in [
        (NETCAT_TAG, NC_PATH, &built[0]),
        (SIBLING_TAG, SOCAT_PATH, &built[1]),
    ] {
        let found: Vec<&Value> = run
            .findings()
            .iter()
            .filter(|f| {
                f["rule"] == "exec-capable-netcat"
                    && f["location"]["image"]
                        .as_str()
                        .is_some_and(|i| i.contains(tag))
            })
            .collect();
        assert_eq!(found.len(), 1, "{tag}\n{}", run.context());
        assert_eq!(
            found[0]["location"]["path"],
            path,
            "{tag}\n{}",
            run.context()
        );
        assert_eq!(
            found[0]["location"]["digest"],
            built.config_digest.as_str(),
            "{tag}\n{}",
            run.context()
        );
    }
}
