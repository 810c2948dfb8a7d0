//! `remote-script-to-shell`: a `RUN` runs what it downloads as a program
//! (`curl … | sh`, `sh -c "$(curl …)"`), in any stage.

use super::ctx::{DockerfileCtx, Rule, build_runs};
use crate::dockerfile::downloads::remote_scripts;
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::new(&META, check);

static META: RuleMeta = RuleMeta::new("remote-script-to-shell", Severity::High, DOCS)
    .title("Downloaded script run without verification")
    .scopes(&[Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
A `RUN` (shell form or heredoc script, in any stage) that runs what it
downloads as a program:

- `curl` or `wget -O-` piped into an interpreter that reads its program
  from standard input: a shell (`sh`, `bash`, `zsh`, `dash`, `ash`, `ksh`,
  `mksh`, `fish`), `python`, `perl`, `ruby`, `node`, `php`, also through
  `sudo`/`env` and other pipes (`curl … | tee log | sh`);
- a download substituted as the program: `sh -c "$(curl …)"`,
  `bash <(curl …)`, `source <(curl …)`, `eval "$(wget -O- …)"`.

The finding is at the interpreter: that is the step that turns downloaded
bytes into code, and the one to change. Data piped into a program given
on the command line (`curl … | python3 -c 'import json…'`, `curl … | sh
-c 'cat > f'`, `curl … | tar -x`) and downloads written to a file are not
reported.

## Why it matters
Nothing checks what the server sent: a compromised or spoofed host, a
hijacked domain or a changed release runs arbitrary code in the build,
whose result ships in the image. A truncated download runs as a
truncated script. The build is not reproducible either: the same
Dockerfile builds something else tomorrow.

## Example
```dockerfile
RUN curl -fsSL https://get.example.com/install.sh | sh
RUN sh -c "$(wget -qO- https://get.example.com/install.sh)"
```

## Use instead
Download a pinned version to a file, check it against a digest written
in the Dockerfile, then run it:

```dockerfile
ADD --checksum=sha256:<digest> https://get.example.com/v1.2.3/install.sh /tmp/install.sh
RUN sh /tmp/install.sh
```

or install the tool from a package manager or a pinned image
(`COPY --from=tool:1.2.3@sha256:… /bin/tool /usr/local/bin/`).

## References
- CWE-494: Download of Code Without Integrity Check
- SLSA v1.0, Build track: hermetic, pinned inputs
"#;

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for (stage, run) in build_runs(ctx) {
        let commands = ctx.run_commands(run);
        for script in remote_scripts(&commands) {
            let url = script
                .download
                .url
                .as_deref()
                .map_or(String::new(), |u| format!(" `{u}`"));
            let how = if script.piped {
                "piped into"
            } else {
                "handed as its program to"
            };
            out.push(
                ctx.finding(
                    RULE.meta,
                    Severity::High,
                    script.interpreter.span,
                    DockerfileCtx::route(stage, run),
                    format!(
                        "a `{}` download{url} is {how} `{}` in {}: it runs unverified code",
                        script.download.tool,
                        script.interpreter.text,
                        DockerfileCtx::stage_name(stage)
                    ),
                )
                .fix("download a pinned version to a file, check its digest (`ADD --checksum=…`, `sha256sum -c`), then run it"),
            );
        }
    }
}
