//! `legacy-compose-format`: a Compose file in the version 1 format.

use super::ctx::Rule;
use crate::compose::Project;
use crate::finding::{Finding, Severity, Subject};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::project(&META, check);
static META: RuleMeta = RuleMeta::new("legacy-compose-format", Severity::Low, DOCS)
    .title("Compose file in the version 1 format")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
A Compose file in the version 1 format: its services at the top level,
with no `services:` key. drydock reads its services and audits them with
every other rule (`net: host` is read as `network_mode: host`), and
reports the format once, at the file's first line.

## Why it matters
Docker Compose v2 refuses the format, so the project runs only with
docker-compose 1.x, which has had no release, and so no security fix,
since 2021. A file nobody can run with a maintained tool is also a file
nobody re-reads: its privileged services and host mounts tend to outlive
the reason they were added.

## Example
```yaml
web:                      # NOT OK: a service at the top level
  image: nginx:1.27
  net: host
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    network_mode: host
```

## References
- Compose Specification, "Version and name top-level elements" (the
  legacy formats)
"#;

fn check(project: &Project, out: &mut Vec<Finding>) {
    for file in &project.legacy_format {
        let subject = Subject::ComposeProject {
            project: project.name.clone(),
        };
        out.push(
            Finding::new(
                RULE.meta.id,
                Severity::Low,
                subject,
                file,
                String::new(),
                format!(
                    "`{}` is in the Compose version 1 format (services at the top level): \
                     Docker Compose v2 refuses it, and only the unmaintained docker-compose 1.x \
                     runs it; its services were audited as if under `services:`",
                    file.pos.file.display
                ),
            )
            .fix("move the services under a top-level `services:` key (and `net:` to `network_mode:`)"),
        );
    }
}
