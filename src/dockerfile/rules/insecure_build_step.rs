//! `insecure-build-step`: a `RUN` that asks BuildKit for the build host's
//! privileges (`--security=insecure`) or network (`--network=host`).

use super::ctx::{DockerfileCtx, Rule};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::new(&META, check);

static META: RuleMeta = RuleMeta::new("insecure-build-step", Severity::Critical, DOCS)
    .title("Build step runs with the build host's privileges or network")
    .scopes(&[Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
`RUN` flags that take a build step out of BuildKit's sandbox, in any
stage, and in `ONBUILD RUN` (which runs in the builds of images `FROM`
this one):

- `--security=insecure` (critical): the step runs like a privileged
  container — every capability, no seccomp or AppArmor profile, the host's
  devices;
- `--network=host` (medium): the step shares the build host's network
  namespace.

The finding is at the flag. BuildKit runs either only when whoever builds
grants the entitlement (`--allow security.insecure`,
`--allow network.host`, and the daemon's `--allow-insecure-entitlement`),
so a Dockerfile that needs one asks every builder to lower their guard.

## Why it matters
A privileged build step can load kernel modules, mount the host's disks
and leave the container: anything that step runs — a package's install
script, a downloaded tool, a compromised dependency — owns the build
host, its credentials and the other builds on it. This is `privileged`
for builds. A host-network step reaches what listens on the build host's
loopback (a Docker API on `localhost:2375`, databases, admin ports) and
leaves the build's network isolation.

## Example
```dockerfile
# syntax=docker/dockerfile:1-labs
RUN --security=insecure mount -t tmpfs none /mnt && make test
RUN --network=host curl http://localhost:8080/artifact -o /a
```

## Use instead
Do the privileged work outside the image build (a CI job step, a VM), or
with a narrower mechanism: `RUN --mount=type=cache`, `--mount=type=secret`
for credentials, a build argument or `--build-context` for an artifact
served locally. Fetch over the default build network.

## References
- Dockerfile reference: `RUN --security`, `RUN --network`
- BuildKit: entitlements `security.insecure`, `network.host`
- CIS Docker Benchmark v1.6.0, 5.4 (privileged containers)
"#;

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for stage in &ctx.build.stages {
        for instruction in stage.instructions {
            let (run, deferred) = match instruction.onbuild.as_deref() {
                Some(inner) => (inner, " (`ONBUILD`: in the builds of images FROM this one)"),
                None => (instruction, ""),
            };
            if run.keyword != "RUN" {
                continue;
            }
            for flag in &run.flags {
                let (severity, what, fix) = match (flag.name.as_str(), flag.value.as_deref()) {
                    ("security", Some("insecure")) => (
                        Severity::Critical,
                        "runs with every capability and no seccomp or AppArmor profile, like a privileged container on the build host",
                        "do the privileged work outside the image build; leave `--security` at its default (`sandbox`)",
                    ),
                    ("network", Some("host")) => (
                        Severity::Medium,
                        "shares the build host's network namespace",
                        "use the default build network; pass local artifacts with `--build-context` or `COPY`",
                    ),
                    _ => continue,
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        severity,
                        flag.span,
                        DockerfileCtx::route(stage, instruction),
                        format!(
                            "`RUN --{}={}` in {}{deferred} {what}",
                            flag.name,
                            flag.value.as_deref().unwrap_or(""),
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix(fix),
                );
            }
        }
    }
}
