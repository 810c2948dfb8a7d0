//! `setuid-file`: reported by more than one scanner (images, Dockerfiles): this
//! file holds the rule's metadata and docs; each scanner's check names it
//! from here.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("setuid-file", Severity::High, DOCS)
    .title("Setuid or setgid file")
    .scopes(&[Scope::Image, Scope::Dockerfile]);

const DOCS: &str = r#"## What it checks
Regular files with the setuid or setgid bit in the merged image (after
whiteouts: a file under a deleted or opaque directory is gone). The usual
distribution programs (`su`, `passwd`, `mount`, `umount`, `chsh`, `chfn`,
`gpasswd`, `newgrp`, `chage`, `expiry`, `unix_chkpwd`, `ssh-agent`,
`ping`, `crontab`, `wall`, `write`, `sudo`…) owned by a package are low;
any other setuid or setgid file, or one no package owns, is high. Hard
links to a setuid file are reported under each name.

In Dockerfiles: a `RUN chmod` that sets the setuid or setgid bit (`u+s`, `g+s`, `+s`, a mode like `4755`), at the mode, in every stage the image is built from.

## Why it matters
A setuid root program is a way from any user to root; an extra one added
by a build, or a copy outside package control, is an escalation path that
nothing updates. `no-new-privileges` disarms them at run time.

## Example
```dockerfile
RUN chmod u+s /usr/bin/find   # NOT OK
```

## Use instead
Remove the bit (`chmod a-s`), or remove the program; set
`no-new-privileges` on the container.

## References
- CIS Docker Benchmark v1.6.0, 4.8
- Dockle CIS-DI-0008
"#;
