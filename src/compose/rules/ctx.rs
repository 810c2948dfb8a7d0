//! What every Compose rule file imports: [`Rule`] and the [`ServiceCtx`]
//! a check gets, which looks values up together with their routes. The
//! list of the rules is in `mod.rs`, which imports the rule files; a rule
//! file imports only this file, so no import runs in a circle.

use std::path::Path;

use crate::compose::Project;
use crate::compose::model::{Mount, MountKind, parse_mount, strings};
use crate::finding::{Finding, Severity, Subject};
use crate::params::Params;
use crate::rule::RuleMeta;
use crate::yaml::{Key, Node, Routed, Value};

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

    /// The service's mapping, routed `services.<name>`.
    pub fn service(&self) -> Routed<'a> {
        Routed::new(self.node, format!("services.{}", self.name.text))
    }

    /// Looks a value of the service up and names its route in one call:
    /// `ctx.at("deploy.resources.limits")` is that node, routed
    /// `services.<name>.deploy.resources.limits`.
    pub fn at(&self, path: &str) -> Option<Routed<'a>> {
        // Found first, routed after: most lookups find nothing, and a
        // route is a string to build.
        let mut node = self.node;
        for key in path.split('.') {
            node = node.get(key)?;
        }
        Some(Routed::new(
            node,
            format!("services.{}.{path}", self.name.text),
        ))
    }

    /// A finding about the value `at` points to.
    pub fn finding(
        &self,
        meta: &RuleMeta,
        severity: Severity,
        at: &Routed,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(
            meta.id,
            severity,
            self.subject(),
            at.node,
            at.route.clone(),
            message,
        )
    }

    /// A finding about something the service lacks, reported at `key` when
    /// the service writes that key (`security_opt:` without the entry the
    /// rule wants), else at the service's own line. A service that came
    /// from an anchor still points at its name in this file.
    pub fn lacking(
        &self,
        meta: &RuleMeta,
        severity: Severity,
        key: Option<&str>,
        message: impl Into<String>,
    ) -> Finding {
        let service = self.service();
        let (pos, route) = match key.and_then(|key| self.node.entry(key)) {
            Some((key, _)) => (&key.pos, format!("{}.{}", service.route, key.text)),
            None => (&self.name.pos, service.route),
        };
        let here = Node::new(Value::Null, pos.clone());
        Finding::new(meta.id, severity, self.subject(), &here, route, message)
    }

    /// Whether an absolute host path is inside the project directory
    /// (`${PWD}/data` is `./data`): the project's own files.
    pub fn is_project_path(&self, host_path: &str) -> bool {
        // The loader sets `PWD` to the project directory, made absolute.
        let Some(dir) = self.project.env.get("PWD") else {
            return false;
        };
        let path = crate::compose::paths::clean_path(Path::new(host_path));
        path.is_absolute() && path.starts_with(dir)
    }

    /// The service's `security_opt` entries, split into option and value.
    /// Docker accepts both `key:value` and `key=value`.
    pub fn security_opts(&self) -> Vec<SecurityOpt<'a>> {
        let Some(list) = self.at("security_opt") else {
            return Vec::new();
        };
        strings(list.node)
            .into_iter()
            .enumerate()
            .map(|(index, (text, node))| {
                let text = text.trim();
                let (option, value) = match text.find([':', '=']) {
                    Some(i) => (&text[..i], Some(text[i + 1..].to_string())),
                    None => (text, None),
                };
                SecurityOpt {
                    option: option.to_ascii_lowercase(),
                    value,
                    at: list.item(index, node),
                }
            })
            .collect()
    }

    /// The service's volume mounts, each routed `volumes[i]`. A named
    /// volume whose top-level definition binds a host directory
    /// (`driver_opts: {o: bind, device: /path}`) is returned as a bind of
    /// that directory, pointing at the `device:` line.
    pub fn mounts(&self) -> Vec<(Routed<'a>, Mount<'a>)> {
        let Some(volumes) = self.at("volumes") else {
            return Vec::new();
        };
        let top = self.project.model.get("volumes");
        volumes
            .items()
            .filter_map(|item| parse_mount(item.node).map(|m| (item, m)))
            .map(|(item, mut mount)| {
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
                (item, mount)
            })
            .collect()
    }
}

/// One `security_opt` entry, split into option and value.
pub struct SecurityOpt<'a> {
    /// Lower case.
    pub option: String,
    pub value: Option<String>,
    /// The entry, routed `security_opt[i]`.
    pub at: Routed<'a>,
}

/// A Compose rule: its metadata and the hooks it implements.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check_service: Option<fn(&ServiceCtx, &mut Vec<Finding>)>,
    pub check_project: Option<fn(&Project, &mut Vec<Finding>)>,
}

impl Rule {
    /// A rule that looks at one service at a time.
    pub const fn service(
        meta: &'static RuleMeta,
        check: fn(&ServiceCtx, &mut Vec<Finding>),
    ) -> Rule {
        Rule {
            meta,
            check_service: Some(check),
            check_project: None,
        }
    }

    /// A rule that looks at the project as a whole.
    pub const fn project(meta: &'static RuleMeta, check: fn(&Project, &mut Vec<Finding>)) -> Rule {
        Rule {
            meta,
            check_service: None,
            check_project: Some(check),
        }
    }

    /// The rule looks at the project as a whole too.
    pub const fn and_project(self, check: fn(&Project, &mut Vec<Finding>)) -> Rule {
        Rule {
            check_project: Some(check),
            ..self
        }
    }
}
