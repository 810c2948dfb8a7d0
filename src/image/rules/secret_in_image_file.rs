//! `secret-in-image-file`: credentials in the files of an image's layers,
//! those a later layer deleted or replaced included.

use super::ctx::Rule;
use crate::finding::{Finding, Place, Severity};
use crate::hazards::secrets::{SecretHit, first_per_kind};
use crate::image::Image;
use crate::image::tree::{Removal, Unseen};
use crate::params::Params;
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule { meta: &META, check };

static META: RuleMeta = RuleMeta::new("secret-in-image-file", Severity::High, DOCS)
    .title("Credential in a file of the image")
    .scopes(&[Scope::Image]);

const DOCS: &str = r#"## What it checks
The regular files of every layer, as they are read, for credentials:
private keys (PEM blocks of RSA, EC, DSA, OpenSSH and PKCS #8 keys, PuTTY
keys; the block must be complete and decode), cloud credentials (an AWS
access key id with its secret, a Google Cloud service-account key, an
Azure storage connection string or client secret), tokens of a documented
shape (GitHub, GitLab, Slack, Stripe, npm, PyPI, Docker Hub, SendGrid,
Twilio, OpenAI, Anthropic, signed JWTs), and credential files by name and
structure (`.docker/config.json` with an `auth`, `.git-credentials`,
`.netrc`, `.pgpass`, kubeconfigs, `.aws/credentials`, `.npmrc`, `.env`
files with credential-named keys).

Files a later layer deleted (`RUN rm`, a whiteout, an opaque directory) or
replaced are checked too: the layer that wrote them still ships their
bytes, and the finding says which layer removed them.

Critical for private keys and cloud credentials, high for tokens and
credential files, low for encrypted private keys, an AWS key id without
its secret, and Debian's `ssl-cert` snakeoil key (generated on each
machine by `make-ssl-cert`, but shared by every container of the image).

Not reported: documented example keys (`AKIAIOSFODNN7EXAMPLE`),
placeholders (`changeme`, `<your-token>`, `${VAR}`), public keys and
certificates, and the test fixtures and documentation that language
packages ship with themselves (Python's `test/` suite, `tests/` of
installed packages, `node_modules/*/test/`, gems' `test/` and `spec/`,
Go's `testdata/`, `usr/share/doc/`): their keys are public in the
packages' sources. The image's warnings say how many were left out. An
application's own `tests/` directory is not in that list.

Each finding names the kind of credential and at most its first four
characters (`ghp_****`), never the value; its fingerprint hashes the
value, so a rotated secret is a new finding.

Binary files (ELF, archives, compressed data, images) are skipped by
their first bytes; a text file with a NUL byte in its first 8 KiB is
read up to that byte.

## Parameters
`allowed-paths`: globs of paths inside the image (`/app/testdata/**`)
whose credentials are accepted.

## Why it matters
Anyone who can pull the image can read every layer: `docker save` and a
tar tool show a key that a later `RUN rm` hid from the container. A
credential baked into an image is shared by everyone who has it, and
removing it means rebuilding and rotating it.

## Example
```dockerfile
COPY id_rsa /root/.ssh/id_rsa
RUN git clone git@github.com:acme/private.git && rm /root/.ssh/id_rsa   # NOT OK: layer 1 still ships the key
```

## Use instead
Mount secrets for the one step that needs them (`RUN --mount=type=ssh`,
`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`), keep
credential files out of the build context (`.dockerignore`), and rotate
any credential an image has shipped.

## References
- Trivy secret scanning (`--scanners secret`)
- Docker docs: build secrets, SSH mounts
"#;

fn check(image: &Image, params: &Params, out: &mut Vec<Finding>) {
    let allowed = |path: &str| params.allows_secret_path(&format!("/{path}"));
    for (path, node) in image.tree.files() {
        if node.hardlink_of().is_some() {
            continue;
        }
        let Some(hits) = node.entry.content.as_ref().and_then(|c| c.secrets()) else {
            continue;
        };
        let path = path.to_string();
        let path = path.as_str();
        if allowed(path) {
            continue;
        }
        for hit in reported(hits) {
            out.push(secret_finding(image, path, node.layer, &hit, None));
        }
    }
    for unseen in &image.tree.unseen_secrets {
        if allowed(&unseen.path) {
            continue;
        }
        for hit in reported(&unseen.secrets) {
            out.push(secret_finding(
                image,
                &unseen.path,
                unseen.layer,
                &hit,
                Some(unseen),
            ));
        }
    }
}

/// The hits of one file that are findings: one per kind of credential,
/// packages' own test fixtures left out (`Tree::fixture_secrets` counts
/// them for the image's warnings).
fn reported(hits: &[SecretHit]) -> Vec<SecretHit> {
    let kept: Vec<SecretHit> = hits.iter().filter(|h| !h.fixture).cloned().collect();
    first_per_kind(&kept)
}

fn secret_finding(
    image: &Image,
    path: &str,
    layer: usize,
    hit: &SecretHit,
    unseen: Option<&Unseen>,
) -> Finding {
    let detail = hit
        .detail
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    // A key's preview is its `-----BEGIN` line, which the kind already says.
    let preview = if hit.preview.starts_with("-----") || hit.preview.starts_with("PuTTY") {
        String::new()
    } else {
        format!(" `{}`", hit.preview)
    };
    let what = format!(
        "{}{preview}{detail} in `/{path}`, line {}",
        hit.kind.describe(),
        hit.line
    );
    let step = |index: usize| {
        image
            .layers
            .get(index)
            .map(|l| l.created_by.as_str())
            .filter(|c| !c.is_empty())
            .map(|c| format!(" (`{}`)", shorten(c)))
            .unwrap_or_default()
    };
    let (message, fix) = match unseen {
        None => (
            what,
            "keep it out of the image (`.dockerignore`, `RUN --mount=type=secret`) and rotate it",
        ),
        Some(unseen) => {
            let removed = match unseen.how {
                Removal::Deleted => "deleted",
                Removal::Replaced => "replaced",
            };
            (
                format!(
                    "{what}: {removed} in layer {}{}, but layer {layer} still ships it",
                    unseen.removed_in,
                    step(unseen.removed_in)
                ),
                "a later layer cannot take a file out of an image: mount the secret for the step that needs it (`RUN --mount=type=secret`) and rotate it",
            )
        }
    };
    let at = image.location(Some(layer), Some(path)).with_line(hit.line);
    let mut found = Finding::in_image(META.id, hit.tier.severity(), at, message)
        .identified_by(hit.digest_hex())
        .fix(fix);
    if let Some(unseen) = unseen {
        let note = match unseen.how {
            Removal::Deleted => "deleted here",
            Removal::Replaced => "replaced here",
        };
        found = found.related(Place::Image(
            image
                .location(Some(unseen.removed_in), Some(path))
                .with_note(note),
        ));
    }
    found
}

/// A history step cut to a length a message can hold.
fn shorten(step: &str) -> String {
    const MAX: usize = 60;
    match step.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &step[..cut]),
        None => step.to_string(),
    }
}
