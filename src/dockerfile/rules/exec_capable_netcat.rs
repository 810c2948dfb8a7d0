//! `exec-capable-netcat`: a `RUN` installs a netcat that can run a program
//! for whoever connects, in a stage the image is made of.

use super::ctx::{DockerfileCtx, Rule, image_runs, run_commands};
use crate::catalog;
use crate::dockerfile::packages::installed;
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::exec_capable_netcat::META, check);

/// Packages that install an exec-capable netcat, and how sure that is.
fn netcat(package: &str) -> Option<(Severity, &'static str)> {
    Some(match package {
        "netcat-traditional" => (
            Severity::High,
            "netcat-traditional, which runs a program for whoever connects (`-e`)",
        ),
        "ncat" | "nmap-ncat" | "nc" => (
            Severity::High,
            "Nmap's ncat, which runs a program for whoever connects (`--exec`, `--sh-exec`)",
        ),
        "socat" => (
            Severity::High,
            "socat, which runs a program for whoever connects (`EXEC:`, `SYSTEM:`)",
        ),
        "netcat" => (
            Severity::Medium,
            "`netcat`, netcat-traditional on older Debian releases (Ubuntu's is netcat-openbsd, which cannot `-e`)",
        ),
        "busybox-extras" => (
            Severity::Medium,
            "BusyBox's extra applets, whose `nc` may run a program (`-e`)",
        ),
        _ => return None,
    })
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    for (stage, run) in image_runs(ctx) {
        for command in run_commands(run) {
            for package in installed(&command) {
                let Some((severity, what)) = netcat(&package.name) else {
                    continue;
                };
                out.push(
                    ctx.finding(
                        RULE.meta,
                        severity,
                        package.word.span,
                        DockerfileCtx::route(stage, run),
                        format!(
                            "`{} {}` in {} puts {what} in the image",
                            package.how,
                            package.word.text,
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix("install it in a build stage only, or use an ephemeral debug container"),
                );
            }
        }
    }
}
