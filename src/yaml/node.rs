//! The tree: nodes with where they were written ([`Pos`], with the bytes
//! of the value as a [`Span`]), mapping keys and scalars.

use crate::text::Pos;

/// A YAML node with where it was written.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    /// Where the value itself is written (for an alias: at the anchor).
    pub pos: Pos,
    /// A local tag such as `!reset` or `!override`, without the `!`.
    pub tag: Option<String>,
    /// For a value reached through an alias or a `<<` merge key: the alias
    /// site, so a finding can point at both places.
    pub via: Option<Pos>,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// Scalar text after YAML escapes; `plain` is false for quoted and block
/// scalars, which are always strings.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub text: String,
    pub plain: bool,
    /// Set when Compose interpolation put text from the environment into
    /// the value: such a value is not (only) a literal written in the file.
    pub interpolated: bool,
    /// The text as written, when interpolation changed it.
    pub raw: Option<String>,
}

/// A mapping key (always a scalar in the formats drydock reads).
#[derive(Clone, Debug)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Node {
        Node {
            value,
            pos,
            tag: None,
            via: None,
        }
    }

    /// Whether two nodes hold the same value wherever they were written:
    /// scalars by their text, sequences item by item, mappings key by key
    /// in any order, tags alike. Linear in the nodes' sizes.
    pub fn same_value(&self, other: &Node) -> bool {
        if self.tag != other.tag {
            return false;
        }
        match (&self.value, &other.value) {
            (Value::Null, Value::Null) => true,
            (Value::Scalar(a), Value::Scalar(b)) => a.text == b.text,
            (Value::Seq(a), Value::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_value(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                if a.len() != b.len() {
                    return false;
                }
                let by_key: std::collections::HashMap<&str, &Node> =
                    b.iter().map(|(k, v)| (k.text.as_str(), v)).collect();
                by_key.len() == b.len()
                    && a.iter().all(|(k, v)| {
                        by_key
                            .get(k.text.as_str())
                            .is_some_and(|other| v.same_value(other))
                    })
            }
            _ => false,
        }
    }

    /// The entries of a mapping, or `None` for any other node.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The text of a scalar (numbers and booleans included).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Looks a key up in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Mutable lookup in a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.text == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Looks a key up in a mapping and returns the key too (for its line).
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.text == key)
            .map(|(k, v)| (k, v))
    }

    /// Reads a boolean the way Docker Compose does: YAML's `true`/`false`,
    /// and the strings it converts (`yes`, `no`, `on`, `off`, `y`, `n`, any
    /// case). Anything else is `None`.
    pub fn as_bool(&self) -> Option<bool> {
        parse_bool(self.as_str()?)
    }

    /// A short name for the node's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Scalar(_) => "a scalar",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Compose's and Kubernetes' lenient boolean spellings.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}
