//! Image references as Docker reads them: `[REGISTRY/]REPOSITORY[:TAG][@DIGEST]`.
//!
//! The first component is a registry when it has a `.` or a `:` or is
//! `localhost`; otherwise the image is on Docker Hub (`docker.io`), where a
//! one-component name lives under `library/`. No tag and no digest means
//! `latest`. Docker Hub's API is served by `registry-1.docker.io`, and its
//! credentials are filed under `https://index.docker.io/v1/`.

use std::fmt;

const DOCKER_HUB: &str = "docker.io";

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `docker.io`, `ghcr.io`, `127.0.0.1:5000`.
    pub registry: String,
    /// `library/nginx`, `org/app`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:…`.
    pub digest: Option<String>,
}

impl Reference {
    /// Parses a reference, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Reference, String> {
        let invalid = |why: &str| format!("`{text}` is not an image reference: {why}");
        if text.is_empty() {
            return Err(invalid("it is empty"));
        }
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => {
                let (algorithm, hex) = digest
                    .split_once(':')
                    .ok_or_else(|| invalid("the digest has no `algorithm:`"))?;
                let valid = match algorithm {
                    "sha256" => hex.len() == 64,
                    "sha512" => hex.len() == 128,
                    _ => false,
                } && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !valid {
                    return Err(invalid("the digest is not sha256:<64 hex digits>"));
                }
                (rest, Some(digest.to_string()))
            }
            None => (text, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(at) => (
                &rest[..last_slash + at],
                Some(rest[last_slash + at + 1..].to_string()),
            ),
            None => (rest, None),
        };
        if let Some(tag) = &tag
            && !valid_tag(tag)
        {
            return Err(invalid(
                "the tag may hold only letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)",
            ));
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), path)
            }
            _ => (DOCKER_HUB.to_string(), name),
        };
        if !valid_registry(&registry) {
            return Err(invalid(
                "the registry is a host name or address with an optional numeric port",
            ));
        }
        let registry = match registry.as_str() {
            "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
            _ => registry,
        };
        if path.is_empty() || path.split('/').any(|c| !valid_component(c)) {
            return Err(invalid(
                "a repository is lowercase letters, digits and `.`, `_`, `__`, `-` separators, in `/`-separated parts",
            ));
        }
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        };
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// What to ask the registry for: the digest when pinned, else the
    /// tag (default `latest`).
    pub fn manifest_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }

    /// The host (and port) the API is served on.
    pub fn api_host(&self) -> &str {
        if self.registry == DOCKER_HUB {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }

    /// The names a credential store may file this registry under, the
    /// way `docker login` writes them first.
    pub fn credential_keys(&self) -> Vec<String> {
        if self.registry == DOCKER_HUB {
            return vec![
                "https://index.docker.io/v1/".into(),
                "index.docker.io".into(),
                "docker.io".into(),
                "registry-1.docker.io".into(),
            ];
        }
        let host = &self.registry;
        vec![
            host.clone(),
            format!("https://{host}"),
            format!("https://{host}/v1/"),
            format!("https://{host}/v2/"),
            format!("http://{host}"),
        ]
    }
}

impl fmt::Display for Reference {
    /// The full reference, registry and all (`docker.io/library/nginx:1.27`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// `host[:port]`: a host name (letters, digits, `.`, `-`), an IPv4
/// address or a bracketed IPv6 one, and digits for the port.
fn valid_registry(registry: &str) -> bool {
    let port_ok = |port: Option<&str>| {
        port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(rest) = registry.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        let v6_ok = !v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        return v6_ok && port_ok(port);
    }
    let (host, port) = match registry.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (registry, None),
    };
    let host_ok = !host.is_empty()
        && !host.starts_with(['-', '.'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    host_ok && port_ok(port)
}

fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// One `/`-separated part of a repository: lowercase alphanumerics joined
/// by `.`, `_`, `__` or runs of `-`.
fn valid_component(part: &str) -> bool {
    let bytes = part.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut separator = String::new();
    for &b in bytes {
        if alnum(b) {
            let ok = separator.is_empty()
                || separator == "."
                || separator == "_"
                || separator == "__"
                || separator.bytes().all(|s| s == b'-');
            if !ok {
                return false;
            }
            separator.clear();
        } else if matches!(b, b'.' | b'_' | b'-') {
            separator.push(b as char);
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::Reference;

    fn parsed(text: &str) -> (String, String, Option<String>, Option<String>) {
        let r = Reference::parse(text).unwrap_or_else(|e| panic!("{e}"));
        (r.registry, r.repository, r.tag, r.digest)
    }

    #[test]
    fn normalises_docker_hub_names() {
        assert_eq!(
            parsed("nginx"),
            ("docker.io".into(), "library/nginx".into(), None, None)
        );
        assert_eq!(
            parsed("bitnami/redis:7"),
            (
                "docker.io".into(),
                "bitnami/redis".into(),
                Some("7".into()),
                None
            )
        );
        assert_eq!(parsed("index.docker.io/library/alpine:3").0, "docker.io");
    }

    #[test]
    fn tells_a_registry_from_a_namespace() {
        assert_eq!(parsed("localhost/app").0, "localhost");
        assert_eq!(parsed("127.0.0.1:5000/team/app:1").0, "127.0.0.1:5000");
        assert_eq!(parsed("127.0.0.1:5000/team/app:1").1, "team/app");
        assert_eq!(parsed("ghcr.io/org/app").0, "ghcr.io");
        assert_eq!(parsed("[::1]:5000/app").0, "[::1]:5000");
        assert_eq!(parsed("org/app").0, "docker.io");
    }

    #[test]
    fn reads_tags_and_digests() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let (_, repo, tag, d) = parsed(&format!("reg.example:443/app:1.2@{digest}"));
        assert_eq!(
            (repo.as_str(), tag.as_deref(), d.as_deref()),
            ("app", Some("1.2"), Some(digest.as_str()))
        );
        let r = Reference::parse(&format!("app@{digest}")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.manifest_reference(), digest);
        assert_eq!(
            Reference::parse("app")
                .map(|r| r.manifest_reference().to_string())
                .ok(),
            Some("latest".into())
        );
    }

    #[test]
    fn refuses_what_docker_refuses() {
        for bad in [
            "",
            "App:1",
            "app:",
            "app@sha256:12",
            "a//b",
            "app:-x",
            "-app",
            "app@md5:00",
            "reg:notaport/app",
            "reg:/app",
            "[zz]:5000/app",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prints_the_full_reference() {
        let r = Reference::parse("nginx:1.27").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.to_string(), "docker.io/library/nginx:1.27");
    }
}
