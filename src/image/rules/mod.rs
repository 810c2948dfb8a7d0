//! The image rules, one file each. A rule reads the merged tree, the
//! package databases and the image config, and pushes findings.

use super::Image;
use crate::finding::Finding;
use crate::rules::RuleMeta;

/// An image rule.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Image, &mut Vec<Finding>),
}

/// Every image rule.
pub static ALL: &[&Rule] = &[];

/// Runs every rule over an image.
pub fn check(image: &Image) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in ALL {
        (rule.check)(image, &mut findings);
    }
    findings
}
