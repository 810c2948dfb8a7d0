//! `ssh-port-exposed`: the image declares port 22 (`EXPOSE 22`).

use super::ctx::{DockerfileCtx, Rule, shell_text};
use crate::dockerfile::stages::expand;
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::new(&META, check);

static META: RuleMeta = RuleMeta::new("ssh-port-exposed", Severity::Medium, DOCS)
    .title("Image exposes the SSH port")
    .scopes(&[Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
`EXPOSE` of TCP port 22 in the stages the image is made of: `22`,
`22/tcp`, a range that holds it (`20-25`), or a variable that resolves to
it (`EXPOSE ${SSH_PORT}` with `ARG SSH_PORT=22`). `22/udp` is not SSH and
is not reported. The finding is at the port.

## Why it matters
A container that serves SSH runs a second entry point with its own
accounts, keys and patches to keep, and gives whoever reaches the port
an interactive shell. Containers are reached with `docker exec` or
`kubectl exec`, whose access the engine's or cluster's authorization
controls; an SSH daemon bypasses that and its audit log.

## Example
```dockerfile
RUN apt-get install -y openssh-server
EXPOSE 22
```

## Use instead
Leave SSH out of the image and use `docker exec` / `kubectl exec` (or an
ephemeral debug container) to get a shell. If the service itself speaks
SSH (a git server), document that and accept the finding.

## References
- Trivy DS-0004
- Checkov CKV_DOCKER_1
"#;

/// Whether an `EXPOSE` port (`22`, `22/tcp`, `20-25`) includes TCP 22.
fn includes_ssh(port: &str) -> bool {
    let (ports, protocol) = port.split_once('/').unwrap_or((port, "tcp"));
    if !protocol.eq_ignore_ascii_case("tcp") {
        return false;
    }
    let (low, high) = ports.split_once('-').unwrap_or((ports, ports));
    match (low.trim().parse::<u16>(), high.trim().parse::<u16>()) {
        (Ok(low), Ok(high)) => (low..=high).contains(&22),
        _ => false,
    }
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for stage in ctx.image_stages() {
        let mut vars = None;
        for expose in stage.instructions.iter().filter(|i| i.keyword == "EXPOSE") {
            let Some(text) = shell_text(expose) else {
                continue;
            };
            for word in text.words() {
                let port = if word.text.contains('$') {
                    expand(
                        &word.text,
                        vars.get_or_insert_with(|| ctx.build.stage_vars(stage)),
                    )
                } else {
                    word.text.clone()
                };
                if !includes_ssh(&port) {
                    continue;
                }
                let shown = if port == word.text {
                    format!("`EXPOSE {port}`")
                } else {
                    format!("`EXPOSE {}` (`{port}`)", word.text)
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::Medium,
                        word.span,
                        DockerfileCtx::route(stage, expose),
                        format!(
                            "{shown} in {} declares the SSH port: the image means to serve remote logins",
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix("leave SSH out of the image; get a shell with `docker exec` or `kubectl exec`"),
                );
            }
        }
    }
}
