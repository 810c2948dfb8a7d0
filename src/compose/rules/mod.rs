//! The Compose rules, one file each. A rule looks at one service of a
//! merged project (or at the project as a whole) and pushes findings; it
//! never prints and never decides the exit code.

use std::path::Path;

use crate::finding::{Finding, Subject};
use crate::rule::RuleMeta;
use crate::yaml::{Key, Node};

use super::Project;
use super::model::{Mount, MountKind, parse_mount};
use crate::params::Params;

/// One service of a project, as a rule sees it.
pub struct ServiceCtx<'a> {
    pub project: &'a Project,
    /// The policy's rule parameters.
    pub params: &'a Params,
    pub name: &'a Key,
    pub node: &'a Node,
}

impl<'a> ServiceCtx<'a> {
    pub fn subject(&self) -> Subject {
        Subject::ComposeService {
            project: self.project.name.clone(),
            service: self.name.text.clone(),
        }
    }

    /// `services.<name>.<attribute>`.
    pub fn route(&self, attribute: &str) -> String {
        format!("services.{}.{attribute}", self.name.text)
    }

    /// A finding about `node`, found at `route`.
    pub fn finding(
        &self,
        meta: &RuleMeta,
        severity: crate::finding::Severity,
        node: &Node,
        route: String,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(meta.id, severity, self.subject(), node, route, message)
    }

    /// Whether an absolute host path is inside the project directory
    /// (`${PWD}/data` is `./data`): the project's own files.
    pub fn is_project_path(&self, host_path: &str) -> bool {
        // The loader sets `PWD` to the project directory, made absolute.
        let Some(dir) = self.project.env.get("PWD") else {
            return false;
        };
        let path = crate::compose::load::clean_path(Path::new(host_path));
        path.is_absolute() && path.starts_with(dir)
    }

    /// The service's volume mounts with their index in `volumes:`. A named
    /// volume whose top-level definition binds a host directory
    /// (`driver_opts: {o: bind, device: /path}`) is returned as a bind of
    /// that directory, pointing at the `device:` line.
    pub fn mounts(&self) -> Vec<(usize, Mount<'a>)> {
        let Some(items) = self.node.get("volumes").and_then(Node::as_seq) else {
            return Vec::new();
        };
        let top = self.project.model.get("volumes");
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| parse_mount(item).map(|m| (i, m)))
            .map(|(i, mut mount)| {
                if mount.kind == MountKind::Volume {
                    let opts = mount
                        .source
                        .as_deref()
                        .and_then(|name| top?.get(name))
                        .and_then(|v| v.get("driver_opts"));
                    let binds = opts
                        .and_then(|o| o.get("o"))
                        .and_then(Node::as_str)
                        .is_some_and(|o| o.split(',').any(|x| x == "bind" || x == "rbind"));
                    if let (true, Some(device)) = (binds, opts.and_then(|o| o.get("device")))
                        && let Some(path) = device.as_str()
                    {
                        mount.kind = MountKind::Bind;
                        mount.source = Some(path.to_string());
                        mount.source_node = device;
                    }
                }
                (i, mount)
            })
            .collect()
    }

    /// Where to report a key that lacks an entry: the key itself when the
    /// service has it (`security_opt:`), else the service's name.
    pub fn key_or_header(&self, key: &str) -> (Node, String) {
        match self.node.entry(key) {
            Some((k, _)) => (
                Node::new(crate::yaml::Value::Null, k.pos.clone()),
                self.route(key),
            ),
            None => (self.header(), format!("services.{}", self.name.text)),
        }
    }

    /// The service's own line, for findings about a missing key. A service
    /// that came from an anchor still points at its name in this file.
    pub fn header(&self) -> Node {
        Node::new(crate::yaml::Value::Null, self.name.pos.clone())
    }
}

/// A Compose rule: its metadata and the hooks it implements.
pub struct Rule {
    pub meta: RuleMeta,
    pub check_service: Option<fn(&ServiceCtx, &mut Vec<Finding>)>,
    pub check_project: Option<fn(&Project, &mut Vec<Finding>)>,
}

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
pub mod security_opt;
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
