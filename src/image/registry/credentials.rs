//! Registry credentials where users already keep them, in the order they
//! are looked up:
//!
//! 1. `REGISTRY_AUTH_FILE` (Podman, Buildah, Skopeo);
//! 2. Docker's `config.json` in `DOCKER_CONFIG` (default `~/.docker`);
//! 3. Podman's `${XDG_RUNTIME_DIR}/containers/auth.json`, then
//!    `~/.config/containers/auth.json`.
//!
//! In each file, as the docker CLI reads it: a `credHelpers` entry for the
//! registry names a `docker-credential-<name>` helper, else a `credsStore`
//! names one for every registry, else the `auths` entry holds a base64
//! `user:password` (`auth`) or an `identitytoken`. The first file that has
//! credentials for the registry wins.
//!
//! A [`Credential`] never shows its secret: its `Debug` and every message
//! name only where it came from.

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine as _;
use serde::Deserialize;

use super::reference::Reference;

/// What proves who the client is.
pub enum Secret {
    Basic {
        user: String,
        password: String,
    },
    /// An OAuth2 refresh token (`docker login` to a registry that gives
    /// one; a helper's `<token>` user).
    IdentityToken(String),
}

/// A secret and where it came from.
pub struct Credential {
    pub secret: Secret,
    /// Where it was found (`/home/u/.docker/config.json (auths)`,
    /// `docker-credential-pass`), for messages.
    pub source: String,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential(from {}, secret hidden)", self.source)
    }
}

#[derive(Deserialize, Default)]
struct ConfigFile {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default, rename = "identitytoken")]
    identity_token: Option<String>,
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// The credential files, in lookup order; those that do not exist are
/// left out when read.
fn credential_files() -> Vec<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let home = env("HOME").map(PathBuf::from);
    let mut files = Vec::new();
    if let Some(file) = env("REGISTRY_AUTH_FILE") {
        files.push(PathBuf::from(file));
    }
    match env("DOCKER_CONFIG") {
        Some(dir) => files.push(Path::new(&dir).join("config.json")),
        None => files.extend(home.iter().map(|h| h.join(".docker/config.json"))),
    }
    if let Some(dir) = env("XDG_RUNTIME_DIR") {
        files.push(Path::new(&dir).join("containers/auth.json"));
    }
    files.extend(home.iter().map(|h| h.join(".config/containers/auth.json")));
    files
}

/// The credentials a run has looked up, by registry: the files are read
/// and a helper runs once per registry, however many of its images the
/// run reads at once (the others wait for that lookup, and share its
/// error if it fails).
#[derive(Default)]
pub struct Looked(Mutex<HashMap<String, Arc<OnceLock<Lookup>>>>);

type Lookup = Result<Option<Arc<Credential>>, String>;

impl Looked {
    /// The credential for `reference`'s registry, looked up once.
    pub fn get(&self, reference: &Reference) -> Lookup {
        let cell = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(reference.registry.clone())
            .or_default()
            .clone();
        cell.get_or_init(|| Ok(lookup(reference)?.map(Arc::new)))
            .clone()
    }
}

/// The credential for a registry, if any file or helper has one. An
/// unreadable file or a failing helper is an error naming it.
pub fn lookup(reference: &Reference) -> Result<Option<Credential>, String> {
    let keys = reference.credential_keys();
    for file in credential_files() {
        let text = match std::fs::read(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
        };
        let config: ConfigFile = serde_json::from_slice(&text).map_err(|e| {
            // serde_json's message quotes no input, only a position.
            format!("{} is not a credential file: {e}", file.display())
        })?;
        if let Some(found) = from_config(&config, &keys, &file)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn from_config(
    config: &ConfigFile,
    keys: &[String],
    file: &Path,
) -> Result<Option<Credential>, String> {
    if let Some(helper) = keys.iter().find_map(|k| config.cred_helpers.get(k)) {
        return ask_helper(helper, &keys[0]);
    }
    if let Some(store) = config.creds_store.as_deref().filter(|s| !s.is_empty())
        && let Some(found) = ask_helper(store, &keys[0])?
    {
        return Ok(Some(found));
    }
    let Some(entry) = keys.iter().find_map(|k| config.auths.get(k)) else {
        return Ok(None);
    };
    let source = format!("{} (auths)", file.display());
    if let Some(token) = entry.identity_token.as_deref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credential {
            secret: Secret::IdentityToken(token.to_string()),
            source,
        }));
    }
    let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| format!("{source}: the `auth` of {} is not base64", keys[0]))?;
    let (user, password) = decoded.split_once(':').ok_or_else(|| {
        format!(
            "{source}: the `auth` of {} is not base64 of `user:password`",
            keys[0]
        )
    })?;
    Ok(Some(Credential {
        secret: Secret::Basic {
            user: user.to_string(),
            password: password.to_string(),
        },
        source,
    }))
}

/// Asks `docker-credential-<name> get` for `server`'s credentials: the
/// server on standard input, JSON with `Username` and `Secret` on standard
/// output. "Not found" (a failure whose output says so) is no credential;
/// any other failure is an error that names the helper and its exit
/// status, never its output.
fn ask_helper(name: &str, server: &str) -> Result<Option<Credential>, String> {
    let program = format!("docker-credential-{name}");
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run the credential helper {program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading is judged by its answer.
        let _ = stdin.write_all(server.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("the credential helper {program} failed: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stdout);
        if said.to_ascii_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        return Err(format!(
            "the credential helper {program} failed for {server} ({})",
            output.status
        ));
    }
    let answer: HelperAnswer = serde_json::from_slice(&output.stdout).map_err(|_| {
        format!("the credential helper {program} answered for {server} with something that is not its JSON")
    })?;
    let source = program;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    let secret = if answer.username == "<token>" {
        Secret::IdentityToken(answer.secret)
    } else {
        Secret::Basic {
            user: answer.username,
            password: answer.secret,
        }
    };
    Ok(Some(Credential { secret, source }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Reference {
        Reference::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn config(json: &str) -> ConfigFile {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_basic_auth_and_identity_tokens_from_auths() {
        let keys = reference("reg.example:5000/app").credential_keys();
        let c = config(r#"{"auths":{"https://reg.example:5000":{"auth":"dTpwOnc="}}}"#);
        let found = from_config(&c, &keys, Path::new("config.json"))
            .ok()
            .flatten();
        match found.map(|c| c.secret) {
            Some(Secret::Basic { user, password }) => {
                assert_eq!((user, password), ("u".into(), "p:w".into()))
            }
            _ => panic!("no basic credential"),
        }
        let c = config(r#"{"auths":{"reg.example:5000":{"identitytoken":"tok"}}}"#);
        let found = from_config(&c, &keys, Path::new("config.json"))
            .ok()
            .flatten();
        assert!(matches!(found.map(|c| c.secret), Some(Secret::IdentityToken(t)) if t == "tok"));
    }

    #[test]
    fn files_docker_hub_under_the_index_address() {
        let keys = reference("nginx").credential_keys();
        let c = config(r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}}}"#);
        assert!(
            from_config(&c, &keys, Path::new("c"))
                .ok()
                .flatten()
                .is_some()
        );
    }

    #[test]
    fn a_bad_auth_is_an_error_that_does_not_quote_it() {
        let keys = reference("reg.example/app").credential_keys();
        let c = config(r#"{"auths":{"reg.example":{"auth":"not base64 s3cr3t"}}}"#);
        let error = from_config(&c, &keys, Path::new("c"))
            .err()
            .unwrap_or_default();
        assert!(error.contains("not base64"), "{error}");
        assert!(!error.contains("s3cr3t"), "{error}");
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = Credential {
            secret: Secret::Basic {
                user: "u".into(),
                password: "s3cr3t".into(),
            },
            source: "config.json".into(),
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }
}
