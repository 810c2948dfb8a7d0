//! `setuid-escalation-path`: a service runs an image with setuid or setgid
//! files a distribution does not ship, and does not set no-new-privileges.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("setuid-escalation-path", Severity::High, DOCS)
    .title("Non-default setuid files reachable without no-new-privileges")
    .scopes(&[Scope::Policy]);

const DOCS: &str = r#"## What it checks
A Compose service or a Kubernetes container paired with the image it
runs (`drydock scan`, images from the engine or `--images DIR`),
where the image has `setuid-file` findings at high severity (setuid or
setgid files other than the distribution defaults such as `su` and
`passwd`) and the service does not set no-new-privileges. Related
locations: up to five of the files (layer and path) and the place where
no-new-privileges is missing.

## Why it matters
A setuid binary runs with its owner's rights whoever starts it. With
no-new-privileges set the kernel ignores the bit; without it, a process
that gained code execution as an unprivileged user becomes root through
any such file the image's build added (a setuid shell, a copied
`find`, a custom helper).

## Example
```yaml
services:
  app:
    image: myapp:1.4   # NOT OK: the image ships a setuid /usr/local/bin/helper
    user: "10001"
```

## Use instead
Remove the setuid bit in the image (`chmod u-s`) and set:
```yaml
    security_opt:
      - no-new-privileges:true
```

## References
- Linux `PR_SET_NO_NEW_PRIVS`, prctl(2)
- CIS Docker Benchmark v1.6.0, 4.8 and 5.26
"#;

/// The rule as a policy would declare it (`drydock explain` prints it).
/// `setuid-file` reports the distribution defaults below high.
pub const DECLARATION: &str = r#"when:
  - image: setuid-file
    severity: high
    note: non-default setuid or setgid files
  - service: no-new-privileges
    note: no-new-privileges unset
message: "{service} runs image `{image}` with {parts}"
fix: set `no-new-privileges:true` and remove the setuid bits in the image
"#;
