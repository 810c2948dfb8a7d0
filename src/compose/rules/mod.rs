//! The Compose rules, one file each, and the list of them ([`ALL`]). A
//! rule looks at one service of a merged project (or at the project as a
//! whole) and pushes findings; it never prints and never decides the exit
//! code. The types a rule file imports are in `ctx.rs`.

use super::Project;
use crate::finding::Finding;
use crate::params::Params;

mod ctx;
pub use ctx::{Rule, ServiceCtx};

pub mod added_capabilities;
pub mod apparmor_disabled;
pub mod capabilities_not_dropped;
mod file_outside_repository;
mod host_device;
pub mod host_namespace;
pub mod host_path_mount;
mod legacy_compose_format;
pub mod missing_resource_limits;
pub mod no_new_privileges;
pub mod plaintext_secret;
pub mod privileged;
pub mod proc_mount;
mod published_on_all_interfaces;
pub mod root_user;
pub mod runtime_socket_mount;
pub mod seccomp_disabled;
pub mod selinux_disabled;
pub mod shared_mount_propagation;
mod unknown_key;
pub mod unpinned_image;
pub mod untrusted_registry;
pub mod writable_root_filesystem;

/// Every Compose rule.
pub static ALL: &[&Rule] = &[
    &added_capabilities::RULE,
    &apparmor_disabled::RULE,
    &capabilities_not_dropped::RULE,
    &file_outside_repository::RULE,
    &host_device::RULE,
    &host_namespace::RULE,
    &legacy_compose_format::RULE,
    &host_path_mount::RULE,
    &missing_resource_limits::RULE,
    &no_new_privileges::RULE,
    &plaintext_secret::RULE,
    &privileged::RULE,
    &proc_mount::RULE,
    &published_on_all_interfaces::RULE,
    &root_user::RULE,
    &runtime_socket_mount::RULE,
    &seccomp_disabled::RULE,
    &selinux_disabled::RULE,
    &shared_mount_propagation::RULE,
    &unknown_key::RULE,
    &unpinned_image::RULE,
    &untrusted_registry::RULE,
    &writable_root_filesystem::RULE,
];

/// Runs every rule over a project.
pub fn check(project: &Project, params: &Params) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in ALL {
        if let Some(check) = rule.check_project {
            check(project, &mut findings);
        }
    }
    for (name, node) in project.services() {
        let ctx = ServiceCtx {
            project,
            params,
            name,
            node,
        };
        for rule in ALL {
            if let Some(check) = rule.check_service {
                check(&ctx, &mut findings);
            }
        }
    }
    findings
}
