//! `unknown-key`: a key the Compose Specification does not define.

use super::ctx::{Rule, ServiceCtx};
use crate::compose::Project;
use crate::compose::keys;
use crate::finding::{Finding, Severity, Subject};
use crate::rule::{RuleMeta, Scope};
use crate::suggest::closest;
use crate::yaml::{Node, Routed};

pub(super) static RULE: Rule = Rule::service(&META, check).and_project(check_project);
static META: RuleMeta = RuleMeta::new("unknown-key", Severity::Medium, DOCS)
    .title("Key not defined by the Compose Specification")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
Keys at the top level, in a service, in a service's `build`, `deploy`,
`healthcheck`, `logging` and `extends`, and in long-syntax `volumes` and
`ports` entries that the Compose Specification does not define. Keys
starting with `x-` are extensions and always allowed. The finding suggests
the key that was probably meant (`securityOpt` → `security_opt`,
`cap-add` → `cap_add`).

## Why it matters
A misspelled hardening key protects nothing. Hardening advice copied from
Kubernetes (`securityContext`, `readOnlyRootFilesystem`) or written in the
wrong case looks like protection in review and is not; Docker Compose
refuses the file, while other tools silently ignore the key.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    securityOpt: ["no-new-privileges:true"]   # NOT OK
```

## Use instead
```yaml
    security_opt: ["no-new-privileges:true"]
```

## References
- Compose Specification, services top-level element
"#;

fn check_keys(map: &Routed, allowed: &[&str], subject: &Subject, out: &mut Vec<Finding>) {
    let Some(entries) = map.node.as_map() else {
        return;
    };
    for (key, _) in entries {
        if key.text.starts_with("x-") || allowed.contains(&key.text.as_str()) {
            continue;
        }
        let hint = closest(&key.text, allowed.iter().copied());
        let mut message = format!("`{}` is not a Compose key in `{}`", key.text, map.route);
        if let Some(suggestion) = hint {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        // At the key itself: its value may be anything, or nothing.
        let node = Node::new(crate::yaml::Value::Null, key.pos.clone());
        let at = map.entry(&key.text, &node);
        let mut finding = Finding::new(
            RULE.meta.id,
            Severity::Medium,
            subject.clone(),
            at.node,
            at.route,
            message,
        );
        finding.fix = Some(match hint {
            Some(s) => format!("rename `{}` to `{s}`", key.text),
            None => "remove the key or prefix it with `x-`".into(),
        });
        out.push(finding);
    }
}

fn check_project(project: &Project, out: &mut Vec<Finding>) {
    let subject = Subject::ComposeProject {
        project: project.name.clone(),
    };
    let top = Routed::new(&project.model, "(top level)");
    check_keys(&top, keys::TOP_LEVEL, &subject, out);
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    let subject = ctx.subject();
    // A version 1 service's own keys are `legacy-compose-format`'s.
    let v1 = ctx
        .project
        .legacy_format
        .iter()
        .any(|file| file.pos.file.display == ctx.name.pos.file.display);
    let mut own: Vec<&str> = keys::SERVICE.to_vec();
    if v1 {
        own.extend(crate::compose::legacy::V1_ONLY_KEYS);
    }
    check_keys(&ctx.service(), &own, &subject, out);
    for (attribute, allowed) in keys::NESTED {
        if let Some(nested) = ctx.at(attribute) {
            check_keys(&nested, allowed, &subject, out);
        }
    }
    for (attribute, allowed) in [("volumes", keys::VOLUME_ENTRY), ("ports", keys::PORT_ENTRY)] {
        let Some(list) = ctx.at(attribute) else {
            continue;
        };
        for item in list.items() {
            check_keys(&item, allowed, &subject, out);
        }
    }
}
