//! `tls-verification-disabled`: a download tool or package manager told
//! not to check certificates or signatures, in any stage.

use super::ctx::{DockerfileCtx, Rule, build_runs, shell_text};
use crate::dockerfile::stages::key_values;
use crate::dockerfile::verification::{unverified, unverified_variable};
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};
use crate::text::Span;

pub(super) static RULE: Rule = Rule::new(&META, check);

static META: RuleMeta = RuleMeta::new("tls-verification-disabled", Severity::High, DOCS)
    .title("Certificate or signature checks turned off")
    .scopes(&[Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
Downloads and package installs told to skip their checks, in any stage,
at the word that says so:

- certificates: `curl -k`/`--insecure`/`--proxy-insecure`,
  `wget --no-check-certificate` (or `-e check_certificate=off`),
  `pip`/`uv` `--trusted-host`/`--allow-insecure-host` and
  `pip config set global.trusted-host`, `npm`/`yarn`/`pnpm` with
  `strict-ssl` off, `git -c http.sslVerify=false` and
  `git config http.sslVerify false`, `apt-get -o
  Acquire::https::Verify-Peer=false`;
- signatures: `apt-get --allow-unauthenticated`,
  `--allow-insecure-repositories`, `--force-yes`, a sources line with
  `[trusted=yes]`, `apk --allow-untrusted`, `dnf`/`yum`/`microdnf`/`tdnf`
  `--nogpgcheck` or `--setopt=gpgcheck=0`, `zypper --no-gpg-checks`,
  `rpm --nosignature`;
- configuration a command writes (`echo`, `printf`, a `sed` replacement):
  `[trusted=yes]`, `gpgcheck=0`, `sslverify=false`, `Verify-Peer
  "false"`, `strict-ssl=false`, `check_certificate=off`;
- environment variables, in `ENV`, `ARG` defaults and `RUN` command lines:
  `GIT_SSL_NO_VERIFY` (any value: git only tests that it is set),
  `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`,
  `NPM_CONFIG_STRICT_SSL=false`, `PIP_TRUSTED_HOST`, `GOINSECURE`,
  `GOSUMDB=off`, `GOFLAGS=-insecure`.

Not reported: installs whose every package is a local file
(`apk add --allow-untrusted /tmp/pkgs/*.apk`, packages the build made
and could not sign) and `[trusted=yes]` on a `file:` repository the
build wrote itself: nothing crosses a network.

## Why it matters
TLS and package signatures are what stops anyone on the path — a
proxy, a compromised mirror, a spoofed DNS answer — from handing the
build other code than it asked for. Without them, a package, a tool or
a source archive can be swapped in transit and ends up in the image. An
`ENV` in the image's stages keeps the setting for whatever the
container runs later.

## Example
```dockerfile
RUN curl -fsSLk https://downloads.example.com/tool.tgz | tar -xz
RUN pip install --trusted-host pypi.example.com -r requirements.txt
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
```

## Use instead
Give the tool the certificate authority it is missing instead of
turning checks off: `COPY corp-ca.crt /usr/local/share/ca-certificates/`
then `update-ca-certificates`, or `--mount=type=secret` with
`curl --cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`, `git -c
http.sslCAInfo=…`. Import a repository's signing key (`signed-by=` for
apt, `rpm --import`, `/etc/apk/keys`) rather than trusting it blindly.

## References
- CWE-295: Improper Certificate Validation
- CWE-494: Download of Code Without Integrity Check
- Checkov's `CKV2_DOCKER_*` Dockerfile policies on certificate and signature checks
"#;

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let fix =
        "trust the missing certificate authority or signing key instead of turning the check off";
    for (stage, run) in build_runs(ctx) {
        for command in ctx.run_commands(run) {
            for found in unverified(&command) {
                let span = match &found.part {
                    Some(part) => ctx.narrow(found.word.span, part),
                    None => found.word.span,
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::High,
                        span,
                        DockerfileCtx::route(stage, run),
                        format!(
                            "{} in {} {}",
                            found.subject,
                            DockerfileCtx::stage_name(stage),
                            found.effect
                        ),
                    )
                    .fix(fix),
                );
            }
        }
    }
    for stage in &ctx.build.stages {
        for instruction in stage
            .instructions
            .iter()
            .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
        {
            let Some(text) = shell_text(instruction) else {
                continue;
            };
            for (name, value) in key_values(text, instruction.keyword == "ENV") {
                let Some(value) = value else {
                    continue;
                };
                let Some(effect) = unverified_variable(&name.text, &value.text) else {
                    continue;
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::High,
                        Span {
                            start: name.span.start,
                            end: value.span.end.max(name.span.end),
                        },
                        DockerfileCtx::route(stage, instruction),
                        format!(
                            "`{} {}` in {} {effect}",
                            instruction.keyword,
                            name.text,
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix(fix),
                );
            }
        }
    }
}
