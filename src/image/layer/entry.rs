//! One tar header, read as data: its name normalised (an escaping name
//! skipped, an absolute one made relative, each with a warning), a
//! whiteout recognised, its type, mode, owner and link target. The
//! entry's contents are the walk's business (`super::walk`).

use std::io::Read;

use super::index::{Entry, Kind};
use super::whiteout::Whiteout;
use crate::image::codec::normalise;
use crate::image::paths::PathStore;

/// What one tar entry means for the layer's index.
pub(super) enum Decoded {
    /// The entry, and its path as text (the entry keeps it in the store).
    Entry(Entry, String),
    Whiteout(Whiteout),
}

/// Reads one entry's header. `None` when the entry adds nothing to the
/// index (the root itself, or a name or link that escapes the root, which
/// leaves a warning).
pub(super) fn decode<R: Read>(
    entry: &tar::Entry<'_, R>,
    warnings: &mut Vec<String>,
    paths: &mut PathStore,
) -> Option<Decoded> {
    let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let Some(path) = normalise(&raw_path) else {
        warnings.push(format!(
            "skipped entry `{raw_path}`: its name climbs out of the image root"
        ));
        return None;
    };
    if raw_path.starts_with('/') {
        warnings.push(format!(
            "entry `{raw_path}` has an absolute name; read as `{path}`"
        ));
    }
    if path.is_empty() {
        return None;
    }
    if let Some(whiteout) = Whiteout::from_path(&path) {
        return Some(Decoded::Whiteout(whiteout));
    }
    let header = entry.header();
    let link = || {
        entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
            .unwrap_or_default()
    };
    let kind = match header.entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            Kind::File
        }
        tar::EntryType::Directory => Kind::Dir,
        tar::EntryType::Symlink => Kind::Symlink(link().into()),
        tar::EntryType::Link => match normalise(&link()) {
            Some(target) if !target.is_empty() => Kind::Hardlink(target.into()),
            _ => {
                warnings.push(format!(
                    "skipped hard link `{path}`: its target climbs out of the image root"
                ));
                return None;
            }
        },
        _ => Kind::Special,
    };
    Some(Decoded::Entry(
        Entry {
            kind,
            mode: header.mode().unwrap_or(0),
            uid: u32::try_from(header.uid().unwrap_or(0)).unwrap_or(u32::MAX),
            gid: u32::try_from(header.gid().unwrap_or(0)).unwrap_or(u32::MAX),
            size: entry.size(),
            content: None,
            path: paths.push(&path),
        },
        path,
    ))
}
