//! Span-aware YAML: one tree type shared by the Compose loader, the
//! Kubernetes loader and policy files.
//!
//! The tree is built from `granit-parser` events (the parser under
//! serde-saphyr) rather than through serde, because drydock needs three
//! things serde hides: the position of every key and value, the custom
//! `!reset` / `!override` tags of Compose, and where a value reached through
//! an alias or a `<<` merge key was written. Scalars stay text; each consumer
//! types them the way its format does (Compose accepts `yes`/`on` for
//! booleans, Kubernetes reads YAML 1.1 booleans too).
//!
//! Hostile input is bounded here, once for every format: nesting depth, the
//! number of nodes an alias may expand to (billion laughs), and file size.
//! Duplicate keys are errors, as in Docker Compose, unless the reader asks
//! for the last value to win ([`DuplicateKeys::LastWins`], as `kubectl`
//! does, with a warning per duplicate).

mod build;
mod node;
mod routed;
mod source;

pub use crate::text::{Pos, SourceFile, Span};
pub use build::{
    DEFAULT_MAX_NODES, Document, DuplicateKey, DuplicateKeys, Limits, NODES_PER_BYTE, ParseWork,
    Stream, parse_documents, parse_documents_counted, parse_each_document,
};
pub use node::{Key, Node, Scalar, Value, parse_bool};
pub use routed::Routed;
pub use source::{read_opened, read_source, source_from_text};
