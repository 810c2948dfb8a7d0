//! `host-device`: a host device is passed into a service.

use super::ctx::{Rule, ServiceCtx};
use crate::compose::model::strings;
use crate::finding::{Finding, Severity};
use crate::rule::{RuleMeta, Scope};

pub(super) static RULE: Rule = Rule::service(&META, check);
static META: RuleMeta = RuleMeta::new("host-device", Severity::High, DOCS)
    .title("Host device exposed to the container")
    .scopes(&[Scope::Compose]);

const DOCS: &str = r#"## What it checks
Entries of `devices:` (short `HOST:CONTAINER[:rwm]` or long syntax) and
`device_cgroup_rules`:
- high: disks and raw memory (`/dev/sd*`, `/dev/nvme*`, `/dev/vd*`,
  `/dev/xvd*`, `/dev/mmcblk*`, `/dev/dm-*`, `/dev/md*`, `/dev/loop*`,
  `/dev/nbd*`, their stable names under `/dev/mapper/` and `/dev/disk/`,
  `/dev/mem`, `/dev/kmem`, `/dev/port`, `/dev/kmsg`), and a cgroup rule for
  every device type (`a …`) or every device number (`*:*`);
- medium: any other device or cgroup rule (GPUs, serial ports, `/dev/net/tun`).

## Why it matters
Write access to the host's disk device bypasses every file permission:
the container can edit the host filesystem underneath it. `/dev/mem` and
`/dev/kmsg` read or write kernel memory and logs.

## Example
```yaml
services:
  tool:
    image: example/tool:1.0
    devices: ["/dev/sda:/dev/sda"]   # NOT OK
```

## Use instead
Pass only the device the workload needs (a GPU, a serial port), never a
disk; mount the filesystem the service needs as a volume instead.

## References
- CIS Docker Benchmark v1.6.0, 5.18
"#;

const DANGEROUS_PREFIXES: [&str; 12] = [
    "/dev/mapper/",
    "/dev/disk/",
    "/dev/sd",
    "/dev/nvme",
    "/dev/vd",
    "/dev/xvd",
    "/dev/hd",
    "/dev/mmcblk",
    "/dev/dm-",
    "/dev/md",
    "/dev/loop",
    "/dev/nbd",
];

const DANGEROUS: [&str; 5] = [
    "/dev/mem",
    "/dev/kmem",
    "/dev/port",
    "/dev/kmsg",
    "/dev/loop-control",
];

fn severity_of(host: &str) -> Severity {
    if DANGEROUS.contains(&host) || DANGEROUS_PREFIXES.iter().any(|p| host.starts_with(p)) {
        Severity::High
    } else {
        Severity::Medium
    }
}

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    if let Some(list) = ctx.at("devices") {
        for item in list.items() {
            let host = match item.node.as_str() {
                Some(text) => text.split(':').next().unwrap_or(text).to_string(),
                None => match item.node.get("source").and_then(|s| s.as_str()) {
                    Some(s) => s.to_string(),
                    None => continue,
                },
            };
            // CDI names (`vendor.com/gpu=all`) are not host paths.
            if !host.starts_with('/') {
                continue;
            }
            out.push(
                ctx.finding(
                    RULE.meta,
                    severity_of(&host),
                    &item,
                    format!("service `{}` gets the host device `{host}`", ctx.name.text),
                )
                .fix("pass only the device the workload needs, never a disk"),
            );
        }
    }
    if let Some(list) = ctx.at("device_cgroup_rules") {
        for (index, (rule, node)) in strings(list.node).into_iter().enumerate() {
            let all = rule.starts_with('a') || rule.contains("*:*");
            let severity = if all {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(
                ctx.finding(
                    RULE.meta,
                    severity,
                    &list.item(index, node),
                    format!(
                        "service `{}` may create or use devices matching `{rule}`",
                        ctx.name.text
                    ),
                )
                .fix("remove the cgroup rule or narrow it to one device"),
            );
        }
    }
}
