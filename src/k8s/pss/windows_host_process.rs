//! `windowsHostProcess` (baseline): the pod or a container runs as a
//! Windows HostProcess. Reported as `windows-host-process`, a
//! Kubernetes-only rule documented here.

use crate::finding::Severity;
use crate::k8s::control::{Control, Violations, is_true};
use crate::k8s::pod::PodCtx;
use crate::rule::{RuleMeta, Scope};

pub(super) static CONTROL: Control = Control::baseline("windowsHostProcess", &[&META], check);

pub(super) static META: RuleMeta = RuleMeta::new("windows-host-process", Severity::Critical, DOCS)
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

const HOST_PROCESS: &str = "securityContext.windowsOptions.hostProcess";

fn check(pod: &PodCtx, out: &mut Violations) {
    if let Some(at) = pod.at(HOST_PROCESS).filter(|(n, _)| is_true(n)) {
        let what = "the pod runs as a Windows HostProcess".to_string();
        out.add(&META, Severity::Critical, at, what);
    }
    for c in &pod.containers {
        if let Some(at) = c.at(HOST_PROCESS).filter(|(n, _)| is_true(n)) {
            let what = format!("container `{}` runs as a Windows HostProcess", c.name);
            out.add(&META, Severity::Critical, at, what);
        }
    }
}
