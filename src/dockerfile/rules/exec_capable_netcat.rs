//! `exec-capable-netcat`: a `RUN` installs a netcat that can run a program
//! for whoever connects, in a stage the image is made of; or a file named
//! like one is copied or downloaded into it.

use super::ctx::{DockerfileCtx, Rule, image_runs};
use crate::catalog;
use crate::dockerfile::downloads::to_file;
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

/// Whether a file's name is a netcat's (its contents are not known
/// before the build; netcat-openbsd's names are left out).
fn netcat_name(path: &str) -> bool {
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    matches!(
        name,
        "nc" | "netcat" | "ncat" | "socat" | "nc.traditional" | "netcat-traditional"
    )
}

/// A netcat put in the image without a package manager: `COPY`/`ADD` of
/// a file so named (or to such a name), a download written to one.
fn by_name(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let fix = "leave it out of the runtime image, or use an ephemeral debug container";
    for stage in ctx.image_stages() {
        for instruction in stage.instructions {
            let route = DockerfileCtx::route(stage, instruction);
            let mut named = Vec::new();
            match instruction.keyword.as_str() {
                "COPY" | "ADD" => {
                    let words = match &instruction.args {
                        crate::dockerfile::syntax::Args::Shell(text) => text.words(),
                        crate::dockerfile::syntax::Args::Json(words) => words.clone(),
                    };
                    named.extend(
                        words
                            .into_iter()
                            .filter(|w| netcat_name(&w.text))
                            .map(|w| (w.span, w.text)),
                    );
                }
                "RUN" => {
                    for command in ctx.run_commands(instruction) {
                        if let Some(file) = to_file(&command).filter(|w| netcat_name(&w.text)) {
                            named.push((file.span, file.text.clone()));
                        }
                    }
                }
                _ => {}
            }
            // One finding per instruction: `COPY nc /usr/bin/nc` names it twice.
            if let Some((span, name)) = named.into_iter().next() {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::Medium,
                        span,
                        route,
                        format!(
                            "`{} … {name}` in {} puts a file named like a netcat in the image (its contents are not known before the build)",
                            instruction.keyword,
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix(fix),
                );
            }
        }
    }
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    by_name(ctx, out);
    for (stage, run) in image_runs(ctx) {
        for command in ctx.run_commands(run) {
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
