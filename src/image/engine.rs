//! Images in a local Docker or Podman engine, through the Engine API
//! (bollard). The export (`GET /images/{name}/get`) is streamed into the
//! image reader as it arrives: no temporary file, one pass. Nothing is
//! pulled, created or run.
//!
//! The engine is a source like a file: it hands out a byte stream, which
//! `source::stream` reads. Its errors are messages for the report (no
//! caller tells them apart), so they stay `String`s.
//!
//! bollard is async; its runtime runs on one helper thread per export and
//! hands the bytes over a bounded channel, so the reader keeps its
//! backpressure and the rest of drydock stays synchronous.

use std::io::{self, Read};
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};

use bollard::Docker;
use futures_util::StreamExt;

use super::fetch::FetchError;

/// Sockets tried, in order, when neither `--host` nor `DOCKER_HOST` says.
fn default_sockets() -> Vec<String> {
    let mut sockets = vec!["/var/run/docker.sock".to_string()];
    if let Ok(dir) = std::env::var("XDG_RUNTIME_DIR") {
        sockets.push(format!("{dir}/podman/podman.sock"));
    }
    sockets.push("/run/podman/podman.sock".to_string());
    sockets
}

/// How [`Engine::connect`]'s error begins when there is no engine at all
/// (no `DOCKER_HOST`, no `--host`, no socket).
pub const NO_ENGINE: &str = "no container engine found";

/// What an engine says of one of its images.
#[derive(Clone, Debug, Default)]
pub struct Inspected {
    /// The image id: `sha256:` of its config.
    pub id: String,
    /// The `sha256:` digests the registries served it under (from
    /// `RepoDigests`).
    pub repo_digests: Vec<String>,
    /// Its layers' diff ids, base first.
    pub layers: Vec<String>,
}

/// A connection to an engine.
pub struct Engine {
    docker: Docker,
    /// How messages name the engine (`unix:///var/run/docker.sock`).
    pub address: String,
    runtime: tokio::runtime::Runtime,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the engine client: {e}"))
}

/// Why a request failed, in a user's words.
fn describe(error: &bollard::errors::Error, address: &str) -> String {
    use bollard::errors::Error as E;
    match error {
        E::DockerResponseServerError {
            status_code,
            message,
        } => format!("the engine at {address} answered {status_code}: {message}"),
        E::SocketNotFoundError(path) => format!("no engine socket at {path}"),
        other => {
            let text = other.to_string();
            if text.contains("Permission denied") || text.contains("permission denied") {
                format!(
                    "permission denied on {address}: drydock needs read access to the engine socket"
                )
            } else {
                format!("cannot talk to the engine at {address}: {text}")
            }
        }
    }
}

impl Engine {
    /// Connects to `host`, or to `DOCKER_HOST`, or to the first default
    /// socket that exists, and negotiates the API version.
    pub fn connect(host: Option<&str>) -> Result<Engine, String> {
        let address = match host {
            Some(h) => h.to_string(),
            None => match std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()) {
                Some(h) => h,
                None => default_sockets()
                    .into_iter()
                    .find(|s| Path::new(s).exists())
                    .map(|s| format!("unix://{s}"))
                    .ok_or_else(|| {
                        format!("{NO_ENGINE}: set DOCKER_HOST or --host (tried /var/run/docker.sock and the Podman sockets)")
                    })?,
            },
        };
        let address = if address.starts_with('/') {
            format!("unix://{address}")
        } else {
            address
        };
        if let Some(authority) = address
            .strip_prefix("tcp://")
            .or_else(|| address.strip_prefix("http://"))
        {
            let authority = authority.trim_end_matches('/');
            let reachable = std::net::ToSocketAddrs::to_socket_addrs(authority)
                .ok()
                .and_then(|mut addrs| addrs.next())
                .map(|addr| {
                    std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5))
                });
            match reachable {
                None => return Err(format!("{address} is not a host:port address")),
                Some(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    return Err(format!("no engine is listening on {address}"));
                }
                Some(Err(e)) => return Err(format!("cannot connect to {address}: {e}")),
                Some(Ok(_)) => {}
            }
        }
        let tls = std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty() && v != "0");
        if tls && address.starts_with("tcp://") {
            return Self::connect_tls(address);
        }
        if let Some(path) = address.strip_prefix("unix://") {
            // bollard's connection errors hide their cause; a plain connect
            // first tells a missing, refused or forbidden socket apart.
            if let Err(e) = std::os::unix::net::UnixStream::connect(path) {
                return Err(match e.kind() {
                    io::ErrorKind::PermissionDenied => format!(
                        "permission denied on {address}: drydock needs read and write access to the engine socket"
                    ),
                    io::ErrorKind::NotFound => format!("no engine socket at {path}"),
                    io::ErrorKind::ConnectionRefused => {
                        format!("no engine is listening on {address}")
                    }
                    _ => format!("cannot connect to {address}: {e}"),
                });
            }
        }
        let docker = Docker::connect_with_host(&address).map_err(|e| describe(&e, &address))?;
        Self::negotiate(docker, address)
    }

    /// Agrees on an API version with the engine.
    fn negotiate(docker: Docker, address: String) -> Result<Engine, String> {
        let runtime = runtime()?;
        let docker = runtime
            .block_on(docker.negotiate_version())
            .map_err(|e| describe(&e, &address))?;
        Ok(Engine {
            docker,
            address,
            runtime,
        })
    }

    /// `tcp://` with `DOCKER_TLS_VERIFY`: client certificate and CA from
    /// `DOCKER_CERT_PATH` (default `~/.docker`), as the docker CLI reads them.
    fn connect_tls(address: String) -> Result<Engine, String> {
        let dir = std::env::var("DOCKER_CERT_PATH")
            .ok()
            .filter(|d| !d.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var("HOME")
                    .ok()
                    .map(|h| Path::new(&h).join(".docker"))
            })
            .ok_or("DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME is")?;
        let file = |name: &str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "DOCKER_TLS_VERIFY is set for {address} but {} is missing",
                    path.display()
                ))
            }
        };
        let (key, cert, ca) = (file("key.pem")?, file("cert.pem")?, file("ca.pem")?);
        let docker = Docker::connect_with_ssl(
            &address,
            &key,
            &cert,
            &ca,
            120,
            bollard::API_DEFAULT_VERSION,
        )
        .map_err(|e| describe(&e, &address))?;
        Self::negotiate(docker, address)
    }

    /// What the engine has of a local image: its id, repo digests and
    /// layers; [`FetchError::NotFound`] naming the engine when it is not
    /// there (drydock does not pull).
    pub fn inspect(&self, reference: &str) -> Result<Inspected, FetchError> {
        match self.runtime.block_on(self.docker.inspect_image(reference)) {
            Ok(inspect) => Ok(Inspected {
                id: inspect.id.unwrap_or_default(),
                repo_digests: inspect
                    .repo_digests
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|d| d.split_once('@').map(|(_, digest)| digest.to_string()))
                    .collect(),
                layers: inspect.root_fs.and_then(|r| r.layers).unwrap_or_default(),
            }),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Err(FetchError::NotFound(format!(
                "image `{reference}` is not in the engine at {} (drydock does not pull images)",
                self.address
            ))),
            Err(e) => Err(FetchError::Failed(describe(&e, &self.address))),
        }
    }

    /// Local images by reference (`repo:tag`; the id when untagged),
    /// keeping those that match one of `patterns` (`*` wildcards; all when
    /// none is given).
    pub fn list(&self, patterns: &[String]) -> Result<Vec<String>, String> {
        let images = self
            .runtime
            .block_on(
                self.docker
                    .list_images(None::<bollard::query_parameters::ListImagesOptions>),
            )
            .map_err(|e| describe(&e, &self.address))?;
        let mut refs: Vec<String> = Vec::new();
        for image in images {
            let tags: Vec<String> = image
                .repo_tags
                .into_iter()
                .filter(|t| t != "<none>:<none>")
                .collect();
            let chosen = match tags.into_iter().next() {
                Some(tag) => tag,
                None => image.id,
            };
            if patterns.is_empty() || patterns.iter().any(|p| matches(p, &chosen)) {
                refs.push(chosen);
            }
        }
        refs.sort();
        refs.dedup();
        Ok(refs)
    }

    /// The export of images (`docker save A B…`: one archive, each layer
    /// in it once however many of the images have it), as a byte stream
    /// read while it arrives.
    pub fn export(&self, references: &[&str]) -> Result<ExportReader, String> {
        let (tx, rx) = sync_channel::<io::Result<bytes::Bytes>>(128);
        let docker = self.docker.clone();
        let references: Vec<String> = references.iter().map(|r| r.to_string()).collect();
        let address = self.address.clone();
        let worker = std::thread::spawn(move || {
            let runtime = match runtime() {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Err(io::Error::other(e)));
                    return;
                }
            };
            runtime.block_on(async move {
                let mut stream = match references.as_slice() {
                    [one] => docker.export_image(one).boxed(),
                    several => {
                        let names: Vec<&str> = several.iter().map(String::as_str).collect();
                        docker.export_images(&names).boxed()
                    }
                };
                while let Some(item) = stream.next().await {
                    let item = item.map_err(|e| io::Error::other(describe(&e, &address)));
                    let failed = item.is_err();
                    if tx.send(item).is_err() || failed {
                        break;
                    }
                }
            });
        });
        Ok(ExportReader {
            rx,
            current: bytes::Bytes::new(),
            worker: Some(worker),
        })
    }
}

/// A reference without the registry prefixes engines add to local names
/// (`docker.io/library/`, Podman's `localhost/`).
fn short_reference(reference: &str) -> &str {
    ["docker.io/library/", "docker.io/", "localhost/"]
        .iter()
        .find_map(|p| reference.strip_prefix(p))
        .unwrap_or(reference)
}

/// Whether a reference matches a pattern, with or without the registry
/// prefix engines add to local names.
fn matches(pattern: &str, reference: &str) -> bool {
    wildcard(pattern, reference) || wildcard(short_reference(pattern), short_reference(reference))
}

/// `*` matches any run of characters; everything else matches itself.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text || text.starts_with(&format!("{pattern}:"));
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// The export as a `Read`.
pub struct ExportReader {
    rx: Receiver<io::Result<bytes::Bytes>>,
    current: bytes::Bytes,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Read for ExportReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.recv() {
                Ok(Ok(bytes)) => self.current = bytes,
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

impl Drop for ExportReader {
    fn drop(&mut self) {
        // Dropping the receiver stops the worker at its next send.
        let (_, closed) = sync_channel(0);
        self.rx = closed;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{matches, wildcard};

    #[test]
    fn matches_local_names_with_and_without_their_registry_prefix() {
        assert!(matches(
            "drydock-test/netcat:1",
            "localhost/drydock-test/netcat:1"
        ));
        assert!(matches("nginx", "docker.io/library/nginx:1.27"));
    }

    #[test]
    fn matches_reference_patterns() {
        assert!(wildcard("nginx", "nginx:1.27"));
        assert!(wildcard("nginx:*", "nginx:1.27"));
        assert!(wildcard("*/app:*", "ghcr.io/example/app:2"));
        assert!(!wildcard("redis", "nginx:1.27"));
    }
}
