//! `file-outside-repository`: a project names a file outside the audit
//! root (or one drydock never opens), which was therefore not read.

use super::ctx::Rule;
use crate::boundary::Refusal;
use crate::compose::Project;
use crate::finding::{Finding, Severity, Subject};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::project(&META, check);
static META: RuleMeta = RuleMeta::new("file-outside-repository", Severity::Medium, DOCS)
    .title("Project depends on a file outside the repository")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
A file the project names that lies outside the audit root: an `env_file`,
an `include`, an `extends.file`, the project's `.env`, a `configs` or
`secrets` `file:`, a build context or Dockerfile, given as an absolute
path, with `../`, or through a symlink committed in the repository that
leads out of it. Also a file drydock never opens wherever it is: under
`/proc`, `/sys` or `/dev`, inside a `.git` directory, or a socket or
device.

drydock does not read such a file. The finding sits at the line that
names it, and the rest of the project is audited as if the file were
absent (the summary says so). The audit root is the Git work tree around
the directory scanned (for `drydock compose`, around the project
directory and the files named with `-f` and `--env-file`), or that
directory outside a work tree; `--root DIR` sets it, and
`--allow-outside-root` lifts it for trusted local use.

## Why it matters
A project that reads a host file runs differently on every machine, and
what was reviewed in the repository is not what is deployed. On an
auditor it is worse: `env_file: /proc/self/environ` or a committed
`.env -> ~/.docker/config.json` would make any tool that reads it print
the CI runner's tokens into the build log. drydock never reads them, so
a pull request cannot use it to reveal anything about the machine it
runs on.

## Example
```yaml
services:
  app:
    image: example/app:1.4
    env_file: /etc/app/prod.env    # NOT OK: a host file
    extends:
      file: ../../shared/base.yaml # NOT OK: outside the repository
      service: base
```

## Use instead
```yaml
services:
  app:
    image: example/app:1.4
    env_file: ./prod.env           # OK: in the repository
```
Keep what the project needs in the repository, and pass host-specific
values as variables at deploy time. A host file kept out of the
repository on purpose (a production `env_file: /etc/app/secrets.env`) is
a decision worth recording: accept it with an exception in
`.drydock.yaml` (`rule: file-outside-repository`, the `path:` of the
Compose file, and a `reason:`), so a new one still stands out.

## References
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
- CWE-59: Improper Link Resolution Before File Access
"#;

fn check(project: &Project, out: &mut Vec<Finding>) {
    for reference in &project.outside {
        let subject = match &reference.service {
            Some(service) => Subject::ComposeService {
                project: project.name.clone(),
                service: service.clone(),
            },
            None => Subject::ComposeProject {
                project: project.name.clone(),
            },
        };
        let consequence = match reference.refusal {
            Refusal::Outside | Refusal::OutsideThroughSymlink => {
                "drydock did not read it, and the project depends on a file of the host it runs on"
            }
            _ => "drydock did not read it",
        };
        let message = format!(
            "{} `{}` {}: {consequence}",
            reference.what,
            reference.written,
            reference.refusal.describe()
        );
        out.push(
            Finding::new(
                RULE.meta.id,
                Severity::Medium,
                subject,
                &reference.node,
                reference.route.clone(),
                message,
            )
            .fix("name a file inside the repository; a host file kept out of it on purpose (deploy-time secrets) is an exception in .drydock.yaml"),
        );
    }
}
