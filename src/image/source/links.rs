//! Links inside an archive: `docker save` names a layer through a symlink
//! or hard link (`<id>/layer.tar -> ../blobs/sha256/…`), followed a bounded
//! number of times.

use std::collections::HashMap;
use std::io::Read;

use crate::image::codec::normalise;

/// Most links followed to find a blob by name.
const MAX_LINKS: usize = 8;

/// The name a symlink or hard link entry of an archive points at,
/// relative to the archive's root.
pub(super) fn link_target<R: Read>(name: &str, entry: &tar::Entry<'_, R>) -> Option<String> {
    let target = entry.link_name().ok()??.to_string_lossy().into_owned();
    let is_hard = entry.header().entry_type() == tar::EntryType::Link;
    if is_hard || target.starts_with('/') {
        return normalise(&target);
    }
    // Relative to the link's directory; Docker writes a layer it already
    // saved under another id as `<id>/layer.tar -> ../<first id>/layer.tar`.
    // `..` is resolved here, as a name inside the archive (nothing is
    // looked up on disk), and may not climb above the archive's root.
    let mut parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    normalise(&parts.join("/"))
}

/// Looks `name` up with `find`, following the archive's links (a bounded
/// number of them).
pub(super) fn follow_links<T>(
    links: &HashMap<String, String>,
    name: &str,
    mut find: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    let mut name = name;
    for _ in 0..MAX_LINKS {
        if let Some(found) = find(name) {
            return Some(found);
        }
        name = links.get(name).map(String::as_str)?;
    }
    None
}
