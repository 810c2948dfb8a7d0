//! The Dockerfile rules, one file each, and the list of them ([`ALL`]). A
//! rule looks at one parsed Dockerfile and the stages its image is made
//! of, and pushes findings at the exact token. The types a rule file
//! imports are in `ctx.rs`.

use std::collections::HashMap;

use super::stages::Build;
use super::syntax::Dockerfile;
use crate::finding::Finding;
use crate::params::Params;

mod ctx;
pub use ctx::{DockerfileCtx, Rule};

mod exec_capable_netcat;
mod insecure_build_step;
mod missing_healthcheck;
mod network_tool;
mod plaintext_secret;
mod remote_add_without_checksum;
mod remote_script_to_shell;
mod root_user;
mod setuid_file;
mod ssh_port_exposed;
mod sudo_in_run;
mod tls_verification_disabled;
mod unpinned_image;
mod untrusted_registry;
mod writable_executable;

/// Every Dockerfile rule.
pub static ALL: &[&Rule] = &[
    &exec_capable_netcat::RULE,
    &insecure_build_step::RULE,
    &missing_healthcheck::RULE,
    &network_tool::RULE,
    &plaintext_secret::RULE,
    &remote_add_without_checksum::RULE,
    &remote_script_to_shell::RULE,
    &root_user::RULE,
    &setuid_file::RULE,
    &ssh_port_exposed::RULE,
    &sudo_in_run::RULE,
    &tls_verification_disabled::RULE,
    &unpinned_image::RULE,
    &untrusted_registry::RULE,
    &writable_executable::RULE,
];

/// Runs every rule on a Dockerfile, for the image of its stage `target`
/// (a stage name; the last stage when `None`), built with `args`
/// overriding the `ARG` defaults.
pub fn check(
    dockerfile: &Dockerfile,
    target: Option<&str>,
    args: &HashMap<String, String>,
    params: &Params,
) -> Vec<Finding> {
    let build = Build::new(dockerfile, args);
    let ctx = DockerfileCtx {
        dockerfile,
        build: &build,
        target: build.runtime_stage(target).map(|s| s.index),
        params,
    };
    let mut out = Vec::new();
    for rule in ALL {
        (rule.check)(&ctx, &mut out);
    }
    out
}
