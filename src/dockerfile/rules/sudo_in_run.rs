//! `sudo-in-run`: a `RUN` command runs through `sudo` (or `doas`).

use super::ctx::{DockerfileCtx, Rule, build_runs};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::new(&META, check);

static META: RuleMeta = RuleMeta::new("sudo-in-run", Severity::Medium, DOCS)
    .title("RUN uses sudo")
    .scopes(&[Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
A `RUN` command that runs a program through `sudo` or `doas` (also after
`env`, `nice` and the like), at the `sudo` word. Medium in the stages the
image is made of, low in a build stage whose sudo setup stays behind.

## Why it matters
A `RUN` already runs as the stage's `USER`. If that user is root, `sudo`
adds nothing but a setuid program in the image. If it is not, `sudo`
works only because the image lets that user become root (a `NOPASSWD`
sudoers rule): the same rule lets anyone who gets a shell in the running
container become root, and the non-root `USER` protects nothing. `sudo`
also behaves unlike a plain command in a build (no TTY, its own
environment and signal handling).

## Example
```dockerfile
USER app
RUN sudo apt-get update && sudo apt-get install -y curl
```

## Use instead
Run the privileged steps as root and drop to the runtime user after:

```dockerfile
USER root
RUN apt-get update && apt-get install -y curl
USER app
```

To step down from root inside a script at run time, use `gosu` or
`su-exec`, which do not let the user come back up.

## References
- hadolint DL3004
- Trivy DS-0010
- Checkov CKV2_DOCKER_1
- CIS Docker Benchmark v1.6.0, 4.1 (a user for the container)
"#;

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let image: Vec<usize> = ctx.image_stages().iter().map(|s| s.index).collect();
    for (stage, run) in build_runs(ctx) {
        let (severity, kept) = if image.contains(&stage.index) {
            (
                Severity::Medium,
                "the image keeps `sudo`, and any rule that lets its user become root",
            )
        } else {
            (
                Severity::Low,
                "a build stage, whose sudo setup stays out of the image",
            )
        };
        for command in ctx.run_commands(run) {
            let Some(start) = command.program_index() else {
                continue;
            };
            let end = command.runs_index().unwrap_or(command.words.len());
            for word in &command.words[start..end] {
                let name = word.text.rsplit('/').next().unwrap_or(&word.text);
                if name != "sudo" && name != "doas" {
                    continue;
                }
                let program = command.runs().unwrap_or("a shell");
                out.push(
                    ctx.finding(
                        RULE.meta,
                        severity,
                        word.span,
                        DockerfileCtx::route(stage, run),
                        format!(
                            "`{name}` runs `{program}` in {}: {kept}",
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix("run the privileged step as `USER root`, then switch to the unprivileged `USER`"),
                );
            }
        }
    }
}
