//! The merged filesystem of an image: layers applied in order, whiteouts
//! and opaque directories removing what lower layers wrote, hard links
//! sharing their target's contents, and for every path the layers that
//! wrote it. Symlinks (including directory symlinks such as usr-merge's
//! `bin -> usr/bin`) are resolved here, with a bound on hops.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::layer::{Entry, Kind, LayerScan, Whiteout};
use crate::hazards::secrets::SecretHit;

/// A path of the merged tree.
#[derive(Clone, Debug)]
pub struct Node {
    pub entry: Entry,
    /// The layer whose version is visible.
    pub layer: usize,
    /// Earlier layers that wrote this path, bottom first (usually none, so
    /// usually no allocation).
    pub earlier: Box<[u16]>,
    /// For a hard link: the path it links to.
    pub hardlink_of: Option<Box<str>>,
}

/// An executable that a later layer replaced with different contents.
#[derive(Clone, Debug)]
pub struct Overwrite {
    pub path: String,
    pub from_layer: usize,
    pub to_layer: usize,
}

/// How a later layer took a file out of the merged tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    /// A whiteout, of the file or of a directory above it (opaque
    /// directories included).
    Deleted,
    /// A later layer wrote the path again, with other contents.
    Replaced,
}

/// A file with credentials in it that a later layer deleted or replaced:
/// the container does not see it, but the layer that wrote it still
/// ships its bytes to whoever pulls the image.
#[derive(Clone, Debug)]
pub struct Unseen {
    pub path: String,
    /// The layer that wrote the file.
    pub layer: usize,
    /// The layer that deleted or replaced it.
    pub removed_in: usize,
    pub how: Removal,
    pub secrets: Box<[SecretHit]>,
}

/// What a node removed from the tree by layer `removed_in` still ships in
/// credentials, if any.
fn unseen(path: &str, node: &Node, removed_in: usize, how: Removal) -> Option<Unseen> {
    if node.hardlink_of.is_some() {
        return None;
    }
    let secrets = node.entry.content.as_ref()?.secrets()?.into();
    Some(Unseen {
        path: path.to_string(),
        layer: node.layer,
        removed_in,
        how,
        secrets,
    })
}

/// The merged tree.
#[derive(Debug, Default)]
pub struct Tree {
    /// Paths as boxed strings, not `String`s: 8 bytes less per path, and
    /// a B-tree's slots are most of the tree's memory.
    pub nodes: BTreeMap<Box<str>, Node>,
    pub overwrites: Vec<Overwrite>,
    /// Files with credentials that are no longer in the merged tree.
    pub unseen_secrets: Vec<Unseen>,
    pub warnings: Vec<String>,
}

/// Most symlinks followed while resolving one path (Linux allows 40).
const MAX_HOPS: usize = 40;

/// Longest path the kernel resolves (`PATH_MAX`, the terminating NUL
/// included).
const PATH_MAX: usize = 4096;

impl Tree {
    /// Applies one layer on top of the tree.
    pub fn apply(&mut self, index: usize, layer: LayerScan) {
        for whiteout in &layer.whiteouts {
            match whiteout {
                Whiteout::Path(path) => {
                    if let Some(node) = self.nodes.remove(path.as_str()) {
                        self.note_unseen(path, &node, index, Removal::Deleted);
                    }
                    self.remove_below(path, index);
                }
                Whiteout::Opaque(dir) => self.remove_below(dir, index),
            }
        }
        for entry in layer.entries {
            self.insert(index, entry);
        }
    }

    /// Keeps what a removed node held in credentials (a hard link's are
    /// its target's, kept once).
    fn note_unseen(&mut self, path: &str, node: &Node, removed_in: usize, how: Removal) {
        if let Some(unseen) = unseen(path, node, removed_in, how) {
            self.unseen_secrets.push(unseen);
        }
    }

    fn remove_below(&mut self, dir: &str, removed_in: usize) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let doomed: Vec<Box<str>> = self.under(&prefix).map(|(k, _)| k.into()).collect();
        for path in doomed {
            if let Some(node) = self.nodes.remove(&path) {
                self.note_unseen(&path, &node, removed_in, Removal::Deleted);
            }
        }
    }

    fn insert(&mut self, index: usize, mut entry: Entry) {
        let mut hardlink_of = None;
        if let Kind::Hardlink(target) = &entry.kind {
            let Some(source) = self.nodes.get(target) else {
                self.warnings.push(format!(
                    "layer {index}: hard link `/{}` points at `/{target}`, which does not exist; skipped",
                    entry.path
                ));
                return;
            };
            if source.entry.kind != Kind::File {
                self.warnings.push(format!(
                    "layer {index}: hard link `/{}` points at `/{target}`, which is not a file; skipped",
                    entry.path
                ));
                return;
            }
            // A hard link is the same file (one inode): its contents are
            // the target's, and the mode and owner in the link's header
            // apply to both names, as containerd applies them on unpack.
            hardlink_of = Some(target.clone());
            entry.content = source.entry.content.clone();
            entry.size = source.entry.size;
            let target = target.clone();
            entry.kind = Kind::File;
            let (mode, uid, gid) = (entry.mode, entry.uid, entry.gid);
            if let Some(source) = self.nodes.get_mut(&target) {
                source.entry.mode = mode;
                source.entry.uid = uid;
                source.entry.gid = gid;
            }
        }
        let mut earlier: Vec<u16> = Vec::new();
        if let Some(old) = self.nodes.get(&entry.path) {
            let same_contents =
                old.entry.content.as_ref().map(|c| c.md5) == entry.content.as_ref().map(|c| c.md5);
            if !same_contents
                && let Some(unseen) = unseen(&entry.path, old, index, Removal::Replaced)
            {
                self.unseen_secrets.push(unseen);
            }
        }
        if let Some(old) = self.nodes.get(&entry.path) {
            earlier = old.earlier.to_vec();
            if old.layer != index {
                earlier.push(old.layer as u16);
            }
            let replaced_binary = old.entry.is_executable_file()
                && entry.kind == Kind::File
                && old.layer != index
                && old.entry.content.as_ref().map(|c| c.md5)
                    != entry.content.as_ref().map(|c| c.md5);
            if replaced_binary {
                self.overwrites.push(Overwrite {
                    path: entry.path.to_string(),
                    from_layer: old.layer,
                    to_layer: index,
                });
            }
        }
        let path = std::mem::take(&mut entry.path);
        self.nodes.insert(
            path,
            Node {
                entry,
                layer: index,
                earlier: earlier.into_boxed_slice(),
                hardlink_of,
            },
        );
    }

    /// Adds a warning for every symlink whose chain loops (or is longer
    /// than the kernel would follow): such a link reaches nothing.
    pub fn report_loops(&mut self) {
        let looping: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, n)| matches!(n.entry.kind, Kind::Symlink(_)))
            .filter(|(p, _)| self.canonical(p, true).is_none())
            .map(|(p, n)| {
                format!(
                    "layer {}: symlink `/{p}` is part of a loop (or leads to a path longer than {PATH_MAX} bytes); it resolves to nothing",
                    n.layer
                )
            })
            .collect();
        self.warnings.extend(looping);
    }

    /// How many credentials the image holds in packages' own test fixtures
    /// (public keys of test suites, not reported), and one such file.
    pub fn fixture_secrets(&self) -> (usize, Option<String>) {
        let live = self
            .files()
            .filter(|(_, n)| n.hardlink_of.is_none())
            .filter_map(|(path, n)| Some((path, n.entry.content.as_ref()?.secrets()?)));
        let unseen = self
            .unseen_secrets
            .iter()
            .map(|u| (u.path.as_str(), &*u.secrets));
        let mut count = 0;
        let mut example = None;
        for (path, hits) in live.chain(unseen) {
            let fixtures = hits.iter().filter(|h| h.fixture).count();
            if fixtures > 0 && example.is_none() {
                example = Some(format!("/{path}"));
            }
            count += fixtures;
        }
        (count, example)
    }

    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// Resolves symlinks in every component of `path` (relative to the
    /// root, no leading `/`). Returns the final path and its node; `None`
    /// when a component is missing or the links loop.
    pub fn resolve(&self, path: &str) -> Option<(String, &Node)> {
        let canonical = self.canonical(path, true)?;
        let node = self.nodes.get(canonical.as_str())?;
        Some((canonical, node))
    }

    /// The path with every directory symlink resolved, the last component
    /// followed only if `follow_last`. Missing components are kept as
    /// written, so a path that does not exist still canonicalises. `None`
    /// when the links loop, or when the path grows past [`PATH_MAX`] (as
    /// the kernel fails with `ENAMETOOLONG`).
    ///
    /// The path is built as it goes, not joined again at each component,
    /// so resolving costs what the path and the targets read are long (a
    /// link to a 20 000-level path took a second each).
    pub fn canonical(&self, path: &str, follow_last: bool) -> Option<String> {
        fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
            path.split('/').filter(|p| !p.is_empty() && *p != ".")
        }
        let mut pending: Vec<&str> = components(path).rev().collect();
        let mut current = String::new();
        // The length of `current` before each of its components.
        let mut lengths: Vec<usize> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                if let Some(len) = lengths.pop() {
                    current.truncate(len);
                }
                continue;
            }
            lengths.push(current.len());
            if !current.is_empty() {
                current.push('/');
            }
            current.push_str(part);
            if current.len() > PATH_MAX {
                return None;
            }
            let is_last = pending.is_empty();
            if is_last && !follow_last {
                break;
            }
            let Some(node) = self.nodes.get(current.as_str()) else {
                continue;
            };
            if let Kind::Symlink(target) = &node.entry.kind {
                hops += 1;
                if hops > MAX_HOPS {
                    return None;
                }
                if let Some(len) = lengths.pop() {
                    current.truncate(len);
                }
                if target.starts_with('/') {
                    current.clear();
                    lengths.clear();
                }
                pending.extend(components(target).rev());
            }
        }
        Some(current)
    }

    /// Every layer that wrote a path, bottom first.
    pub fn writers(node: &Node) -> Vec<usize> {
        let mut all: Vec<usize> = node.earlier.iter().map(|l| usize::from(*l)).collect();
        all.push(node.layer);
        all
    }

    /// Regular files, with their paths.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.entry.kind == Kind::File)
            .map(|(p, n)| (&**p, n))
    }

    /// The paths that start with `prefix` (a directory and its `/`), in
    /// order.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a Node)> {
        self.nodes
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(p, _)| p.starts_with(prefix))
            .map(|(p, n)| (&**p, n))
    }

    /// The paths whose symlink chain ends at `target`.
    pub fn names_of(&self, target: &str) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|(_, n)| matches!(n.entry.kind, Kind::Symlink(_)))
            .filter(|(p, _)| self.canonical(p, true).as_deref() == Some(target))
            .map(|(p, _)| p.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::codec::Compression;
    use crate::image::layer::LayerScan;

    fn entry(path: &str, kind: Kind) -> Entry {
        Entry {
            path: path.into(),
            kind,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: 0,
            content: None,
        }
    }

    fn layer(entries: Vec<Entry>, whiteouts: Vec<Whiteout>) -> LayerScan {
        LayerScan {
            blob_digest: String::new(),
            diff_id: String::new(),
            compression: Compression::None,
            compressed_bytes: 0,
            uncompressed_bytes: 0,
            entries: entries.into_iter().collect(),
            whiteouts,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn resolves_usr_merge_and_alternatives_chains() {
        let mut tree = Tree::default();
        tree.apply(
            0,
            layer(
                vec![
                    entry("bin", Kind::Symlink("usr/bin".into())),
                    entry("usr/bin", Kind::Dir),
                    entry("usr/bin/nc.traditional", Kind::File),
                    entry(
                        "etc/alternatives/nc",
                        Kind::Symlink("/bin/nc.traditional".into()),
                    ),
                    entry("usr/bin/nc", Kind::Symlink("/etc/alternatives/nc".into())),
                ],
                vec![],
            ),
        );
        let (path, _) = tree.resolve("usr/bin/nc").unwrap();
        assert_eq!(path, "usr/bin/nc.traditional");
        assert_eq!(tree.canonical("bin/true", true).unwrap(), "usr/bin/true");
    }

    #[test]
    fn whiteouts_and_opaque_dirs_hide_only_lower_layers() {
        let mut tree = Tree::default();
        tree.apply(
            0,
            layer(
                vec![
                    entry("opt/tool/su", Kind::File),
                    entry("etc/a", Kind::File),
                    entry("etc/b", Kind::File),
                ],
                vec![],
            ),
        );
        tree.apply(
            1,
            layer(
                vec![entry("opt/tool/new", Kind::File)],
                vec![
                    Whiteout::Opaque("opt/tool".into()),
                    Whiteout::Path("etc/a".into()),
                ],
            ),
        );
        assert!(tree.get("opt/tool/su").is_none());
        assert!(tree.get("opt/tool/new").is_some());
        assert!(tree.get("etc/a").is_none());
        assert!(tree.get("etc/b").is_some());
    }

    #[test]
    fn symlink_loops_do_not_resolve() {
        let mut tree = Tree::default();
        tree.apply(
            0,
            layer(
                vec![
                    entry("a", Kind::Symlink("b".into())),
                    entry("b", Kind::Symlink("a".into())),
                ],
                vec![],
            ),
        );
        assert!(tree.resolve("a").is_none());
    }
}
