//! A workload's pod as checks see it: [`PodCtx`] (the pod spec, its route
//! and the workload it belongs to) and one [`ContainerCtx`] per container,
//! walked once, in the order init, regular, ephemeral. The Pod Security
//! controls, the other workload checks and the join of containers with
//! the images they run (`policy::join`) all start here.
//!
//! Every lookup returns the node together with its full key route
//! ([`PodCtx::at`], [`ContainerCtx::at`]), so a check names a key once and
//! its finding points at it. What a control decides is not here.

use crate::k8s::workload::Workload;
use crate::yaml::Node;

/// A node and its key route from the object
/// (`spec.template.spec.containers[0].securityContext.privileged`).
pub type At<'a> = (&'a Node, String);

/// The node at a dotted key `route` under `node`, with its route appended
/// to `base` (the route of `node`).
pub fn lookup<'a>(node: &'a Node, base: &str, route: &str) -> Option<At<'a>> {
    let mut found = node;
    for key in route.split('.') {
        found = found.get(key)?;
    }
    Some((found, format!("{base}.{route}")))
}

/// The node at `route` under `node`, else `node` itself, with the route of
/// `route` either way: where to point at a key that is missing.
pub fn lookup_or<'a>(node: &'a Node, base: &str, route: &str) -> At<'a> {
    lookup(node, base, route).unwrap_or_else(|| (node, format!("{base}.{route}")))
}

/// The items of the sequence at `route` under `node`, each with its route
/// (`base.route[i]`); none when the key is missing or not a sequence.
pub fn items<'a>(node: &'a Node, base: &str, route: &str) -> Vec<At<'a>> {
    let Some((list, route)) = lookup(node, base, route) else {
        return Vec::new();
    };
    list.as_seq()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, item)| (item, format!("{route}[{i}]")))
        .collect()
}

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    /// In the order the walker visits them.
    const ALL: [ContainerKind; 3] = [
        ContainerKind::Init,
        ContainerKind::Regular,
        ContainerKind::Ephemeral,
    ];

    /// The pod spec's key for the list.
    pub fn list(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// One container of a pod spec.
#[derive(Debug)]
pub struct ContainerCtx<'a> {
    pub node: &'a Node,
    /// Its route from the object (`spec.template.spec.containers[0]`).
    pub route: String,
    /// Its `name` (`?` when it has none).
    pub name: &'a str,
    pub kind: ContainerKind,
}

impl<'a> ContainerCtx<'a> {
    /// The node at a dotted key route under the container, with its full
    /// route.
    pub fn at(&self, route: &str) -> Option<At<'a>> {
        lookup(self.node, &self.route, route)
    }

    /// The node at `route`, else the container itself, with the route of
    /// `route` either way: where to point at a key that is missing.
    pub fn at_or_container(&self, route: &str) -> At<'a> {
        lookup_or(self.node, &self.route, route)
    }

    /// The items of the sequence at `route`, each with its route.
    pub fn items(&self, route: &str) -> Vec<At<'a>> {
        items(self.node, &self.route, route)
    }

    /// The container itself, with its route.
    pub fn here(&self) -> At<'a> {
        (self.node, self.route.clone())
    }
}

/// The pod of a workload, with its containers.
#[derive(Debug)]
pub struct PodCtx<'a> {
    pub workload: &'a Workload,
    /// The pod spec.
    pub spec: &'a Node,
    /// Every container: init, regular, then ephemeral, each in the order
    /// written.
    pub containers: Vec<ContainerCtx<'a>>,
}

impl<'a> PodCtx<'a> {
    pub fn new(workload: &'a Workload) -> PodCtx<'a> {
        let spec = workload.pod_spec();
        let mut containers = Vec::new();
        for kind in ContainerKind::ALL {
            for (node, route) in items(spec, &workload.spec_route, kind.list()) {
                containers.push(ContainerCtx {
                    node,
                    route,
                    name: node.get("name").and_then(Node::as_str).unwrap_or("?"),
                    kind,
                });
            }
        }
        PodCtx {
            workload,
            spec,
            containers,
        }
    }

    /// The route of the pod spec (`spec.template.spec`).
    pub fn route(&self) -> &'a str {
        &self.workload.spec_route
    }

    /// The node at a dotted key route under the pod spec, with its full
    /// route.
    pub fn at(&self, route: &str) -> Option<At<'a>> {
        lookup(self.spec, self.route(), route)
    }

    /// The items of the sequence at `route` under the pod spec, each with
    /// its route.
    pub fn items(&self, route: &str) -> Vec<At<'a>> {
        items(self.spec, self.route(), route)
    }

    /// The container's setting at `route` (under the container), else the
    /// pod's (under the pod spec): how a `securityContext` field is
    /// inherited.
    pub fn inherited(&self, container: &ContainerCtx<'a>, route: &str) -> Option<At<'a>> {
        container.at(route).or_else(|| self.at(route))
    }

    /// `os.name: windows`.
    pub fn is_windows(&self) -> bool {
        self.at("os.name").and_then(|(n, _)| n.as_str()) == Some("windows")
    }

    /// `hostUsers: false`: the pod runs in a user namespace.
    pub fn host_users_off(&self) -> bool {
        self.spec.get("hostUsers").and_then(Node::as_bool) == Some(false)
    }

    /// `hostNetwork: true`.
    pub fn host_network(&self) -> bool {
        self.spec.get("hostNetwork").and_then(Node::as_bool) == Some(true)
    }

    /// `Kind/name`, for messages.
    pub fn label(&self) -> String {
        self.workload.label()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(text: &str) -> Workload {
        let source = crate::yaml::source_from_text("pod.yaml", text);
        let mut loaded = crate::k8s::workload::load(&source);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        loaded.workloads.remove(0)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext: {runAsUser: 1000}
      ephemeralContainers: [{name: debug}]
      containers:
        - name: app
          securityContext: {privileged: true}
        - image: nginx
      initContainers: [{name: setup, securityContext: {runAsUser: 0}}]
";

    #[test]
    fn walks_init_then_regular_then_ephemeral_containers_once() {
        let workload = workload(DEPLOYMENT);
        let pod = PodCtx::new(&workload);
        let walked: Vec<(&str, &str, ContainerKind)> = pod
            .containers
            .iter()
            .map(|c| (c.name, c.route.as_str(), c.kind))
            .collect();
        assert_eq!(
            walked,
            [
                (
                    "setup",
                    "spec.template.spec.initContainers[0]",
                    ContainerKind::Init
                ),
                (
                    "app",
                    "spec.template.spec.containers[0]",
                    ContainerKind::Regular
                ),
                (
                    "?",
                    "spec.template.spec.containers[1]",
                    ContainerKind::Regular
                ),
                (
                    "debug",
                    "spec.template.spec.ephemeralContainers[0]",
                    ContainerKind::Ephemeral
                ),
            ]
        );
    }

    #[test]
    fn at_returns_the_node_with_its_full_route() {
        let workload = workload(DEPLOYMENT);
        let pod = PodCtx::new(&workload);
        let (node, route) = pod.containers[1].at("securityContext.privileged").unwrap();
        assert_eq!(node.as_str(), Some("true"));
        assert_eq!(
            route,
            "spec.template.spec.containers[0].securityContext.privileged"
        );
        assert!(pod.containers[1].at("securityContext.runAsUser").is_none());
        let (_, route) = pod.at("securityContext.runAsUser").unwrap();
        assert_eq!(route, "spec.template.spec.securityContext.runAsUser");
    }

    #[test]
    fn a_container_setting_falls_back_to_the_pod() {
        let workload = workload(DEPLOYMENT);
        let pod = PodCtx::new(&workload);
        let (init, app) = (&pod.containers[0], &pod.containers[1]);
        let (uid, route) = pod.inherited(init, "securityContext.runAsUser").unwrap();
        assert_eq!(
            (uid.as_str(), route.as_str()),
            (
                Some("0"),
                "spec.template.spec.initContainers[0].securityContext.runAsUser"
            )
        );
        let (uid, route) = pod.inherited(app, "securityContext.runAsUser").unwrap();
        assert_eq!(
            (uid.as_str(), route.as_str()),
            (Some("1000"), "spec.template.spec.securityContext.runAsUser")
        );
    }
}
