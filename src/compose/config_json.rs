//! `drydock compose config`: the merged model as JSON, in the shape
//! `docker compose config --format json` prints, so the two can be compared.
//! Volumes and ports are written in their long syntax, `environment` and
//! the other key/value lists as mappings, bind sources made absolute.

use std::path::Path;

use serde_json::{Map, Value as Json, json};

use super::Project;
use super::model::{MountKind, parse_mount, parse_port};
use crate::yaml::{Node, Value};

/// The project as Compose-shaped JSON.
pub fn to_json(project: &Project) -> Json {
    let mut out = Map::new();
    out.insert("name".into(), Json::String(project.name.clone()));
    let Some(entries) = project.model.as_map() else {
        return Json::Object(out);
    };
    for (key, value) in entries {
        match key.text.as_str() {
            "name" | "version" => {}
            "services" => {
                let mut services = Map::new();
                for (name, service) in project.services() {
                    services.insert(name.text.clone(), service_json(service, &project.dir));
                }
                out.insert("services".into(), Json::Object(services));
            }
            k if k.starts_with("x-") => {}
            k => {
                out.insert(k.to_string(), plain(value));
            }
        }
    }
    Json::Object(out)
}

fn service_json(service: &Node, dir: &Path) -> Json {
    let mut out = Map::new();
    let Some(entries) = service.as_map() else {
        return Json::Object(out);
    };
    for (key, value) in entries {
        let json = match key.text.as_str() {
            "volumes" => seq(value, |n| volume_json(n, dir)),
            "ports" => match value.as_seq() {
                Some(items) => Json::Array(items.iter().flat_map(port_json).collect()),
                None => plain(value),
            },
            "environment" | "labels" | "annotations" | "sysctls" => key_value_json(value),
            "command" | "entrypoint" => match &value.value {
                Value::Scalar(s) => {
                    Json::Array(shell_split(&s.text).into_iter().map(Json::String).collect())
                }
                _ => plain(value),
            },
            k if k.starts_with("x-") || k == "extends" => continue,
            _ => plain(value),
        };
        out.insert(key.text.clone(), json);
    }
    Json::Object(out)
}

fn seq(node: &Node, f: impl Fn(&Node) -> Json) -> Json {
    match node.as_seq() {
        Some(items) => Json::Array(items.iter().map(f).collect()),
        None => plain(node),
    }
}

fn volume_json(node: &Node, dir: &Path) -> Json {
    let Some(mount) = parse_mount(node) else {
        return plain(node);
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(mount.kind.as_str()));
    if let Some(source) = &mount.source {
        let source = if mount.kind == MountKind::Bind {
            absolute(source, dir)
        } else {
            source.clone()
        };
        out.insert("source".into(), json!(source));
    }
    // Compose cleans the container path (`/etc/app/` is `/etc/app`).
    let target = match mount.target.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    out.insert("target".into(), json!(target));
    if mount.read_only {
        out.insert("read_only".into(), json!(true));
    }
    if let Some(p) = &mount.propagation {
        out.insert("bind".into(), json!({ "propagation": p }));
    }
    Json::Object(out)
}

/// A bind source as Compose resolves it: relative to the project
/// directory, `~` to the home directory.
pub fn absolute(source: &str, dir: &Path) -> String {
    if let Some(rest) = source.strip_prefix('~') {
        let home = std::env::var("HOME").unwrap_or_default();
        return format!("{home}{rest}");
    }
    if source.starts_with('/') || is_windows_absolute(source) {
        return source.to_string();
    }
    // `-f compose.yaml` makes the project directory the empty path: the
    // current directory, not the root.
    let dir = super::paths::or_current(dir);
    let dir = dir
        .canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let joined = dir.join(source);
    let mut parts: Vec<String> = Vec::new();
    for component in joined.components() {
        use std::path::Component;
        match component {
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir => {}
            Component::RootDir => parts.clear(),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `C:\\dir`, `C:/dir` or `\\\\server\\share`: a Windows path, absolute
/// where the engine runs, which Compose leaves as written.
fn is_windows_absolute(source: &str) -> bool {
    let bytes = source.as_bytes();
    source.starts_with("\\\\")
        || (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && (bytes[2] == b'\\' || bytes[2] == b'/'))
}

fn range(text: &str) -> Option<(u64, u64)> {
    match text.split_once('-') {
        Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
        None => text.parse().ok().map(|n| (n, n)),
    }
}

/// A port entry in long syntax. Like Compose, a container port range
/// becomes one entry per port (paired with the host range when it has the
/// same length).
fn port_json(node: &Node) -> Vec<Json> {
    let Some(port) = parse_port(node) else {
        return vec![plain(node)];
    };
    let entry = |target: Json, published: Option<String>| {
        let mut out = Map::new();
        out.insert("mode".into(), json!("ingress"));
        if let Some(ip) = &port.host_ip {
            out.insert("host_ip".into(), json!(ip));
        }
        out.insert("target".into(), target);
        if let Some(p) = published {
            out.insert("published".into(), json!(p));
        }
        out.insert("protocol".into(), json!(port.protocol));
        Json::Object(out)
    };
    let targets = range(&port.target);
    let hosts = port.published.as_deref().and_then(range);
    match targets {
        Some((start, end)) if end > start && end - start < 65536 => (start..=end)
            .enumerate()
            .map(|(i, target)| {
                let published = match hosts {
                    Some((h0, h1)) if h1.checked_sub(h0) == Some(end - start) => {
                        Some((h0 + i as u64).to_string())
                    }
                    _ => port.published.clone(),
                };
                entry(json!(target), published)
            })
            .collect(),
        Some((n, _)) => vec![entry(json!(n), port.published.clone())],
        None => vec![entry(json!(port.target), port.published.clone())],
    }
}

fn key_value_json(node: &Node) -> Json {
    let mut out = Map::new();
    for kv in super::model::key_values(node) {
        out.insert(kv.key, kv.value.map_or(Json::Null, Json::String));
    }
    Json::Object(out)
}

/// A node as JSON, typing plain scalars as YAML's core schema does.
pub fn plain(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Scalar(s) if s.plain && !s.interpolated => typed_scalar(&s.text),
        Value::Scalar(s) => Json::String(s.text.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(plain).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.text.clone(), plain(v)))
                .collect(),
        ),
    }
}

fn typed_scalar(text: &str) -> Json {
    match text {
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    if let Ok(n) = text.parse::<i64>() {
        return json!(n);
    }
    if text.contains('.')
        && let Ok(f) = text.parse::<f64>()
        && f.is_finite()
    {
        return json!(f);
    }
    Json::String(text.to_string())
}

/// Splits a command string like a POSIX shell does for words and quotes.
pub fn shell_split(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                word.push(n);
                            }
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}
