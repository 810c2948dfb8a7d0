//! The image rules, one file each, and the list of them ([`ALL`]). A rule
//! reads the merged tree, the package databases and the image config, and
//! pushes findings. The types a rule file imports are in `ctx.rs`.

use super::Image;
use crate::finding::Finding;
use crate::params::Params;

mod ctx;
pub use ctx::Rule;

mod exec_capable_netcat;
mod missing_healthcheck;
mod missing_package_file;
mod modified_package_file;
mod network_tool;
mod overwritten_binary;
mod root_user;
pub mod secret_in_image_config;
mod secret_in_image_file;
mod setuid_file;
mod unowned_executable;
pub mod writable_executable;

/// Every image rule.
pub static ALL: &[&Rule] = &[
    &exec_capable_netcat::RULE,
    &missing_healthcheck::RULE,
    &missing_package_file::RULE,
    &modified_package_file::RULE,
    &network_tool::RULE,
    &overwritten_binary::RULE,
    &root_user::RULE,
    &secret_in_image_config::RULE,
    &secret_in_image_file::RULE,
    &setuid_file::RULE,
    &unowned_executable::RULE,
    &writable_executable::RULE,
];

/// Runs every rule over an image.
pub fn check(image: &Image, params: &Params) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in ALL {
        (rule.check)(image, params, &mut findings);
    }
    findings
}
