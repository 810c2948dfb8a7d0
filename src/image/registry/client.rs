//! One repository of one registry over the Distribution API (HTTP through
//! ureq, TLS through rustls): GET requests with the authentication dance
//! and bounded retries, answers turned into [`FetchError`]s a user can act
//! on.
//!
//! - Authentication: a request goes out anonymously (or with the token
//!   already won); a `401` names the scheme in `WWW-Authenticate`. For
//!   `Bearer realm=…,service=…,scope=…` a token is fetched from the realm
//!   (with the credential as Basic auth, or an identity token as an OAuth2
//!   refresh token, or anonymously) and the request sent again; for
//!   `Basic` the credential is sent itself.
//! - Retries: `429` and `5xx` are retried up to [`ATTEMPTS`] times with
//!   exponential backoff, or after the `Retry-After` the registry asks for
//!   (at most [`MAX_RETRY_AFTER`]); so are connections reset before an
//!   answer.
//! - Redirects (a blob served from a storage host) are followed without
//!   the `Authorization` header: the registry's credentials go only to the
//!   registry and its token realm.
//!
//! No message holds a credential: they name where it came from.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use ureq::Body;
use ureq::http::{Response, StatusCode};

use super::credentials::{Credential, Secret};
use super::reference::Reference;
use crate::image::fetch::FetchError;

/// Attempts of one request when the registry answers 429 or 5xx.
const ATTEMPTS: u32 = 4;
/// First wait between attempts; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest `Retry-After` honoured; a longer one ends the attempt.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Largest error or token document read.
const MAX_SMALL_BODY: u64 = 1 << 20;

/// How to reach registries: which may be spoken to in plain HTTP.
#[derive(Clone, Debug, Default)]
pub struct RegistrySettings {
    /// `HOST:PORT`s reached over plain HTTP (`--insecure-registry`).
    pub insecure: Vec<String>,
}

/// A client for one repository.
pub struct Client {
    agent: ureq::Agent,
    /// `https://host:port` (or `http://` for an insecure registry).
    base: String,
    /// How messages name the registry (`ghcr.io`, `127.0.0.1:5000`).
    pub registry: String,
    pub repository: String,
    credential: Option<Arc<Credential>>,
    /// The `Authorization` value that last worked, reused by every request.
    authorization: Mutex<Option<String>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client({}/{})", self.registry, self.repository)
    }
}

/// A `WWW-Authenticate` challenge. Public for the fuzz target of
/// registry responses ([`crate::fuzzing::registry_responses`]).
pub struct Challenge {
    scheme: String,
    params: Vec<(String, String)>,
}

impl Challenge {
    /// Reads a `WWW-Authenticate` header: its scheme and parameters.
    pub fn parse(header: &str) -> Challenge {
        let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
        let mut params = Vec::new();
        let mut rest = rest.trim();
        while !rest.is_empty() {
            let Some((key, after)) = rest.split_once('=') else {
                break;
            };
            let after = after.trim_start();
            let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
                match quoted.find('"') {
                    Some(end) => (&quoted[..end], &quoted[end + 1..]),
                    None => (quoted, ""),
                }
            } else {
                after.split_once(',').unwrap_or((after, ""))
            };
            params.push((key.trim().to_ascii_lowercase(), value.to_string()));
            rest = tail.trim_start().trim_start_matches(',').trim_start();
        }
        Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params,
        }
    }

    /// The value of the parameter `key` (lower case), if given.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    /// A client for `reference`'s repository, with the credential found
    /// for its registry (if any).
    pub fn new(
        reference: &Reference,
        settings: &RegistrySettings,
        credential: Option<Arc<Credential>>,
    ) -> Result<Client, FetchError> {
        let host = reference.api_host();
        let insecure = settings.insecure.iter().any(|h| h == &reference.registry);
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(5)
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::Never)
            .user_agent(concat!("drydock/", env!("CARGO_PKG_VERSION")))
            .accept_encoding("identity")
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .timeout_per_read(Some(Duration::from_secs(120)));
        if !insecure {
            let roots = super::tls::roots_for(host).map_err(FetchError::Failed)?;
            config = config.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&roots))
                    .build(),
            );
        }
        let scheme = if insecure { "http" } else { "https" };
        Ok(Client {
            agent: config.build().into(),
            base: format!("{scheme}://{host}"),
            registry: reference.registry.clone(),
            repository: reference.repository.clone(),
            credential,
            authorization: Mutex::new(None),
        })
    }

    /// What the run tried, for a refusal.
    fn tried(&self) -> String {
        match &self.credential {
            Some(c) => format!("tried the credentials from {}", c.source),
            None => format!(
                "tried anonymously, as no credentials for {} were found (REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json, Podman's auth.json); log in with `docker login {}`",
                self.registry, self.registry
            ),
        }
    }

    /// GETs `path` (under `/v2/<repository>/`), accepting `accept`. A
    /// success (2xx, after redirects) is returned with its body unread.
    /// `what` names the object in messages (`manifest 1.4`, `blob sha256:…`).
    pub fn get(&self, path: &str, accept: &str, what: &str) -> Result<Response<Body>, FetchError> {
        let url = format!("{}/v2/{}/{path}", self.base, self.repository);
        let mut attempt = 1;
        let mut authenticated = false;
        loop {
            let authorization = self.current_authorization();
            let mut request = self.agent.get(&url).header("Accept", accept);
            if let Some(value) = &authorization {
                request = request.header("Authorization", value);
            }
            let response = match request.call() {
                Ok(response) => response,
                Err(e) if attempt < ATTEMPTS && transient(&e) => {
                    std::thread::sleep(FIRST_BACKOFF * 2u32.pow(attempt - 1));
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(FetchError::Failed(self.unreachable(&e))),
            };
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            match status.as_u16() {
                401 if !authenticated => {
                    authenticated = true;
                    let challenge = response
                        .headers()
                        .get("www-authenticate")
                        .and_then(|v| v.to_str().ok())
                        .map(Challenge::parse);
                    let value = self.authenticate(challenge)?;
                    *self.lock() = Some(value);
                }
                401 => {
                    return Err(FetchError::Denied(format!(
                        "{} refused {} of {} (401 Unauthorized); {}",
                        self.registry,
                        what,
                        self.repository,
                        self.tried()
                    )));
                }
                403 => {
                    return Err(FetchError::Denied(format!(
                        "{} denied access to {} (403 Forbidden{}); {}",
                        self.registry,
                        self.repository,
                        error_code(response).map_or(String::new(), |c| format!(", {c}")),
                        self.tried()
                    )));
                }
                404 => return Err(FetchError::NotFound(self.not_found(response, what))),
                429 | 500..=599 if attempt < ATTEMPTS => {
                    let wait =
                        retry_after(&response).unwrap_or(FIRST_BACKOFF * 2u32.pow(attempt - 1));
                    if wait > MAX_RETRY_AFTER {
                        return Err(FetchError::Failed(format!(
                            "{} answered {status} for {what} of {} and asks to wait {} s (more than drydock waits)",
                            self.registry,
                            self.repository,
                            wait.as_secs()
                        )));
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                _ => {
                    let code = error_code(response).map_or(String::new(), |c| format!(" ({c})"));
                    let tries = if attempt > 1 {
                        format!(" after {attempt} attempts")
                    } else {
                        String::new()
                    };
                    return Err(FetchError::Failed(format!(
                        "{} answered {status}{code} for {what} of {}{tries}",
                        self.registry, self.repository
                    )));
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.authorization
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn current_authorization(&self) -> Option<String> {
        self.lock().clone()
    }

    fn unreachable(&self, e: &ureq::Error) -> String {
        let registry = &self.registry;
        let https = self.base.starts_with("https:");
        // rustls's refusals reach here as I/O errors that name the certificate.
        let certificate = matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_))
            || (https && e.to_string().contains("certificate"));
        let garbled = matches!(e, ureq::Error::Io(io) if https && matches!(
            io.kind(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
        ));
        if certificate {
            format!(
                "TLS with {registry} failed: {e} (a private CA goes in ~/.config/containers/certs.d/{registry}/ca.crt, /etc/docker/certs.d/{registry}/ or SSL_CERT_FILE)"
            )
        } else if garbled {
            format!(
                "cannot reach {registry} ({}): {e} (a registry that speaks plain HTTP must be named with --insecure-registry {registry})",
                self.base
            )
        } else {
            format!("cannot reach {registry} ({}): {e}", self.base)
        }
    }

    /// The `Authorization` value a challenge asks for.
    fn authenticate(&self, challenge: Option<Challenge>) -> Result<String, FetchError> {
        let denied = |why: String| FetchError::Denied(why);
        let Some(challenge) = challenge else {
            return Err(denied(format!(
                "{} answered 401 without saying how to authenticate (no WWW-Authenticate)",
                self.registry
            )));
        };
        match challenge.scheme.as_str() {
            "basic" => match self.credential.as_deref() {
                Some(Credential {
                    secret: Secret::Basic { user, password },
                    ..
                }) => Ok(basic(user, password)),
                _ => Err(denied(format!(
                    "{} asks for a user and password for {}; {}",
                    self.registry,
                    self.repository,
                    self.tried()
                ))),
            },
            "bearer" => self.token(&challenge).map(|t| format!("Bearer {t}")),
            other => Err(denied(format!(
                "{} asks for `{other}` authentication, which drydock does not speak",
                self.registry
            ))),
        }
    }

    /// Fetches a token from the challenge's realm.
    fn token(&self, challenge: &Challenge) -> Result<String, FetchError> {
        let realm = challenge.param("realm").ok_or_else(|| {
            FetchError::Denied(format!(
                "{} asks for a bearer token but names no realm",
                self.registry
            ))
        })?;
        let scope = challenge
            .param("scope")
            .map(str::to_string)
            .unwrap_or_else(|| format!("repository:{}:pull", self.repository));
        let service = challenge.param("service").unwrap_or("");
        let response = match self.credential.as_deref() {
            Some(Credential {
                secret: Secret::IdentityToken(token),
                ..
            }) => self.agent.post(realm).send_form([
                ("grant_type", "refresh_token"),
                ("service", service),
                ("scope", scope.as_str()),
                ("client_id", "drydock"),
                ("refresh_token", token.as_str()),
            ]),
            credential => {
                let mut request = self
                    .agent
                    .get(realm)
                    .query("service", service)
                    .query("scope", &scope);
                if let Some(Credential {
                    secret: Secret::Basic { user, password },
                    ..
                }) = credential
                {
                    request = request.header("Authorization", basic(user, password));
                }
                request.call()
            }
        };
        let response = response.map_err(|e| {
            FetchError::Failed(format!(
                "cannot get a token for {} from {realm}: {e}",
                self.repository
            ))
        })?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(FetchError::Denied(format!(
                "the token service of {} ({realm}) refused {} ({status}); {}",
                self.registry,
                self.repository,
                self.tried()
            )));
        }
        if !status.is_success() {
            return Err(FetchError::Failed(format!(
                "the token service of {} ({realm}) answered {status}",
                self.registry
            )));
        }
        #[derive(serde::Deserialize)]
        struct Token {
            #[serde(default)]
            token: String,
            #[serde(default)]
            access_token: String,
        }
        let body = read_small(response).map_err(FetchError::Failed)?;
        let token: Token = serde_json::from_slice(&body).map_err(|_| {
            FetchError::Failed(format!(
                "the token service of {} ({realm}) answered something that is not a token",
                self.registry
            ))
        })?;
        [token.token, token.access_token]
            .into_iter()
            .find(|t| !t.is_empty())
            .ok_or_else(|| {
                FetchError::Failed(format!(
                    "the token service of {} ({realm}) answered without a token",
                    self.registry
                ))
            })
    }

    /// Whether the registry knows the repository at all (for a 404 that
    /// does not say): `tags/list` answers `NAME_UNKNOWN` when it does not.
    pub fn has_repository(&self) -> bool {
        let url = format!("{}/v2/{}/tags/list", self.base, self.repository);
        let mut request = self.agent.get(&url);
        if let Some(value) = self.current_authorization() {
            request = request.header("Authorization", value);
        }
        match request.call() {
            Ok(response) if response.status() == StatusCode::NOT_FOUND => {
                error_code(response).as_deref() != Some("NAME_UNKNOWN")
            }
            _ => true,
        }
    }

    /// A 404, in words: no repository, or no such tag or blob in it.
    fn not_found(&self, response: Response<Body>, what: &str) -> String {
        match error_code(response).as_deref() {
            Some("NAME_UNKNOWN") => {
                format!("{} has no repository {}", self.registry, self.repository)
            }
            _ => format!("{}/{} has no {what}", self.registry, self.repository),
        }
    }
}

/// `Basic base64(user:password)`.
fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// A failure before any answer that another attempt may mend.
fn transient(e: &ureq::Error) -> bool {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::Io(io) => matches!(
            io.kind(),
            K::ConnectionReset
                | K::ConnectionAborted
                | K::TimedOut
                | K::UnexpectedEof
                | K::BrokenPipe
        ),
        ureq::Error::Timeout(_) => true,
        _ => false,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not honoured).
fn retry_after(response: &Response<Body>) -> Option<Duration> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The first `code` of a registry error body
/// (`{"errors":[{"code":"MANIFEST_UNKNOWN",…}]}`).
fn error_code(response: Response<Body>) -> Option<String> {
    let body = read_small(response).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let code = value.get("errors")?.get(0)?.get("code")?.as_str()?;
    // A code is an upper-case word; anything else is not repeated.
    code.bytes()
        .all(|b| b.is_ascii_uppercase() || b == b'_')
        .then(|| code.to_string())
}

/// A small body (error, token), at most [`MAX_SMALL_BODY`] bytes.
fn read_small(response: Response<Body>) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_SMALL_BODY)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::Challenge;

    #[test]
    fn parses_bearer_challenges() {
        let c = Challenge::parse(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.param("realm"), Some("https://auth.example/token"));
        assert_eq!(c.param("service"), Some("registry.example"));
        assert_eq!(c.param("scope"), Some("repository:a/b:pull,push"));
        let c = Challenge::parse(r#"Basic realm="Registry Realm""#);
        assert_eq!(
            (c.scheme.as_str(), c.param("realm")),
            ("basic", Some("Registry Realm"))
        );
    }
}
