//! `remote-add-without-checksum`: `ADD` of a URL or a git repository
//! whose content nothing pins, in any stage.

use super::ctx::{DockerfileCtx, Rule};
use crate::dockerfile::stages::expand;
use crate::dockerfile::syntax::Args;
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::new(&META, check);

static META: RuleMeta = RuleMeta::new("remote-add-without-checksum", Severity::Medium, DOCS)
    .title("Remote ADD without a checksum")
    .scopes(&[Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
`ADD` of a remote source without BuildKit's `--checksum=` flag, in any
stage:

- an HTTP or HTTPS URL (`ADD https://example.com/tool.tgz /opt/`);
- a git repository (`git@host:org/repo.git`, `git://…`, `ssh://…`,
  `https://…/repo.git`) at a branch or tag, which can move; one pinned to
  a full commit id (`#<40 or 64 hex digits>`) is not reported.

`ADD ${URL}` is read with the stage's `ARG`/`ENV` defaults. The finding
is at the URL.

## Why it matters
The build takes whatever the server sends. A compromised or spoofed
host, a replaced release file or a moved tag changes what goes into the
image without any change to the Dockerfile, and the build cache hides
when it happened.

## Example
```dockerfile
ADD https://github.com/org/tool/releases/download/v1.2.3/tool.tgz /opt/
ADD git@github.com:org/lib.git#main /src/lib
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://github.com/org/tool/releases/download/v1.2.3/tool.tgz /opt/
ADD git@github.com:org/lib.git#3f6e1c2b9a0d4e5f60718293a4b5c6d7e8f90123 /src/lib
```

`--checksum` needs the Dockerfile syntax 1.6 or later (BuildKit); for a
git source its value is the commit id.

## References
- Dockerfile reference: `ADD --checksum`
- CWE-494: Download of Code Without Integrity Check
"#;

/// What kind of remote source a source of `ADD` is.
enum Remote {
    Http,
    /// A git repository; pinned to a full commit id or not.
    Git {
        pinned: bool,
    },
}

fn remote(source: &str) -> Option<Remote> {
    let lower = source.to_ascii_lowercase();
    let http = lower.starts_with("http://") || lower.starts_with("https://");
    let (address, fragment) = lower.split_once('#').unwrap_or((&lower, ""));
    let (path, query) = address.split_once('?').unwrap_or((address, ""));
    let git = lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.starts_with("ssh://")
        || (http && path.trim_end_matches('/').ends_with(".git"));
    if !git {
        return http.then_some(Remote::Http);
    }
    let commit = |r: &str| matches!(r.len(), 40 | 64) && r.bytes().all(|b| b.is_ascii_hexdigit());
    let fragment_ref = fragment.split(':').next().unwrap_or("");
    let query_pins = query.split('&').any(|kv| match kv.split_once('=') {
        Some(("checksum", _)) => true,
        Some(("ref" | "commit", r)) => commit(r),
        _ => false,
    });
    Some(Remote::Git {
        pinned: commit(fragment_ref) || query_pins,
    })
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for stage in &ctx.build.stages {
        let stage_name = DockerfileCtx::stage_name(stage);
        let mut vars = None;
        for add in stage.instructions.iter().filter(|i| i.keyword == "ADD") {
            if add.flag("checksum").is_some() {
                continue;
            }
            let words = match &add.args {
                Args::Shell(text) => text.words(),
                Args::Json(words) => words.clone(),
            };
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            for word in sources {
                let written = word.text.trim_matches('"');
                let resolved = if written.contains('$') {
                    expand(
                        written,
                        vars.get_or_insert_with(|| ctx.build.stage_vars(stage)),
                    )
                } else {
                    written.to_string()
                };
                let shown = if resolved == written {
                    format!("`{written}`")
                } else {
                    format!("`{written}` (`{resolved}`)")
                };
                let (message, fix) = match remote(&resolved) {
                    None | Some(Remote::Git { pinned: true }) => continue,
                    Some(Remote::Http) => (
                        format!(
                            "`ADD` of {shown} in {stage_name} has no `--checksum`: whatever the server sends goes into the build"
                        ),
                        "pin the file's digest: `ADD --checksum=sha256:… URL DEST`",
                    ),
                    Some(Remote::Git { pinned: false }) => (
                        format!(
                            "`ADD` of the git repository {shown} in {stage_name} takes a ref that can move, and no `--checksum`"
                        ),
                        "pin a full commit id (`repo.git#<commit>`) or add `--checksum=<commit>`",
                    ),
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::Medium,
                        word.span,
                        DockerfileCtx::route(stage, add),
                        message,
                    )
                    .fix(fix),
                );
            }
        }
    }
}
