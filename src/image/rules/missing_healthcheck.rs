//! `missing-healthcheck`: the image declares no health check.

use super::ctx::{Rule, finding};
use crate::catalog;
use crate::finding::{Finding, Severity};
use crate::image::Image;
use crate::params::Params;

pub(super) static RULE: Rule = Rule {
    meta: &catalog::missing_healthcheck::META,
    check,
};

fn check(image: &Image, _: &Params, out: &mut Vec<Finding>) {
    let test = image
        .config
        .config
        .as_ref()
        .and_then(|c| c.healthcheck.as_ref())
        .and_then(|h| h.test.clone());
    let disabled = test
        .as_ref()
        .is_some_and(|t| t.first().map(String::as_str) == Some("NONE"));
    if test.is_some() && !disabled {
        return;
    }
    out.push(
        finding(
            image,
            RULE.meta,
            Severity::Info,
            None,
            None,
            if disabled {
                "the image disables its health check (HEALTHCHECK NONE)"
            } else {
                "the image declares no health check"
            },
        )
        .fix("add a HEALTHCHECK to the Dockerfile"),
    );
}
