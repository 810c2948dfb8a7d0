//! `expired-exception`: a policy exception whose `expires` date has
//! passed. The check is in `policy/exceptions.rs`.

use crate::finding::Severity;
use crate::rule::{RuleMeta, Scope};

pub static META: RuleMeta = RuleMeta::new("expired-exception", Severity::Low, DOCS)
    .title("Policy exception past its expiry date")
    .scopes(&[Scope::Policy]);

const DOCS: &str = r#"## What it checks
Each entry of a policy's `exceptions` with an `expires` date before
today (UTC, or `DRYDOCK_TODAY`). The expiry day itself still counts. The
finding is at the exception's line in the policy file; the findings the
exception used to accept are reported again, each at its own place.

## Why it matters
An exception is a reviewed decision with a shelf life: "privileged until
the new NIC driver ships". Once the date passes, the decision is due for
another look. drydock stops applying the exception, so the gate sees the
hazard again, and this finding says why it came back and where the
lapsed decision is written.

## Example
```yaml
exceptions:
  - rule: privileged
    service: nic-agent
    reason: loads the NIC driver; SEC-123
    expires: 2026-01-31   # NOT OK once that day is over
```

## Use instead
Review the finding again: fix it and delete the exception, or renew the
exception with a new `reason` and a new `expires`.

## References
- drydock README, "A repository's policy: `.drydock.yaml`"
"#;
