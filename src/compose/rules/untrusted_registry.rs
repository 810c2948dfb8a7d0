//! `untrusted-registry`: a service's image comes from a registry the
//! policy does not list as trusted.

use super::ctx::{Rule, ServiceCtx};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub static RULE: Rule = Rule::service(META, check);
const META: RuleMeta = RuleMeta::new("untrusted-registry", Severity::High, DOCS)
    .title("Image from a registry the policy does not trust")
    .scopes(&[Scope::Compose, Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
Only when a policy lists trusted registries (the `trusted` parameter):
the `image:` of each Compose service that is pulled (services with
`build:` name their own image and are skipped) and of each Kubernetes
container, resolved as the engine resolves it (`nginx` is
`docker.io/library/nginx`), must start with one of the entries: a
registry (`registry.example.com`, `docker.io`) or a repository prefix
(`docker.io/library`, `ghcr.io/acme`), matched at a `/` boundary.

```yaml
# .drydock.yaml
rules:
  untrusted-registry:
    trusted: [registry.example.com, docker.io/library]
```

## Why it matters
An image is code that runs with the service's privileges. A gate that
admits images from anywhere admits a typosquatted repository, a personal
fork, or a registry nobody scans. A list of where images may come from
is the first control of a supply chain.

## Example
```yaml
services:
  cache:
    image: docker.io/someone/redis:7   # NOT OK: not under a trusted prefix
```

## Use instead
Pull from (or mirror into) a trusted registry:
```yaml
    image: registry.example.com/mirror/redis:7.4
```

## References
- CIS Docker Benchmark v1.6.0, 4.2 (use trusted base images)
- NIST SP 800-190, 4.1.5 (use of untrusted images)
"#;

/// The registry (or the whole repository) of `reference` when it is under
/// none of the `trusted` entries.
pub fn untrusted(reference: &str, trusted: &[String]) -> Option<String> {
    if trusted.is_empty() || reference.trim().is_empty() {
        return None;
    }
    let resolved = crate::hazards::image_ref::normalise(reference);
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

/// The message for a reference from `registry`.
pub fn message(who: &str, reference: &str, registry: &str, trusted: &[String]) -> String {
    format!(
        "{who} runs image `{reference}` from `{registry}`, outside the trusted registries ({})",
        trusted.join(", ")
    )
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    if ctx.node.get("build").is_some() {
        return;
    }
    let Some(at) = ctx.at("image") else {
        return;
    };
    let trusted = &ctx.params.trusted_registries;
    let Some(registry) = at.node.as_str().and_then(|r| untrusted(r, trusted)) else {
        return;
    };
    let who = format!("service `{}`", ctx.name.text);
    out.push(
        ctx.finding(
            &RULE.meta,
            Severity::High,
            &at,
            message(&who, at.node.as_str().unwrap_or(""), &registry, trusted),
        )
        .fix("pull the image from a trusted registry, or add its registry to `trusted`"),
    );
}

#[cfg(test)]
mod tests {
    use super::untrusted;

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
