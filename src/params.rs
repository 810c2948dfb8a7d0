//! Rule parameters: what a policy may tune in a rule besides its severity,
//! written under the rule's id in `rules:`.
//!
//! ```yaml
//! rules:
//!   added-capabilities:
//!     allowed: [NET_ADMIN]         # accepted in cap_add
//!   host-path-mount:
//!     severity: high
//!     sensitive-paths: [/srv/keys] # treated like /etc
//!   network-tool:
//!     tools: [curl, wget]          # also reported, by name on PATH
//!     allowed: [dig]               # never reported
//!   untrusted-registry:
//!     trusted: [registry.example.com, docker.io/library]
//! ```
//!
//! [`SPECS`] lists every parameter (validation and `drydock explain` read
//! it); [`Params`] holds the values the rules read.

use crate::error::InputError;
use crate::yaml::{Key, Node};

/// One parameter of one rule.
pub struct ParamSpec {
    pub rule: &'static str,
    pub key: &'static str,
    /// What the list means, for `drydock explain`.
    pub doc: &'static str,
    /// Checks and stores the list (a later setting replaces an earlier
    /// one, as for severities), or says what is wrong with it.
    set: fn(&mut Params, Vec<String>) -> Result<(), String>,
}

/// Every rule parameter. Each is a list of strings.
pub const SPECS: [ParamSpec; 6] = [
    ParamSpec {
        rule: "added-capabilities",
        key: "allowed",
        doc: "Capabilities accepted in Compose `cap_add` (with or without `CAP_`, any case): \
              not reported. Kubernetes capabilities follow the Pod Security Standards as written.",
        set: |params, values| {
            params.allowed_capabilities = values
                .iter()
                .map(|c| crate::hazards::capabilities::normalise(c))
                .collect();
            Ok(())
        },
    },
    ParamSpec {
        rule: "host-path-mount",
        key: "sensitive-paths",
        doc: "More host paths treated like `/etc`: high when mounted writable, medium read-only, \
              including anything below them and any directory above them.",
        set: |params, values| {
            if let Some(relative) = values.iter().find(|p| !p.starts_with('/')) {
                return Err(format!(
                    "`sensitive-paths` are absolute host paths; `{relative}` is not"
                ));
            }
            params.sensitive_paths = values
                .iter()
                .map(|p| {
                    let trimmed = p.trim_end_matches('/');
                    if trimmed.is_empty() { "/" } else { trimmed }.to_string()
                })
                .collect();
            Ok(())
        },
    },
    ParamSpec {
        rule: "network-tool",
        key: "tools",
        doc: "More program names reported when found on the default `PATH` (in a Dockerfile: \
              packages of that name).",
        set: |params, values| {
            params.network_tools = values;
            Ok(())
        },
    },
    ParamSpec {
        rule: "network-tool",
        key: "allowed",
        doc: "Program names never reported (the file name, as `dig` or `nc.openbsd`; in a \
              Dockerfile, nor the packages that bring them).",
        set: |params, values| {
            params.allowed_network_tools = values;
            Ok(())
        },
    },
    ParamSpec {
        rule: "secret-in-image-file",
        key: "allowed-paths",
        doc: "Globs of paths inside images (`/app/testdata/**`, `/etc/ssl/private/*.key`) whose \
              credentials are accepted: not reported. `*` stays inside one directory, `**` \
              crosses them.",
        set: |params, values| {
            let mut builder = globset::GlobSetBuilder::new();
            for pattern in &values {
                let absolute = format!("/{}", pattern.trim_start_matches('/'));
                let glob = globset::GlobBuilder::new(&absolute)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("`{pattern}` is not a glob: {}", e.kind()))?;
                builder.add(glob);
            }
            params.allowed_secret_paths = builder
                .build()
                .map_err(|e| format!("the globs cannot be used: {e}"))?;
            Ok(())
        },
    },
    ParamSpec {
        rule: "untrusted-registry",
        key: "trusted",
        doc: "Registries (`registry.example.com`) or repository prefixes \
              (`docker.io/library`, `ghcr.io/acme`) images may come from; the rule reports \
              nothing until this is set.",
        set: |params, values| {
            params.trusted_registries = values
                .iter()
                .map(|r| r.trim_end_matches('/').to_string())
                .collect();
            Ok(())
        },
    },
];

/// The parameter values of a run; empty lists when no policy sets them.
#[derive(Clone, Debug, Default)]
pub struct Params {
    /// `added-capabilities.allowed`, normalised (`NET_ADMIN`).
    pub allowed_capabilities: Vec<String>,
    /// `host-path-mount.sensitive-paths`, absolute without a trailing `/`.
    pub sensitive_paths: Vec<String>,
    /// `network-tool.tools`.
    pub network_tools: Vec<String>,
    /// `network-tool.allowed`.
    pub allowed_network_tools: Vec<String>,
    /// `untrusted-registry.trusted`, without a trailing `/`.
    pub trusted_registries: Vec<String>,
    /// `secret-in-image-file.allowed-paths`, as absolute globs.
    pub allowed_secret_paths: globset::GlobSet,
}

impl Params {
    /// Whether a policy accepts the credentials of a path inside an image
    /// (`/app/testdata/key.pem`).
    pub fn allows_secret_path(&self, path: &str) -> bool {
        self.allowed_secret_paths.is_match(path)
    }
}

/// The parameters of a rule, for `drydock explain`.
pub fn of(rule: &str) -> impl Iterator<Item = &'static ParamSpec> {
    SPECS.iter().filter(move |s| s.rule == rule)
}

/// One parameter `key: value` under rule `rule` in `rules:`; records it in
/// `params` or reports why it cannot be.
pub fn parse(
    rule: &str,
    key: &Key,
    value: &Node,
    params: &mut Params,
    errors: &mut Vec<InputError>,
) {
    let Some(spec) = of(rule).find(|s| s.key == key.text) else {
        let known: Vec<&'static str> = of(rule).map(|s| s.key).collect();
        let message = if known.is_empty() {
            format!(
                "`{rule}` takes no parameters (only `severity`); rules that do: {}",
                rules_with_parameters().join(", ")
            )
        } else {
            let hint = crate::suggest::closest(&key.text, known.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            format!(
                "`{rule}` has no parameter `{}`{hint} (it has `severity`, `{}`)",
                key.text,
                known.join("`, `")
            )
        };
        errors.push(InputError::at(&key.pos, message));
        return;
    };
    let items: Option<Vec<String>> = value.as_seq().and_then(|items| {
        items
            .iter()
            .map(|n| n.as_str().map(str::trim).filter(|s| !s.is_empty()))
            .map(|s| s.map(String::from))
            .collect()
    });
    let Some(items) = items else {
        errors.push(InputError::at(
            &value.pos,
            format!("`{}` must be a list of names", key.text),
        ));
        return;
    };
    if let Err(message) = (spec.set)(params, items) {
        errors.push(InputError::at(&value.pos, message));
    }
}

fn rules_with_parameters() -> Vec<&'static str> {
    let mut rules: Vec<&'static str> = SPECS.iter().map(|s| s.rule).collect();
    rules.dedup();
    rules
}
