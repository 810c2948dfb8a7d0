//! `setuid-file`: a `RUN chmod` or `COPY --chmod` sets the setuid or
//! setgid bit in a stage the image is made of.

use super::ctx::{DockerfileCtx, Rule, image_runs, run_commands};
use crate::catalog;
use crate::dockerfile::permissions::{chmod, grants};
use crate::finding::{Finding, Severity};

pub(super) static RULE: Rule = Rule::new(&catalog::setuid_file::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let fix = "leave the setuid bit off; give the program the one capability it needs (setcap) or run it as that user";
    for (stage, run) in image_runs(ctx) {
        for command in run_commands(run) {
            if let Some((mode, grants)) = chmod(&command)
                && grants.set_id
            {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::High,
                        mode.span,
                        DockerfileCtx::route(stage, run),
                        format!(
                            "`chmod {}` in {} makes a setuid or setgid file",
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
                && grants(mode).set_id
            {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::High,
                        flag.span,
                        DockerfileCtx::route(stage, instruction),
                        format!(
                            "`{} --chmod={mode}` in {} makes a setuid or setgid file",
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
