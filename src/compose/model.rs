//! Typed views over the merged Compose tree: the short and long syntaxes of
//! volumes, ports and key/value lists read into one shape, each keeping the
//! node it came from so findings point at the exact line.

use crate::yaml::{Node, Value};

/// What a service volume entry mounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// A host path.
    Bind,
    /// A named volume (`source` set) or an anonymous one (`source` unset).
    Volume,
    Tmpfs,
    Npipe,
    Cluster,
    Image,
}

impl MountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MountKind::Bind => "bind",
            MountKind::Volume => "volume",
            MountKind::Tmpfs => "tmpfs",
            MountKind::Npipe => "npipe",
            MountKind::Cluster => "cluster",
            MountKind::Image => "image",
        }
    }

    fn parse(text: &str) -> Option<MountKind> {
        Some(match text {
            "bind" => MountKind::Bind,
            "volume" => MountKind::Volume,
            "tmpfs" => MountKind::Tmpfs,
            "npipe" => MountKind::Npipe,
            "cluster" => MountKind::Cluster,
            "image" => MountKind::Image,
            _ => return None,
        })
    }
}

/// One entry of a service's `volumes:`, short or long syntax.
#[derive(Clone, Debug)]
pub struct Mount<'a> {
    pub kind: MountKind,
    /// Host path (bind), volume name (volume), image (image) as written.
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// `bind.propagation`, or the propagation flag of the short syntax.
    pub propagation: Option<String>,
    /// The entry's node (for its line).
    pub node: &'a Node,
    /// The node holding the source (the `source:` value in long syntax).
    pub source_node: &'a Node,
}

const PROPAGATIONS: [&str; 6] = [
    "shared", "rshared", "slave", "rslave", "private", "rprivate",
];

/// Whether a short-syntax source names a host path rather than a volume.
pub fn is_host_path(source: &str) -> bool {
    source.starts_with('/')
        || source.starts_with('.')
        || source.starts_with('~')
        || source.starts_with('\\')
        || (source.len() >= 2
            && source.as_bytes()[1] == b':'
            && source.as_bytes()[0].is_ascii_alphabetic())
}

/// Reads one `volumes:` entry. `None` for an entry with no target.
pub fn parse_mount(node: &Node) -> Option<Mount<'_>> {
    match &node.value {
        Value::Scalar(s) => parse_short_mount(&s.text, node),
        Value::Map(_) => {
            let kind = node
                .get("type")
                .and_then(Node::as_str)
                .and_then(MountKind::parse)
                .unwrap_or(MountKind::Volume);
            let source_node = node.get("source");
            let source = source_node
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let target = node.get("target").and_then(Node::as_str)?.to_string();
            let read_only = node
                .get("read_only")
                .and_then(Node::as_bool)
                .unwrap_or(false);
            let propagation = node
                .get("bind")
                .and_then(|b| b.get("propagation"))
                .and_then(Node::as_str)
                .map(str::to_string);
            Some(Mount {
                kind,
                source,
                target,
                read_only,
                propagation,
                node,
                source_node: source_node.unwrap_or(node),
            })
        }
        _ => None,
    }
}

fn parse_short_mount<'a>(spec: &str, node: &'a Node) -> Option<Mount<'a>> {
    let parts = split_volume_spec(spec);
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, None),
        [source, target] => (Some(*source), *target, None),
        [source, target, mode] => (Some(*source), *target, Some(*mode)),
        _ => return None,
    };
    if target.is_empty() {
        return None;
    }
    let kind = match source {
        Some(s) if is_host_path(s) => MountKind::Bind,
        _ => MountKind::Volume,
    };
    let options: Vec<&str> = mode.map(|m| m.split(',').collect()).unwrap_or_default();
    Some(Mount {
        kind,
        source: source.filter(|s| !s.is_empty()).map(str::to_string),
        target: target.to_string(),
        read_only: options.contains(&"ro"),
        propagation: options
            .iter()
            .find(|o| PROPAGATIONS.contains(o))
            .map(|o| o.to_string()),
        node,
        source_node: node,
    })
}

/// Splits `SOURCE:TARGET:MODE`, keeping a Windows drive letter (`C:\x`)
/// inside its part.
fn split_volume_spec(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = spec.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != b':' {
            continue;
        }
        let drive_letter = i == start + 1
            && bytes[start].is_ascii_alphabetic()
            && matches!(bytes.get(i + 1), Some(b'\\') | Some(b'/'));
        if drive_letter {
            continue;
        }
        parts.push(&spec[start..i]);
        start = i + 1;
    }
    parts.push(&spec[start..]);
    parts
}

/// One entry of a service's `ports:`.
#[derive(Clone, Debug)]
pub struct Port<'a> {
    /// Host address the port is bound to; `None` means every interface.
    pub host_ip: Option<String>,
    /// Host port or range; `None` means an ephemeral host port.
    pub published: Option<String>,
    /// Container port or range.
    pub target: String,
    pub protocol: String,
    pub node: &'a Node,
}

/// Reads one `ports:` entry. `None` when it cannot be read.
pub fn parse_port(node: &Node) -> Option<Port<'_>> {
    match &node.value {
        Value::Scalar(s) => parse_short_port(&s.text, node),
        Value::Map(_) => {
            let text = |key: &str| {
                node.get(key)
                    .and_then(Node::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            Some(Port {
                host_ip: text("host_ip"),
                published: text("published"),
                target: text("target")?,
                protocol: text("protocol").unwrap_or_else(|| "tcp".into()),
                node,
            })
        }
        _ => None,
    }
}

fn parse_short_port<'a>(spec: &str, node: &'a Node) -> Option<Port<'a>> {
    let (spec, protocol) = match spec.rsplit_once('/') {
        Some((s, p)) => (s, p.to_string()),
        None => (spec, "tcp".to_string()),
    };
    // An IPv6 address is written in brackets: `[::1]:8080:80`.
    let (host_ip, rest) = if let Some(after) = spec.strip_prefix('[') {
        let (ip, rest) = after.split_once(']')?;
        (Some(ip.to_string()), rest.strip_prefix(':')?)
    } else {
        (None, spec)
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, published, target) = match (host_ip, parts.as_slice()) {
        (Some(ip), [published, target]) => (Some(ip), Some(*published), *target),
        (Some(ip), [target]) => (Some(ip), None, *target),
        (None, [target]) => (None, None, *target),
        (None, [published, target]) => (None, Some(*published), *target),
        (None, [ip, published, target]) => (Some(ip.to_string()), Some(*published), *target),
        // An unbracketed IPv6 address: everything before the last two parts.
        (None, [.., published, target]) => {
            let ip_len = rest.len() - published.len() - target.len() - 2;
            (Some(rest[..ip_len].to_string()), Some(*published), *target)
        }
        _ => return None,
    };
    if target.is_empty() {
        return None;
    }
    Some(Port {
        host_ip: ip.filter(|s| !s.is_empty()),
        published: published.filter(|s| !s.is_empty()).map(str::to_string),
        target: target.to_string(),
        protocol,
        node,
    })
}

/// Why Docker Compose refuses a short-syntax `ports:` entry
/// (`[IP:]HOST:CONTAINER[/PROTO]`), in its words; `None` when it accepts
/// it. Follows the port-spec parser Compose uses (go-connections' `nat`):
/// ports and ranges are 16-bit numbers with `start <= end`, a host range
/// may differ in length from a single container port but not from a
/// container range, the protocol is `tcp`, `udp` or `sctp`, the address
/// an IP; and Compose's own check that the container port is not 0.
pub fn port_spec_error(spec: &str) -> Option<String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [container] => ("", "", *container),
        [host, container] => ("", *host, *container),
        [ip, host, container] => (*ip, *host, *container),
        [.., host, container] => (
            &spec[..spec.len() - host.len() - container.len() - 2],
            *host,
            *container,
        ),
        [] => return None,
    };
    let (container, protocol) = match container.split_once('/') {
        Some((port, protocol)) => (port, protocol),
        None => (container, "tcp"),
    };
    let ip = ip
        .strip_prefix('[')
        .and_then(|i| i.strip_suffix(']'))
        .unwrap_or(ip);
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Some(format!("invalid IP address: {ip}"));
    }
    let range = |text: &str| -> Option<(u16, u16)> {
        let (start, end) = text.split_once('-').unwrap_or((text, text));
        let (start, end) = (start.parse::<u16>().ok()?, end.parse::<u16>().ok()?);
        (start <= end).then_some((start, end))
    };
    if container.is_empty() {
        return Some("no container port".to_string());
    }
    let Some((c0, c1)) = range(container) else {
        return Some(format!("invalid containerPort: {container}"));
    };
    if !host.is_empty() {
        let Some((h0, h1)) = range(host) else {
            return Some(format!("invalid hostPort: {host}"));
        };
        if c1 - c0 != h1 - h0 && c1 != c0 {
            return Some(format!(
                "invalid ranges specified for container and host Ports: {container} and {host}"
            ));
        }
    }
    if !matches!(
        protocol.to_ascii_lowercase().as_str(),
        "tcp" | "udp" | "sctp"
    ) {
        return Some(format!("invalid proto: {protocol}"));
    }
    (c0 == 0).then(|| "the entry is missing a target port".to_string())
}

/// One `KEY=VALUE` (list form) or `KEY: VALUE` (mapping form) entry of
/// `environment`, `labels`, `sysctls`, build `args`…
#[derive(Clone, Debug)]
pub struct KeyValue<'a> {
    pub key: String,
    /// `None` for a bare `KEY` (list) or `KEY:` with no value (mapping).
    pub value: Option<String>,
    /// Whether text from the environment is in the value.
    pub interpolated: bool,
    /// The value as written in the file, before interpolation.
    pub written: Option<String>,
    /// The node holding the value (or the entry, in list form).
    pub node: &'a Node,
}

pub fn key_values(node: &Node) -> Vec<KeyValue<'_>> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| KeyValue {
                key: k.text.clone(),
                value: v.as_str().map(str::to_string),
                interpolated: is_interpolated(v),
                written: match &v.value {
                    Value::Scalar(s) => Some(s.raw.clone().unwrap_or_else(|| s.text.clone())),
                    _ => None,
                },
                node: v,
            })
            .collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let text = item.as_str()?;
                let (key, value) = match text.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                    None => (text.to_string(), None),
                };
                let written = match &item.value {
                    Value::Scalar(s) => s
                        .raw
                        .as_deref()
                        .unwrap_or(&s.text)
                        .split_once('=')
                        .map(|(_, v)| v.to_string()),
                    _ => None,
                };
                Some(KeyValue {
                    key,
                    value,
                    interpolated: is_interpolated(item),
                    written,
                    node: item,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub fn is_interpolated(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if s.interpolated)
}

/// The items of a list of strings, or of a single string.
pub fn strings(node: &Node) -> Vec<(&str, &Node)> {
    match &node.value {
        Value::Scalar(s) => vec![(s.text.as_str(), node)],
        Value::Seq(items) => items
            .iter()
            .filter_map(|n| n.as_str().map(|s| (s, n)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn judges_port_specs_as_docker_compose_does() {
        // Each verdict checked against docker compose 2.40 `config`.
        for accepted in [
            "80",
            "8080:80",
            "8080-8082:80",
            "0:81",
            ":82",
            "[::1]:8083:83",
            "::1:8084:84",
            "85/sctp",
            "86/TCP",
            "127.0.0.1:9000-9001:90-91/udp",
            "1-65535:1-65535",
        ] {
            assert_eq!(port_spec_error(accepted), None, "{accepted}");
        }
        for (rejected, reason) in [
            ("60-0:3-5", "invalid hostPort: 60-0"),
            ("abc:80", "invalid hostPort: abc"),
            ("70000:80", "invalid hostPort: 70000"),
            ("80-79", "invalid containerPort: 80-79"),
            ("65536", "invalid containerPort: 65536"),
            (
                "8080:80-81",
                "invalid ranges specified for container and host Ports: 80-81 and 8080",
            ),
            ("80/xyz", "invalid proto: xyz"),
            ("1.2.3:80:80", "invalid IP address: 1.2.3"),
            ("80:0", "the entry is missing a target port"),
            ("80:", "no container port"),
        ] {
            assert_eq!(
                port_spec_error(rejected).as_deref(),
                Some(reason),
                "{rejected}"
            );
        }
    }

    use super::*;
    use crate::yaml::{Pos, Scalar, source_from_text};

    fn scalar(text: &str) -> Node {
        Node::new(
            Value::Scalar(Scalar {
                text: text.into(),
                plain: true,
                interpolated: false,
                raw: None,
            }),
            Pos::line_of(source_from_text("t", ""), 1),
        )
    }

    #[test]
    fn reads_short_volume_syntax() {
        let n = scalar("/var/run/docker.sock:/var/run/docker.sock:ro");
        let m = parse_mount(&n).unwrap();
        assert_eq!(m.kind, MountKind::Bind);
        assert!(m.read_only);
        let n = scalar("/data");
        let m = parse_mount(&n).unwrap();
        assert_eq!((m.kind, m.source.as_deref()), (MountKind::Volume, None));
        let n = scalar("db:/var/lib/db:rw,rshared");
        let m = parse_mount(&n).unwrap();
        assert_eq!(m.kind, MountKind::Volume);
        assert_eq!(m.propagation.as_deref(), Some("rshared"));
        let n = scalar("C:\\data:/data");
        assert_eq!(parse_mount(&n).unwrap().kind, MountKind::Bind);
    }

    #[test]
    fn reads_short_port_syntax() {
        let n = scalar("127.0.0.1:8080:80/udp");
        let p = parse_port(&n).unwrap();
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(
            (p.published.as_deref(), p.target.as_str()),
            (Some("8080"), "80")
        );
        assert_eq!(p.protocol, "udp");
        let n = scalar("[::1]:8080:80");
        assert_eq!(parse_port(&n).unwrap().host_ip.as_deref(), Some("::1"));
        let n = scalar("3000-3005");
        let p = parse_port(&n).unwrap();
        assert_eq!(
            (p.host_ip, p.published, p.target.as_str()),
            (None, None, "3000-3005")
        );
        let n = scalar(":9001");
        assert_eq!(parse_port(&n).unwrap().published, None);
    }
}
