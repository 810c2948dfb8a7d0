//! [`Routed`]: a node together with the key route that reached it, so a
//! rule looks a value up and learns how to name its place in one step
//! (`ctx.at("deploy.resources.limits")` is the node and
//! `services.web.deploy.resources.limits`).

use super::node::Node;

/// A node and the route of keys and indices that reached it, e.g.
/// `services.web.security_opt[1]`: what a finding needs to say where it is.
#[derive(Clone, Debug)]
pub struct Routed<'a> {
    pub node: &'a Node,
    /// Keys joined by `.`, sequence items as `[i]`.
    pub route: String,
}

impl<'a> Routed<'a> {
    pub fn new(node: &'a Node, route: impl Into<String>) -> Routed<'a> {
        Routed {
            node,
            route: route.into(),
        }
    }

    /// The value at `path`, keys separated by dots
    /// (`deploy.resources.limits`), or `None` where a key is missing or a
    /// value on the way is not a mapping.
    pub fn at(&self, path: &str) -> Option<Routed<'a>> {
        let mut node = self.node;
        for key in path.split('.') {
            node = node.get(key)?;
        }
        Some(self.entry(path, node))
    }

    /// The items of a sequence (none for any other node), each routed
    /// `[i]`.
    pub fn items(&self) -> impl Iterator<Item = Routed<'a>> {
        let items = self.node.as_seq().unwrap_or_default();
        items
            .iter()
            .enumerate()
            .map(|(index, node)| self.item(index, node))
    }

    /// `node` as the value of `key` under this route: for a value a typed
    /// view found (an `environment` entry, a key written in a service).
    pub fn entry<'b>(&self, key: &str, node: &'b Node) -> Routed<'b> {
        Routed::new(node, format!("{}.{key}", self.route))
    }

    /// `node` as item `index` under this route: for an item a typed view
    /// found (the string entries of a list).
    pub fn item<'b>(&self, index: usize, node: &'b Node) -> Routed<'b> {
        Routed::new(node, format!("{}[{index}]", self.route))
    }

    /// The same route naming another node: where the value it leads to is
    /// written (a named volume's `device:` for a service's mount of it).
    pub fn pointing_at<'b>(self, node: &'b Node) -> Routed<'b> {
        Routed {
            node,
            route: self.route,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse_documents, source_from_text};

    #[test]
    fn a_lookup_names_the_route_it_followed() {
        let text = "web:\n  deploy:\n    resources:\n      limits: {cpus: 1}\n  cap_add: [A, B]\n";
        let doc =
            &parse_documents(&source_from_text("t.yaml", text), Limits::default()).unwrap()[0];
        let web = Routed::new(doc.get("web").unwrap(), "services.web");
        let limits = web.at("deploy.resources.limits").unwrap();
        assert_eq!(limits.route, "services.web.deploy.resources.limits");
        assert_eq!(limits.node.pos.line, 4);
        assert!(web.at("deploy.resources.reservations").is_none());
        assert!(web.at("cap_add.x").is_none());
        let caps: Vec<String> = web
            .at("cap_add")
            .unwrap()
            .items()
            .map(|i| i.route)
            .collect();
        assert_eq!(caps, ["services.web.cap_add[0]", "services.web.cap_add[1]"]);
    }
}
