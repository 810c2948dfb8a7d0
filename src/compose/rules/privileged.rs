//! `privileged`: a service runs with `privileged: true`, or builds its
//! image with privileged steps (`build.privileged: true`, the
//! `security.insecure` entitlement).

use super::ctx::{Rule, ServiceCtx};
use crate::catalog;
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule::service(&catalog::privileged::META, check);

fn check(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    check_build(ctx, out);
    let Some(at) = ctx.at("privileged") else {
        return;
    };
    if at.node.as_bool() == Some(true) {
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::Critical,
                &at,
                format!("service `{}` runs privileged", ctx.name.text),
            )
            .fix("remove `privileged: true`; add only the devices or capabilities needed"),
        );
    }
}

/// Build steps with every capability, on the machine that builds: high
/// (the builder, not the running container, is exposed).
fn check_build(ctx: &ServiceCtx, out: &mut Vec<Finding>) {
    if let Some(at) = ctx.at("build.privileged")
        && at.node.as_bool() == Some(true)
    {
        out.push(
            ctx.finding(
                RULE.meta,
                Severity::High,
                &at,
                format!(
                    "service `{}` builds its image with privileged steps",
                    ctx.name.text
                ),
            )
            .fix("remove `build.privileged: true`; a build step rarely needs more than the default capabilities"),
        );
    }
    if let Some(entitlements) = ctx.at("build.entitlements") {
        for at in entitlements.items() {
            if at.node.as_str() == Some("security.insecure") {
                out.push(
                    ctx.finding(
                        RULE.meta,
                        Severity::High,
                        &at,
                        format!(
                            "service `{}` grants its build the `security.insecure` entitlement (privileged `RUN` steps)",
                            ctx.name.text
                        ),
                    )
                    .fix("remove the entitlement and any `RUN --security=insecure`"),
                );
            }
        }
    }
}
