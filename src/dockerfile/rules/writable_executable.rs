//! `writable-executable`: a `RUN chmod` or `COPY --chmod` makes files
//! writable by every user in a stage the image is made of.

use super::ctx::{DockerfileCtx, Rule, image_runs, run_commands};
use crate::catalog;
use crate::dockerfile::permissions::{Grants, chmod, grants};
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::writable_executable::META, check);

/// High for an executable anyone may rewrite, medium for a file.
fn severity(grants: Grants) -> Option<Severity> {
    match (grants.world_writable, grants.world_executable) {
        (true, true) => Some(Severity::High),
        (true, false) => Some(Severity::Medium),
        _ => None,
    }
}

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let fix = "grant write to the owner only (`chmod 755`, `--chmod=755`) and own the files by the runtime user if it must write";
    for (stage, run) in image_runs(ctx) {
        for command in run_commands(run) {
            if let Some((mode, grants)) = chmod(&command)
                && let Some(severity) = severity(grants)
            {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        severity,
                        mode.span,
                        DockerfileCtx::route(stage, run),
                        format!(
                            "`chmod {}` in {} makes files every user can rewrite",
                            mode.text,
                            DockerfileCtx::stage_name(stage)
                        ),
                    )
                    .fix(fix),
                );
            }
        }
    }
    for stage in ctx.image_stages() {
        for instruction in stage
            .instructions
            .iter()
            .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
        {
            if let Some(flag) = instruction.flag("chmod")
                && let Some(mode) = &flag.value
                && let Some(severity) = severity(grants(mode))
            {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        severity,
                        flag.span,
                        DockerfileCtx::route(stage, instruction),
                        format!(
                            "`{} --chmod={mode}` in {} makes files every user can rewrite",
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
