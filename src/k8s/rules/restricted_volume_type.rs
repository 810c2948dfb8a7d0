//! `restricted-volume-type`: volume type outside the restricted set (Kubernetes). The check itself is
//! part of the Pod Security Standards evaluation in `k8s/pss.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("restricted-volume-type", Severity::Low, DOCS)
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
