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

#[cfg(test)]
mod tests {
    use super::normalise;

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
}
