//! `restrictedVolumes` (restricted; replaces `hostPathVolumes`): volumes
//! may only be of the types in the restricted set. Reported as
//! `restricted-volume-type`, a Kubernetes-only rule documented here; a
//! hostPath volume is ranked as `hostPathVolumes` ranks it, and without a
//! level named `hostPathVolumes`, which denies it too.

use super::host_path_volumes::{self, HostPathHazard, volume_name};
use crate::catalog::{host_path_mount, runtime_socket_mount};
use crate::finding::Severity;
use crate::k8s::control::{Control, Violations};
use crate::k8s::pod::PodCtx;
use crate::rule::{RuleMeta, Scope};
use crate::yaml::{Node, Value};

pub(super) static CONTROL: Control = Control::restricted(
    "restrictedVolumes",
    &[&META, &runtime_socket_mount::META, &host_path_mount::META],
    check,
)
.replacing(&host_path_volumes::CONTROL);

pub(super) static META: RuleMeta = RuleMeta::new("restricted-volume-type", Severity::Low, DOCS)
    .title("Volume type outside the restricted set")
    .scopes(&[Scope::Kubernetes]);

const DOCS: &str = r#"## What it checks
Pod volumes of any type other than `configMap`, `csi`, `downwardAPI`,
`emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and
`secret`: the Pod Security Standards control `restrictedVolumes`
(restricted). A `hostPath` volume is reported as `host-path-mount`.

## Why it matters
Direct volume plugins (nfs, iscsi, cephfs, gitRepo, flexVolume…) let a
pod author reach storage without a claim an administrator controls, and
some (gitRepo) have had code-execution flaws.

## Example
```yaml
volumes:
- name: data
  nfs:                # NOT OK
    server: 10.0.0.5
    path: /exports
```

## Use instead
Use a PersistentVolumeClaim bound to a PersistentVolume the
administrators define.

## References
- Pod Security Standards, restricted: Volume Types
"#;

const RESTRICTED_VOLUME_SOURCES: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn check(pod: &PodCtx, out: &mut Violations) {
    for (volume, route) in pod.items("volumes") {
        let Some(entries) = volume.as_map() else {
            continue;
        };
        for (key, node) in entries {
            if key.text == "name" || RESTRICTED_VOLUME_SOURCES.contains(&key.text.as_str()) {
                continue;
            }
            let at = (node, format!("{route}.{}", key.text));
            if key.text == "hostPath" {
                let hazard = HostPathHazard::of(pod, volume, node);
                out.add_lowest(true, hazard.rule, hazard.severity, at, hazard.message);
            } else {
                // At the type's key (`nfs:`): its value starts a line below.
                let type_key = Node::new(Value::Null, key.pos.clone());
                let what = format!("volume `{}` is of type `{}`", volume_name(volume), key.text);
                out.add(&META, Severity::Low, (&type_key, at.1), what);
            }
        }
    }
}
