//! `root-user` for images: the image's configured user is root. The rule's
//! documentation (shared with Compose) is in `compose/rules/root_user.rs`.

use super::ctx::{Rule, finding};
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;

pub(super) static RULE: Rule = Rule {
    meta: &crate::catalog::root_user::META,
    check,
};

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let (user, uid) = image.runtime_user();
    let why = if user.is_empty() {
        "no user is configured (Config.User is empty), so containers run as root".to_string()
    } else if uid == Some(0) {
        format!("its user `{user}` is uid 0")
    } else {
        return;
    };
    out.push(
        finding(
            image,
            RULE.meta,
            Severity::Medium,
            None,
            None,
            format!("image runs as root: {why}"),
        )
        .fix("add `USER <uid>` with a non-root uid to the Dockerfile"),
    );
}
