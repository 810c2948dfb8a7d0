//! Image references as an engine or a registry resolves them: the
//! normalised name a service's `image:` and an image read from an archive,
//! an engine or a registry are matched by, and the digest a reference is
//! pinned by. Compose, Kubernetes, images and the policy all name images
//! this way.

/// The digest a reference is pinned by: `sha256:…` after `@`, or a bare
/// image id.
pub fn pinned_digest(reference: &str) -> Option<&str> {
    match reference.split_once('@') {
        Some((_, digest)) => Some(digest),
        None => reference.starts_with("sha256:").then_some(reference),
    }
}

/// A reference as the engine resolves it: `nginx` is
/// `docker.io/library/nginx:latest`; a digest is kept
/// (`nginx:1.27@sha256:…`).
pub fn normalise(reference: &str) -> String {
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let (repository, tag) = match last.rsplit_once(':') {
        Some((_, tag)) => (&name[..name.len() - tag.len() - 1], tag),
        None => (name, "latest"),
    };
    let first = repository.split('/').next().unwrap_or("");
    let has_registry = repository.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost");
    let repository = if has_registry {
        repository.to_string()
    } else if repository.contains('/') {
        format!("docker.io/{repository}")
    } else {
        format!("docker.io/library/{repository}")
    };
    match digest {
        Some(digest) if tag == "latest" && !last.contains(':') => format!("{repository}@{digest}"),
        Some(digest) => format!("{repository}:{tag}@{digest}"),
        None => format!("{repository}:{tag}"),
    }
}

/// Splits `registry/name:tag@digest` into (tag, digest).
pub fn tag_and_digest(image: &str) -> (Option<&str>, Option<&str>) {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last_segment_start = name.rfind('/').map_or(0, |i| i + 1);
    let tag = name[last_segment_start..].rsplit_once(':').map(|(_, t)| t);
    (tag, digest)
}

/// The registry (or the whole repository) of `reference` when it is under
/// none of the `trusted` entries.
pub fn untrusted(reference: &str, trusted: &[String]) -> Option<String> {
    if trusted.is_empty() || reference.trim().is_empty() {
        return None;
    }
    let resolved = normalise(reference);
    // At a path boundary, or where the tag or digest starts: a port
    // (`registry.example.com:5000/…`) makes another registry.
    let under = |entry: &String| {
        resolved.strip_prefix(entry.as_str()).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with(['/', '@'])
                || (rest.starts_with(':') && !rest.contains('/'))
        })
    };
    if trusted.iter().any(under) {
        return None;
    }
    Some(resolved.split('/').next().unwrap_or("").to_string())
}

/// The message for a reference from an untrusted `registry`.
pub fn message(who: &str, reference: &str, registry: &str, trusted: &[String]) -> String {
    format!(
        "{who} runs image `{reference}` from `{registry}`, outside the trusted registries ({})",
        trusted.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::{normalise, tag_and_digest, untrusted};

    #[test]
    fn references_normalise_as_the_engine_resolves_them() {
        assert_eq!(normalise("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalise("nginx:1.27"), "docker.io/library/nginx:1.27");
        assert_eq!(
            normalise("docker.io/library/nginx:1.27"),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(normalise("bitnami/redis:7"), "docker.io/bitnami/redis:7");
        assert_eq!(normalise("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(normalise("ghcr.io/o/app:v1"), "ghcr.io/o/app:v1");
        assert_eq!(normalise("localhost/app:1"), "localhost/app:1");
        assert_eq!(
            normalise("app@sha256:ab"),
            "docker.io/library/app@sha256:ab"
        );
        assert_eq!(
            normalise("app:1@sha256:ab"),
            "docker.io/library/app:1@sha256:ab"
        );
    }

    #[test]
    fn splits_references() {
        assert_eq!(tag_and_digest("redis"), (None, None));
        assert_eq!(tag_and_digest("localhost:5000/app"), (None, None));
        assert_eq!(
            tag_and_digest("localhost:5000/app:1.2"),
            (Some("1.2"), None)
        );
        assert_eq!(tag_and_digest("app@sha256:ab"), (None, Some("sha256:ab")));
    }

    #[test]
    fn entries_match_at_a_path_boundary() {
        let trusted = vec!["docker.io/library".to_string(), "ghcr.io/acme".to_string()];
        assert_eq!(untrusted("nginx:1.27", &trusted), None);
        assert_eq!(untrusted("ghcr.io/acme/app:1", &trusted), None);
        assert_eq!(
            untrusted("ghcr.io/acme-evil/app:1", &trusted).as_deref(),
            Some("ghcr.io")
        );
        assert_eq!(
            untrusted("someone/redis", &trusted).as_deref(),
            Some("docker.io")
        );
        assert_eq!(untrusted("anything", &[]), None);
        let registry = vec!["registry.example.com".to_string()];
        assert_eq!(
            untrusted("registry.example.com:5000/app", &registry).as_deref(),
            Some("registry.example.com:5000")
        );
        let repository = vec!["docker.io/library/nginx".to_string()];
        assert_eq!(untrusted("nginx:1.27", &repository), None);
    }
}
