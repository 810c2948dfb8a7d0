//! A fake container registry speaking the read side of the OCI Distribution
//! API (Docker Registry HTTP API v2) over plain HTTP on `127.0.0.1`, for the
//! registry client's fault tests. It serves [`BuiltImage`]s:
//!
//! - `GET|HEAD /v2/` → 200 `{}`;
//! - `GET|HEAD /v2/<repo>/manifests/<tag or digest>`, with `Content-Type`
//!   the manifest's media type whatever `Accept` says (the request log keeps
//!   `Accept`) and `Docker-Content-Digest` the sha256 of the body;
//! - `GET|HEAD /v2/<repo>/blobs/<digest>` (config and layers), with
//!   `Docker-Content-Digest`; `GET /v2/<repo>/tags/list`;
//! - `GET /token?service=…&scope=…` under [`Auth::Bearer`].
//!
//! Repository names may contain `/`. Errors carry the registry's JSON body
//! `{"errors":[{"code":…,"message":…}]}`: an unknown repository is 404
//! `NAME_UNKNOWN`, an unknown tag or manifest digest in a known repository
//! 404 `MANIFEST_UNKNOWN`, an unknown blob 404 `BLOB_UNKNOWN`.
//!
//! Every connection carries one request: the answer has `Content-Length`
//! and `Connection: close`, and the socket is closed after it. Request
//! bodies are read and dropped; methods other than GET and HEAD get 405.
//!
//! [`Auth`] and [`Fault`]s may be set at any time, before or between
//! requests. Requests are checked in this order: authentication (401/403,
//! which consume no fault), then [`Fault::Status`], then the route. A
//! second listener on the same machine, reached as `localhost:PORT2`, serves
//! `GET /blob/<digest>` without authentication for [`Fault::RedirectBlobs`].
//!
//! ```ignore
//! let registry = FakeRegistry::start();
//! registry.push("team/app", "1.0", &built);
//! registry.auth(Auth::bearer(Some(("ci", "s3cret"))));
//! registry.fault(Fault::status("/manifests/", 429, 2).retry_after(1));
//! // drydock image --insecure-registry <registry.address()> …
//! assert_eq!(registry.count("GET", &built.layers[0].digest), 1);
//! ```

#![allow(dead_code)] // each test uses a different part of this module

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::http::{percent_decode, reason};
use super::image::{BuiltImage, digest, media, sha256_hex};

/// The `service` of the Bearer challenge.
pub const SERVICE: &str = "fake-registry";

/// Who may read. Set with [`FakeRegistry::auth`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    /// Every request is served.
    #[default]
    Anonymous,
    /// Every request (`/v2/` included) needs `Authorization: Basic
    /// base64(user:password)`; else 401 `UNAUTHORIZED` with
    /// `WWW-Authenticate: Basic realm="fake"`.
    Basic { user: String, password: String },
    /// Every request needs `Authorization: Bearer <token>` with a token from
    /// `GET /token`, granted for the repository it names; else 401 with
    /// `WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/token",
    /// service="fake-registry"` (plus `scope="repository:<repo>:pull"` on
    /// repository paths, and `error="invalid_token"` or
    /// `error="insufficient_scope"` when a token was sent). `/token` wants
    /// Basic credentials when `user` is set (else 401 with a Basic
    /// challenge), and grants pull on each `scope=repository:<repo>:pull`
    /// asked for.
    Bearer { user: Option<(String, String)> },
    /// `/v2/` is served; every repository path gets 403 `DENIED`, whatever
    /// the credentials.
    Denied,
}

impl Auth {
    pub fn basic(user: &str, password: &str) -> Auth {
        Auth::Basic {
            user: user.to_string(),
            password: password.to_string(),
        }
    }

    /// Token auth; `/token` checks these credentials when given.
    pub fn bearer(user: Option<(&str, &str)>) -> Auth {
        Auth::Bearer {
            user: user.map(|(u, p)| (u.to_string(), p.to_string())),
        }
    }
}

/// The flavour of a pushed multi-platform index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexKind {
    /// `application/vnd.oci.image.index.v1+json`.
    Oci,
    /// `application/vnd.docker.distribution.manifest.list.v2+json`.
    DockerList,
}

/// A misbehaviour, armed with [`FakeRegistry::fault`] (for good, but
/// [`Fault::Status`] for its `times`) or [`FakeRegistry::fault_times`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The first `times` authorised requests whose path (with query)
    /// contains `path_contains`, on either listener and `/token` included,
    /// get `status` with an error body (`TOOMANYREQUESTS` for 429,
    /// `UNAVAILABLE` for 503, else `UNKNOWN`) and, if set, `Retry-After:
    /// <seconds>`; later ones are served normally.
    Status {
        path_contains: String,
        status: u16,
        times: usize,
        retry_after: Option<u32>,
    },
    /// A `GET` of blob `digest` (wherever its bytes are served) sends the
    /// head with the full `Content-Length`, then the first half of the
    /// body, then closes the socket.
    BreakMidBlob { digest: String },
    /// A `GET` of blob `digest` serves `bytes` instead (with their own
    /// `Content-Length` and `Docker-Content-Digest: <digest>` still).
    WrongBlob { digest: String, bytes: Vec<u8> },
    /// A `GET` of any blob (once authorised) answers `307 Temporary
    /// Redirect` with `Location: http://localhost:PORT2/blob/<digest>`, the
    /// second listener, which serves it without authentication. `HEAD` is
    /// answered in place.
    RedirectBlobs,
    /// The manifest asked for by this tag or digest (or a tag resolving to
    /// this digest) is served with `Content-Type: media_type` and its JSON
    /// `mediaType` field rewritten (so its digest changes too).
    ManifestMediaType {
        tag_or_digest: String,
        media_type: String,
    },
}

impl Fault {
    /// [`Fault::Status`] without `Retry-After`.
    pub fn status(path_contains: &str, status: u16, times: usize) -> Fault {
        Fault::Status {
            path_contains: path_contains.to_string(),
            status,
            times,
            retry_after: None,
        }
    }

    /// Adds `Retry-After: seconds` to a [`Fault::Status`].
    pub fn retry_after(mut self, seconds: u32) -> Fault {
        if let Fault::Status { retry_after, .. } = &mut self {
            *retry_after = Some(seconds);
        }
        self
    }
}

/// Which socket a request came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    /// The registry, `127.0.0.1:PORT`.
    Registry,
    /// The redirect target, `localhost:PORT2`.
    Redirect,
}

/// One logged request.
#[derive(Clone, Debug)]
pub struct Request {
    pub listener: Listener,
    pub method: String,
    /// The request target as sent: path and query.
    pub path: String,
    /// The `Authorization` header, in full.
    pub authorization: Option<String>,
    /// The `Accept` headers, joined with `, `.
    pub accept: Option<String>,
    /// Every header, in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The status answered.
    pub status: u16,
}

impl Request {
    /// `Basic`, `Bearer`, … of the `Authorization` header.
    pub fn auth_scheme(&self) -> Option<&str> {
        let auth = self.authorization.as_deref()?;
        Some(auth.split_once(' ').map_or(auth, |(s, _)| s))
    }

    /// Whether the path, raw or percent-decoded, contains `s`.
    pub fn path_contains(&self, s: &str) -> bool {
        self.path.contains(s) || percent_decode(&self.path).contains(s)
    }
}

#[derive(Default)]
struct Repo {
    tags: BTreeMap<String, String>,
    /// By digest: media type and bytes.
    manifests: BTreeMap<String, (String, Vec<u8>)>,
    blobs: BTreeMap<String, Vec<u8>>,
}

/// A fault and how many more times it fires (`None`: always).
struct Armed {
    fault: Fault,
    left: Option<usize>,
}

impl Armed {
    fn fire(&mut self) -> bool {
        match &mut self.left {
            None => true,
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
        }
    }
}

#[derive(Default)]
struct State {
    auth: Auth,
    repos: BTreeMap<String, Repo>,
    faults: Vec<Armed>,
    /// Issued tokens and the repositories each may pull.
    tokens: BTreeMap<String, BTreeSet<String>>,
    log: Vec<Request>,
}

struct Shared {
    state: Mutex<State>,
    /// `127.0.0.1:PORT`.
    registry: SocketAddr,
    /// PORT2, of the redirect listener.
    redirect_port: u16,
    stop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread must not take the test down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The fake registry; it stops when dropped.
pub struct FakeRegistry {
    shared: Arc<Shared>,
    /// Addresses to connect to on drop, to wake the acceptors.
    listening: Vec<SocketAddr>,
    acceptors: Vec<JoinHandle<()>>,
}

impl FakeRegistry {
    /// Listens on `127.0.0.1:0` (the registry) and `127.0.0.1:0` (the
    /// redirect target, also on `[::1]` at the same port when it can, since
    /// `localhost` may resolve to either), each accepting on a thread of
    /// its own, one thread per connection.
    pub fn start() -> FakeRegistry {
        let registry = TcpListener::bind("127.0.0.1:0").expect("bind the fake registry");
        let redirect = TcpListener::bind("127.0.0.1:0").expect("bind the redirect listener");
        let registry_addr = registry.local_addr().expect("local address");
        let redirect_addr = redirect.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            registry: registry_addr,
            redirect_port: redirect_addr.port(),
            stop: AtomicBool::new(false),
        });
        let mut listeners = vec![
            (registry, Listener::Registry),
            (redirect, Listener::Redirect),
        ];
        if let Ok(v6) = TcpListener::bind(("::1", redirect_addr.port())) {
            listeners.push((v6, Listener::Redirect));
        }
        let mut listening = Vec::new();
        let mut acceptors = Vec::new();
        for (listener, kind) in listeners {
            listening.push(listener.local_addr().expect("local address"));
            let shared = Arc::clone(&shared);
            acceptors.push(std::thread::spawn(move || accept(&listener, kind, &shared)));
        }
        FakeRegistry {
            shared,
            listening,
            acceptors,
        }
    }

    /// `127.0.0.1:PORT`, for `--insecure-registry` and image references.
    pub fn address(&self) -> String {
        self.shared.registry.to_string()
    }

    /// `localhost:PORT2`, where [`Fault::RedirectBlobs`] sends blob GETs.
    pub fn redirect_address(&self) -> String {
        format!("localhost:{}", self.shared.redirect_port)
    }

    /// Sets who may read (from the next request on).
    pub fn auth(&self, auth: Auth) -> &Self {
        self.shared.lock().auth = auth;
        self
    }

    /// Arms `fault`: for good, or for a [`Fault::Status`] its `times`.
    pub fn fault(&self, fault: Fault) -> &Self {
        let left = match &fault {
            Fault::Status { times, .. } => Some(*times),
            _ => None,
        };
        self.shared.lock().faults.push(Armed { fault, left });
        self
    }

    /// Arms `fault` for the first `times` requests it applies to (for a
    /// [`Fault::Status`], the lesser of this and its own `times`).
    pub fn fault_times(&self, fault: Fault, times: usize) -> &Self {
        let left = match &fault {
            Fault::Status { times: t, .. } => times.min(*t),
            _ => times,
        };
        self.shared.lock().faults.push(Armed {
            fault,
            left: Some(left),
        });
        self
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) -> &Self {
        self.shared.lock().faults.clear();
        self
    }

    /// Serves `image` as `<repo>:<tag>` and by its manifest digest, with its
    /// config and layer blobs (but those a `Corruption` leaves out).
    pub fn push(&self, repo: &str, tag: &str, image: &BuiltImage) -> &Self {
        let mut state = self.shared.lock();
        let r = state.repos.entry(repo.to_string()).or_default();
        store(r, image);
        r.tags
            .insert(tag.to_string(), image.manifest_digest.clone());
        self
    }

    /// Serves an index of `images` (each with its platform) as
    /// `<repo>:<tag>` and by its digest, which is returned; each image's
    /// manifest by digest, and their blobs.
    pub fn push_index(
        &self,
        repo: &str,
        tag: &str,
        images: &[BuiltImage],
        kind: IndexKind,
    ) -> String {
        let media_type = match kind {
            IndexKind::Oci => media::OCI_INDEX,
            IndexKind::DockerList => media::DOCKER_LIST,
        };
        let manifests: Vec<Value> = images
            .iter()
            .map(|i| {
                let mut platform = json!({"architecture": i.arch, "os": i.os});
                if let Some(v) = &i.variant {
                    platform["variant"] = json!(v);
                }
                json!({
                    "mediaType": i.manifest_media_type,
                    "digest": i.manifest_digest,
                    "size": i.manifest.len(),
                    "platform": platform,
                })
            })
            .collect();
        let index = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": media_type,
            "manifests": manifests,
        }))
        .expect("json");
        let index_digest = digest(&index);
        let mut state = self.shared.lock();
        let r = state.repos.entry(repo.to_string()).or_default();
        for image in images {
            store(r, image);
        }
        r.manifests
            .insert(index_digest.clone(), (media_type.to_string(), index));
        r.tags.insert(tag.to_string(), index_digest.clone());
        index_digest
    }

    /// Every request so far, in the order they were answered.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().log.clone()
    }

    /// Forgets the requests so far.
    pub fn clear_requests(&self) -> &Self {
        self.shared.lock().log.clear();
        self
    }

    /// How many `method` requests (either listener) had a path containing
    /// `path_contains`: `/blobs/<digest>` counts the registry's, `/blob/`
    /// the redirect listener's, a bare digest both.
    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        let state = self.shared.lock();
        let hits = state.log.iter().filter(|r| r.method == method);
        hits.filter(|r| r.path_contains(path_contains)).count()
    }

    /// Whether any request to the redirect listener carried `Authorization`.
    pub fn redirect_saw_authorization(&self) -> bool {
        let state = self.shared.lock();
        let mut redirected = state
            .log
            .iter()
            .filter(|r| r.listener == Listener::Redirect);
        redirected.any(|r| r.authorization.is_some())
    }
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for addr in &self.listening {
            // Wakes the acceptor, which then sees `stop`.
            let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1));
        }
        for acceptor in self.acceptors.drain(..) {
            let _ = acceptor.join();
        }
    }
}

fn store(repo: &mut Repo, image: &BuiltImage) {
    let mut blobs = image.blobs();
    blobs.remove(&image.manifest_digest);
    repo.blobs.extend(blobs);
    let manifest = (
        image.manifest_media_type.to_string(),
        image.manifest.clone(),
    );
    repo.manifests
        .insert(image.manifest_digest.clone(), manifest);
}

fn accept(listener: &TcpListener, kind: Listener, shared: &Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(conn) = conn else { continue };
        let shared = Arc::clone(shared);
        std::thread::spawn(move || serve(conn, kind, &shared));
    }
}

/// A parsed request head.
struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Incoming {
    fn header(&self, name: &str) -> Option<&str> {
        let mut named = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        named.next().map(|(_, v)| v.as_str())
    }
}

/// An answer: a `Content-Length` body, all of it or (`cut`) half of it
/// before the socket closes.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    cut: bool,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
            cut: false,
        }
    }

    fn json(status: u16, value: &Value) -> Response {
        Response::new(
            status,
            "application/json",
            serde_json::to_vec(value).expect("json"),
        )
    }

    fn header(mut self, name: &'static str, value: String) -> Response {
        self.headers.push((name, value));
        self
    }
}

/// The registry's error body.
fn error(status: u16, code: &str, message: &str) -> Response {
    Response::json(
        status,
        &json!({"errors": [{"code": code, "message": message}]}),
    )
}

/// Reads one request, answers it, closes the connection.
fn serve(mut conn: TcpStream, kind: Listener, shared: &Shared) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = conn.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(incoming) = read_request(&conn) else {
        return;
    };
    let response = {
        let mut state = shared.lock();
        let response = route(&mut state, shared, kind, &incoming);
        let accept: Vec<&str> = incoming
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("accept"))
            .map(|(_, v)| v.as_str())
            .collect();
        state.log.push(Request {
            listener: kind,
            method: incoming.method.clone(),
            path: incoming.target.clone(),
            authorization: incoming.header("authorization").map(str::to_string),
            accept: (!accept.is_empty()).then(|| accept.join(", ")),
            headers: incoming.headers.clone(),
            status: response.status,
        });
        response
    };
    let _ = write_response(&mut conn, incoming.method == "HEAD", &response);
    let _ = conn.shutdown(Shutdown::Both);
}

fn read_request(conn: &TcpStream) -> io::Result<Incoming> {
    let mut reader = BufReader::new(conn);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::other("no request line"));
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Err(io::Error::other("the head ended early"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let incoming = Incoming {
        method,
        target,
        headers,
    };
    // Drop a body, so that closing the socket does not reset it.
    let length: u64 = incoming
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    io::copy(&mut reader.take(length.min(1 << 20)), &mut io::sink())?;
    Ok(incoming)
}

fn write_response(conn: &mut TcpStream, head_only: bool, r: &Response) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nDocker-Distribution-API-Version: registry/2.0\r\n\
         Connection: close\r\n\r\n",
        r.body.len()
    ));
    conn.write_all(head.as_bytes())?;
    if !head_only {
        let end = if r.cut {
            r.body.len() / 2
        } else {
            r.body.len()
        };
        conn.write_all(&r.body[..end])?;
    }
    conn.flush()
}

/// What a registry path asks for.
enum Route<'a> {
    Ping,
    Manifest { repo: &'a str, reference: &'a str },
    Blob { repo: &'a str, digest: &'a str },
    Tags { repo: &'a str },
    Unknown,
}

impl<'a> Route<'a> {
    fn parse(path: &'a str) -> Route<'a> {
        if path == "/v2/" || path == "/v2" {
            return Route::Ping;
        }
        let Some(rest) = path.strip_prefix("/v2/") else {
            return Route::Unknown;
        };
        if let Some(repo) = rest.strip_suffix("/tags/list") {
            return Route::Tags { repo };
        }
        let named = |sep| match rest.rsplit_once(sep) {
            Some((repo, last)) if !repo.is_empty() && !last.is_empty() && !last.contains('/') => {
                Some((repo, last))
            }
            _ => None,
        };
        if let Some((repo, reference)) = named("/manifests/") {
            Route::Manifest { repo, reference }
        } else if let Some((repo, digest)) = named("/blobs/") {
            Route::Blob { repo, digest }
        } else {
            Route::Unknown
        }
    }

    fn repo(&self) -> Option<&'a str> {
        match self {
            Route::Manifest { repo, .. } | Route::Blob { repo, .. } | Route::Tags { repo } => {
                Some(repo)
            }
            Route::Ping | Route::Unknown => None,
        }
    }
}

fn route(state: &mut State, shared: &Shared, kind: Listener, req: &Incoming) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return error(405, "UNSUPPORTED", "the fake registry only reads");
    }
    let get = req.method == "GET";
    let path = percent_decode(req.target.split('?').next().unwrap_or_default());
    if kind == Listener::Redirect {
        if let Some(r) = state.status_fault(&req.target) {
            return r;
        }
        let found = path.strip_prefix("/blob/").and_then(|d| {
            let mut holders = state.repos.values().filter_map(|r| r.blobs.get(d));
            holders.next().map(|b| (d, b.clone()))
        });
        return match found {
            Some((d, bytes)) => state.blob_response(d, bytes, get),
            None => error(404, "BLOB_UNKNOWN", "blob unknown to registry"),
        };
    }
    if path == "/token" {
        if let Some(r) = state.status_fault(&req.target) {
            return r;
        }
        return state.token(req);
    }
    let route = Route::parse(&path);
    if let Some(r) = state.refuse(shared, &route, req.header("authorization")) {
        return r;
    }
    if let Some(r) = state.status_fault(&req.target) {
        return r;
    }
    let unknown_repo = || error(404, "NAME_UNKNOWN", "repository name not known to registry");
    match route {
        Route::Ping => Response::json(200, &json!({})),
        Route::Unknown => error(404, "UNSUPPORTED", "not an endpoint of the fake registry"),
        Route::Tags { repo } => match state.repos.get(repo) {
            Some(r) => Response::json(
                200,
                &json!({"name": repo, "tags": r.tags.keys().collect::<Vec<_>>()}),
            ),
            None => unknown_repo(),
        },
        Route::Manifest { repo, reference } => {
            let Some(r) = state.repos.get(repo) else {
                return unknown_repo();
            };
            let digest = r.tags.get(reference).map_or(reference, String::as_str);
            let Some((media_type, bytes)) = r.manifests.get(digest) else {
                return error(404, "MANIFEST_UNKNOWN", "manifest unknown");
            };
            let (mut media_type, mut bytes) = (media_type.clone(), bytes.clone());
            let digest = digest.to_string();
            if let Some(other) = state.retyped(reference, &digest) {
                bytes = retype(&bytes, &other);
                media_type = other;
            }
            let served = super::image::digest(&bytes);
            Response::new(200, &media_type, bytes).header("Docker-Content-Digest", served)
        }
        Route::Blob { repo, digest } => {
            let Some(r) = state.repos.get(repo) else {
                return unknown_repo();
            };
            let Some(bytes) = r.blobs.get(digest).cloned() else {
                return error(404, "BLOB_UNKNOWN", "blob unknown to registry");
            };
            if get && state.fire(|f| matches!(f, Fault::RedirectBlobs)).is_some() {
                let location = format!("http://localhost:{}/blob/{digest}", shared.redirect_port);
                return Response::new(307, "text/plain", Vec::new()).header("Location", location);
            }
            state.blob_response(digest, bytes, get)
        }
    }
}

impl State {
    /// Fires the first armed fault `pick` accepts (and that has firings
    /// left); returns it.
    fn fire(&mut self, pick: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let mut armed = self.faults.iter_mut().filter(|a| pick(&a.fault));
        armed.find_map(|a| a.fire().then(|| a.fault.clone()))
    }

    fn status_fault(&mut self, target: &str) -> Option<Response> {
        let decoded = percent_decode(target);
        let hit = |f: &Fault| match f {
            Fault::Status { path_contains, .. } => {
                target.contains(path_contains.as_str()) || decoded.contains(path_contains.as_str())
            }
            _ => false,
        };
        let Some(Fault::Status {
            status,
            retry_after,
            ..
        }) = self.fire(hit)
        else {
            return None;
        };
        let code = match status {
            429 => "TOOMANYREQUESTS",
            503 => "UNAVAILABLE",
            _ => "UNKNOWN",
        };
        let r = error(status, code, "injected by the fake registry");
        Some(match retry_after {
            Some(s) => r.header("Retry-After", s.to_string()),
            None => r,
        })
    }

    /// The media type a [`Fault::ManifestMediaType`] puts on this manifest.
    fn retyped(&mut self, reference: &str, digest: &str) -> Option<String> {
        let hit = |f: &Fault| match f {
            Fault::ManifestMediaType { tag_or_digest, .. } => {
                tag_or_digest == reference || tag_or_digest == digest
            }
            _ => false,
        };
        match self.fire(hit)? {
            Fault::ManifestMediaType { media_type, .. } => Some(media_type),
            _ => None,
        }
    }

    /// A blob's bytes, through [`Fault::WrongBlob`] and
    /// [`Fault::BreakMidBlob`] on a GET.
    fn blob_response(&mut self, digest: &str, mut bytes: Vec<u8>, get: bool) -> Response {
        let mut cut = false;
        if get {
            let wrong = |f: &Fault| matches!(f, Fault::WrongBlob { digest: d, .. } if d == digest);
            if let Some(Fault::WrongBlob { bytes: other, .. }) = self.fire(wrong) {
                bytes = other;
            }
            let broken = |f: &Fault| matches!(f, Fault::BreakMidBlob { digest: d } if d == digest);
            cut = self.fire(broken).is_some();
        }
        let mut r = Response::new(200, "application/octet-stream", bytes)
            .header("Docker-Content-Digest", digest.to_string());
        r.cut = cut;
        r
    }

    /// The 401 or 403 for a request the auth mode refuses.
    fn refuse(
        &self,
        shared: &Shared,
        route: &Route,
        authorization: Option<&str>,
    ) -> Option<Response> {
        let unauthorized = |challenge: String| {
            error(401, "UNAUTHORIZED", "authentication required")
                .header("WWW-Authenticate", challenge)
        };
        match &self.auth {
            Auth::Anonymous => None,
            Auth::Denied => route
                .repo()
                .map(|_| error(403, "DENIED", "requested access to the resource is denied")),
            Auth::Basic { user, password } => (!basic_matches(authorization, user, password))
                .then(|| unauthorized("Basic realm=\"fake\"".to_string())),
            Auth::Bearer { .. } => {
                let token = authorization.and_then(|a| strip_scheme(a, "Bearer"));
                let grants = token.and_then(|t| self.tokens.get(t));
                let allowed = match (grants, route.repo()) {
                    (Some(grants), Some(repo)) => grants.contains(repo),
                    (Some(_), None) => true,
                    (None, _) => false,
                };
                if allowed {
                    return None;
                }
                let mut challenge = format!(
                    "Bearer realm=\"http://{}/token\",service=\"{SERVICE}\"",
                    shared.registry
                );
                if let Some(repo) = route.repo() {
                    challenge.push_str(&format!(",scope=\"repository:{repo}:pull\""));
                }
                match (token, grants) {
                    (Some(_), None) => challenge.push_str(",error=\"invalid_token\""),
                    (Some(_), Some(_)) => challenge.push_str(",error=\"insufficient_scope\""),
                    (None, _) => {}
                }
                Some(unauthorized(challenge))
            }
        }
    }

    /// `GET /token`: a token granting pull on every repository a `scope`
    /// asks pull (or `*`) of; it depends on those repositories only.
    fn token(&mut self, req: &Incoming) -> Response {
        let Auth::Bearer { user } = &self.auth else {
            return error(
                404,
                "UNSUPPORTED",
                "no token service: the registry is not in Bearer mode",
            );
        };
        if let Some((u, p)) = user
            && !basic_matches(req.header("authorization"), u, p)
        {
            return error(401, "UNAUTHORIZED", "bad credentials")
                .header("WWW-Authenticate", "Basic realm=\"fake\"".to_string());
        }
        let mut grants = BTreeSet::new();
        let query = req.target.split_once('?').map_or("", |(_, q)| q);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if form_decode(key) != "scope" {
                continue;
            }
            for scope in form_decode(value).split(' ') {
                let Some((repo, actions)) = scope
                    .strip_prefix("repository:")
                    .and_then(|s| s.rsplit_once(':'))
                else {
                    continue;
                };
                if actions.split(',').any(|a| a == "pull" || a == "*") {
                    grants.insert(repo.to_string());
                }
            }
        }
        let joined: Vec<&str> = grants.iter().map(String::as_str).collect();
        let token = format!("fake-{}", &sha256_hex(joined.join(" ").as_bytes())[..32]);
        self.tokens.insert(token.clone(), grants);
        Response::json(
            200,
            &json!({"token": token, "access_token": token, "expires_in": 300,
                    "issued_at": super::image::CREATED}),
        )
    }
}

/// `Basic base64(user:password)`, the scheme in any case.
pub fn basic_credentials(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn basic_matches(authorization: Option<&str>, user: &str, password: &str) -> bool {
    let expected = basic_credentials(user, password);
    let given = authorization.and_then(|a| strip_scheme(a, "Basic"));
    given.is_some() && given == strip_scheme(&expected, "Basic")
}

/// `credentials` of `<scheme> credentials`, the scheme in any case.
fn strip_scheme<'a>(authorization: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = authorization.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// The manifest with its `mediaType` field set to `media_type` (unchanged
/// if it is not a JSON object).
fn retype(manifest: &[u8], media_type: &str) -> Vec<u8> {
    match serde_json::from_slice::<Value>(manifest) {
        Ok(Value::Object(mut m)) => {
            m.insert("mediaType".into(), json!(media_type));
            serde_json::to_vec(&m).expect("json")
        }
        _ => manifest.to_vec(),
    }
}

/// A query key or value: `+` is a space, then `%XX` decoded.
fn form_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}
