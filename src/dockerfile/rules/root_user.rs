//! `root-user`: the image a Dockerfile builds runs as root.

use super::ctx::{DockerfileCtx, Rule};
use crate::catalog;
use crate::dockerfile::stages::{Base, non_root_base};
use crate::finding::{Finding, Severity};
use crate::hazards::users::is_root;

pub(super) static RULE: Rule = Rule::new(&catalog::root_user::META, check);

fn check(ctx: &DockerfileCtx, out: &mut Vec<Finding>) {
    let Some(target) = ctx.target.and_then(|t| ctx.build.stages.get(t)) else {
        return;
    };
    let user = ctx.build.runtime_user(target.index);
    let stage = DockerfileCtx::stage_name(target);
    match (&user.user, &user.at) {
        (Some(name), Some(at)) if is_root(name) => out.push(
            ctx.finding(
                RULE.meta,
                Severity::Medium,
                at.span,
                format!("{stage}.USER"),
                format!("the image runs as root (`USER {}`)", at.text),
            )
            .fix("end the image stage on an unprivileged `USER`, e.g. `USER 10001`"),
        ),
        (Some(_), _) => {}
        (None, _) => {
            let at = target
                .reference
                .as_ref()
                .map_or(target.from.keyword_span, |w| w.span);
            let message = match &user.base {
                Base::Scratch => {
                    "the image runs as root: it is built on `scratch` and sets no `USER` (uid 0)"
                        .to_string()
                }
                Base::Image(image) if non_root_base(image) => return,
                Base::Image(image) => format!(
                    "the image sets no `USER`: it runs as `{image}`'s user, root unless that image sets one"
                ),
                Base::Stage(_) => "the image sets no `USER`: it runs as root".to_string(),
            };
            out.push(
                ctx.finding(
                    RULE.meta,
                    Severity::Medium,
                    at,
                    format!("{stage}.FROM"),
                    message,
                )
                .fix("add an unprivileged `USER` at the end of the image stage, e.g. `USER 10001`"),
            );
        }
    }
}
