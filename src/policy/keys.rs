//! Checks shared by every part of a policy file (the policy, its
//! exceptions, its compound rules).

use crate::error::InputError;
use crate::yaml::{Key, Node};

/// An error with "did you mean" for each key of `entries` not in `known`.
pub(super) fn unknown_keys(
    entries: &[(Key, Node)],
    known: &[&'static str],
    what: &str,
    errors: &mut Vec<InputError>,
) {
    for (key, _) in entries {
        if !known.contains(&key.text.as_str()) {
            let hint = crate::suggest::closest(&key.text, known.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            errors.push(InputError::at(
                &key.pos,
                format!("unknown {what} key `{}`{hint}", key.text),
            ));
        }
    }
}

/// The entries of a mapping, or `None` after adding `error` at the node.
pub(super) fn mapping<'a>(
    node: &'a Node,
    error: impl Into<String>,
    errors: &mut Vec<InputError>,
) -> Option<&'a [(Key, Node)]> {
    let entries = node.as_map();
    if entries.is_none() {
        errors.push(InputError::at(&node.pos, error));
    }
    entries
}
