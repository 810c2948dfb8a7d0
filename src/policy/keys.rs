//! Checks shared by every part of a policy file (the policy, its
//! exceptions, its compound rules).

use crate::yaml::{Key, LocatedError, Node};

/// An error with "did you mean" for each key of `entries` not in `known`.
pub(super) fn unknown_keys(
    entries: &[(Key, Node)],
    known: &[&'static str],
    what: &str,
    errors: &mut Vec<LocatedError>,
) {
    for (key, _) in entries {
        if !known.contains(&key.text.as_str()) {
            let hint = crate::suggest::closest(&key.text, known.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            errors.push(LocatedError::at(
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
    errors: &mut Vec<LocatedError>,
) -> Option<&'a [(Key, Node)]> {
    let entries = node.as_map();
    if entries.is_none() {
        errors.push(LocatedError::at(&node.pos, error));
    }
    entries
}
