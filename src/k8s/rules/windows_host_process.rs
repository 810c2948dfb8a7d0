//! `windows-host-process`: windows HostProcess container (Kubernetes). The check itself is
//! part of the Pod Security Standards evaluation in `k8s/pss.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("windows-host-process", Severity::Critical, DOCS)
    .title("Windows HostProcess container")
    .scopes(&[Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
`securityContext.windowsOptions.hostProcess: true` on the pod or a
container: the Pod Security Standards control `windowsHostProcess`
(baseline).

## Why it matters
A HostProcess container runs directly on the Windows node with the
node's privileges: there is no isolation at all.

## Example
```yaml
securityContext:
  windowsOptions:
    hostProcess: true   # NOT OK
```

## Use instead
Run node agents as services managed outside the cluster, or accept them
only in a namespace with the privileged level.

## References
- Pod Security Standards, baseline: HostProcess
"#;
