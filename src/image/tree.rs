//! The merged filesystem of an image: layers applied in order, whiteouts
//! and opaque directories removing what lower layers wrote, hard links
//! sharing their target's contents, and for every path the layers that
//! wrote it. Symlinks (including directory symlinks such as usr-merge's
//! `bin -> usr/bin`) are resolved here, with a bound on hops.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::chunked::Chunked;
pub use super::layer::Node;
use super::layer::{Content, Kind, LayerScan, Whiteout};
use super::paths::{PathRef, PathStore};
use crate::hazards::secrets::SecretHit;

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
    if node.hardlink_of().is_some() {
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

/// The paths of the layers merged so far, by layer: a node's path is in
/// the [`PathStore`] of the layer whose version it is.
#[derive(Debug, Default)]
struct Paths(Vec<PathStore>);

impl Paths {
    fn of<'a>(&'a self, node: &Node) -> PathRef<'a> {
        match self.0.get(node.layer) {
            Some(store) => store.get(node.entry.path),
            None => PathRef::EMPTY,
        }
    }
}

/// Where `path` is among nodes sorted by path.
fn position_in(paths: &Paths, nodes: &Chunked<Node>, path: &str) -> Option<usize> {
    let at = nodes.partition_point(|n| paths.of(n).cmp_str(path).is_lt());
    paths.of(nodes.get(at)?).eq_str(path).then_some(at)
}

/// `later` (of layer `index`) writes the path of `kept` again: it takes
/// the slot, and the earlier layers of the version it replaces;
/// credentials the replaced version held and an executable replaced with
/// other contents are noted.
fn replace(
    paths: &Paths,
    index: usize,
    kept: &mut Node,
    later: Node,
    overwrites: &mut Vec<Overwrite>,
    unseen_secrets: &mut Vec<Unseen>,
    removed_later: &mut Vec<TakenOut>,
) {
    let old = std::mem::replace(kept, later);
    if old.layer != index && old.entry.kind != Kind::Dir {
        count_removal(removed_later, old.layer, || paths.of(&old).to_string());
    }
    let new = kept;
    let same_contents =
        old.entry.content.as_ref().map(|c| c.md5) == new.entry.content.as_ref().map(|c| c.md5);
    if !same_contents
        && let Some(unseen) = unseen(&paths.of(&old).to_string(), &old, index, Removal::Replaced)
    {
        unseen_secrets.push(unseen);
    }
    let mut earlier = old.earlier().to_vec();
    if old.layer != index {
        earlier.push(old.layer as u16);
    }
    if old.entry.is_executable_file()
        && new.entry.kind == Kind::File
        && old.layer != index
        && !same_contents
    {
        overwrites.push(Overwrite {
            path: paths.of(new).to_string(),
            from_layer: old.layer,
            to_layer: index,
        });
    }
    new.set_earlier(earlier);
}

/// Counts a path of `layer` that a later layer took out or wrote again.
fn count_removal(removed_later: &mut Vec<TakenOut>, layer: usize, path: impl FnOnce() -> String) {
    if removed_later.len() <= layer {
        removed_later.resize_with(layer + 1, TakenOut::default);
    }
    let taken = &mut removed_later[layer];
    taken.count += 1;
    if taken.examples.len() < TakenOut::EXAMPLES {
        taken.examples.push(path());
    }
}

/// The files of one layer that later layers deleted or wrote again.
#[derive(Clone, Debug, Default)]
pub struct TakenOut {
    pub count: usize,
    /// The first [`TakenOut::EXAMPLES`] of them, in the order they went.
    pub examples: Vec<String>,
}

impl TakenOut {
    pub const EXAMPLES: usize = 10;
}

/// Sorts nodes by path, stably: positions are sorted, then the nodes
/// moved along the permutation's cycles.
fn put_in_order(paths: &Paths, nodes: &mut Chunked<Node>) {
    let mut order: Vec<u32> = (0..nodes.len() as u32).collect();
    order.sort_by(
        |&a, &b| match (nodes.get(a as usize), nodes.get(b as usize)) {
            (Some(a), Some(b)) => paths.of(a).cmp_path(&paths.of(b)),
            (a, b) => a.is_some().cmp(&b.is_some()),
        },
    );
    // `order[i]` is where the node that belongs at `i` is now. Each cycle
    // is walked once, a node swapped into place at each step; a position
    // done is marked by pointing at itself.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start {
                break;
            }
            nodes.swap(at, from);
            at = from;
        }
    }
}

/// The merged tree.
#[derive(Debug, Default)]
pub struct Tree {
    /// Every node, sorted by path, each path once: a dense array (a
    /// B-tree filled in order keeps its nodes half empty), in chunks, so
    /// that a merge frees the chunks it has read as it writes new ones. A
    /// node's path is its entry's, not a key beside it. A layer joins it
    /// in one merge ([`Tree::apply`]).
    nodes: Chunked<Node>,
    /// The nodes' paths.
    paths: Paths,
    pub overwrites: Vec<Overwrite>,
    /// By layer: files (not directories) it wrote that a later layer
    /// deleted or wrote again (what the layer ships that the container
    /// does not see).
    pub removed_later: Vec<TakenOut>,
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
    /// Applies one layer on top of the tree: its whiteouts first, then its
    /// entries in archive order. The layer's nodes are sorted by path,
    /// stably (a sort of 4-byte positions, the nodes then moved in
    /// place), and the two sorted runs are merged into one, which reuses
    /// the chunks of both as it reads them. A path written again, by this
    /// layer or an earlier one, meets the version it replaces in the
    /// merge, and replacing is done there.
    ///
    /// Layers are applied bottom first, `index` counting from 0.
    pub fn apply(&mut self, index: usize, layer: LayerScan) {
        debug_assert!(index >= self.paths.0.len(), "layers applied in order");
        if self.paths.0.len() <= index {
            self.paths.0.resize_with(index + 1, PathStore::default);
        }
        self.paths.0[index] = layer.paths;
        if !layer.whiteouts.is_empty() {
            self.remove_whited_out(&layer.whiteouts, index);
        }
        let mut added = layer.entries;
        // This layer's paths among its nodes, by hash, for hard links to
        // a file the layer wrote before them (only when it has any).
        let hashes = std::collections::hash_map::RandomState::new();
        let mut written: Option<HashMap<u64, usize>> = added
            .iter()
            .any(|n| matches!(n.entry.kind, Kind::Hardlink(_)))
            .then(HashMap::new);
        // A path written out, to hash it.
        let mut scratch = String::new();
        // Hard links to nothing, in increasing order.
        let mut broken: Vec<usize> = Vec::new();
        for at in 0..added.len() {
            if let Some(node) = added.get_mut(at) {
                node.layer = index;
            }
            if !self.link(index, &mut added, at, written.as_ref(), &hashes, &broken) {
                broken.push(at);
                continue;
            }
            if let (Some(written), Some(node)) = (written.as_mut(), added.get(at)) {
                scratch.clear();
                self.paths.of(node).write_to(&mut scratch);
                written.insert(hashes.hash_one(&scratch), at);
            }
        }
        drop(written);
        if !broken.is_empty() {
            let mut at = 0;
            added = added.rewrite(|out, node| {
                if broken.binary_search(&at).is_err() {
                    out.push(node);
                }
                at += 1;
            });
        }
        if added.is_empty() {
            return;
        }
        let Tree {
            nodes,
            paths,
            overwrites,
            unseen_secrets,
            removed_later,
            ..
        } = self;
        put_in_order(paths, &mut added);
        // On one path the tree's version comes first, then the layer's in
        // archive order; the last stays.
        *nodes = std::mem::take(nodes).merge(
            added,
            |old, new| paths.of(old).cmp_path(&paths.of(new)).is_le(),
            |out, node| match out.last_mut() {
                Some(kept) if paths.of(kept).cmp_path(&paths.of(&node)).is_eq() => replace(
                    paths,
                    index,
                    kept,
                    node,
                    overwrites,
                    unseen_secrets,
                    removed_later,
                ),
                _ => out.push(node),
            },
        );
    }

    /// Makes the node at `at` of layer `index`'s nodes (`added`) the file
    /// it hard-links to, if it is a hard link; `false` (with a warning)
    /// for a link to nothing. `written` finds the layer's nodes before it
    /// by the hash of their paths; `broken` are those that link nowhere.
    fn link(
        &mut self,
        index: usize,
        added: &mut Chunked<Node>,
        at: usize,
        written: Option<&HashMap<u64, usize>>,
        hashes: &std::collections::hash_map::RandomState,
        broken: &[usize],
    ) -> bool {
        let Some(link) = added.get(at) else {
            return true;
        };
        let Kind::Hardlink(target) = &link.entry.kind else {
            return true;
        };
        let target: Box<str> = target.clone();
        let (path, mode, uid, gid) = (
            self.paths.of(link).to_string(),
            link.entry.mode,
            link.entry.uid,
            link.entry.gid,
        );
        // The target as it is now: written earlier by this layer (the
        // latest such, if twice), or by one below it.
        let paths = &self.paths;
        let is_target = |i: usize, added: &Chunked<Node>| {
            broken.binary_search(&i).is_err()
                && added.get(i).is_some_and(|n| paths.of(n).eq_str(&target))
        };
        let in_layer = written.and_then(|w| {
            let at = *w.get(&hashes.hash_one(&*target))?;
            if is_target(at, added) {
                return Some(at);
            }
            // Two paths with one hash: look the slow way.
            (0..at).rev().find(|&i| is_target(i, added))
        });
        let source = match in_layer {
            Some(at) => added.get_mut(at),
            None => {
                position_in(&self.paths, &self.nodes, &target).and_then(|at| self.nodes.get_mut(at))
            }
        };
        let Some(source) = source else {
            self.warnings.push(format!(
                "layer {index}: hard link `/{path}` points at `/{target}`, which does not exist; skipped",
            ));
            return false;
        };
        if source.entry.kind != Kind::File {
            self.warnings.push(format!(
                "layer {index}: hard link `/{path}` points at `/{target}`, which is not a file; skipped",
            ));
            return false;
        }
        // A hard link is the same file (one inode): its contents are the
        // target's, and the mode and owner in the link's header apply to
        // both names, as containerd applies them on unpack.
        let (content, size) = (source.entry.content.clone(), source.entry.size);
        source.entry.mode = mode;
        source.entry.uid = uid;
        source.entry.gid = gid;
        if let Some(link) = added.get_mut(at) {
            link.entry.content = content;
            link.entry.size = size;
            link.entry.kind = Kind::File;
            link.set_hardlink_of(target);
        }
        true
    }

    /// Takes out what layer `index`'s whiteouts delete: a whited-out path
    /// and everything below it, everything below an opaque directory.
    fn remove_whited_out(&mut self, whiteouts: &[Whiteout], index: usize) {
        let mut doomed = vec![false; self.nodes.len()];
        let mut any = false;
        for whiteout in whiteouts {
            let dir = match whiteout {
                Whiteout::Path(path) => {
                    if let Some(at) = position_in(&self.paths, &self.nodes, path) {
                        any = true;
                        doomed[at] = true;
                    }
                    path.as_str()
                }
                Whiteout::Opaque(dir) => dir.as_str(),
            };
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let start = self
                .nodes
                .partition_point(|n| self.paths.of(n).cmp_str(&prefix).is_lt());
            for (at, node) in self.nodes.iter_from(start).enumerate() {
                if !self.paths.of(node).starts_with(prefix.as_str()) {
                    break;
                }
                any = true;
                doomed[start + at] = true;
            }
        }
        if !any {
            return;
        }
        let mut doomed = doomed.into_iter();
        let (paths, unseen_secrets) = (&self.paths, &mut self.unseen_secrets);
        let removed_later = &mut self.removed_later;
        self.nodes = std::mem::take(&mut self.nodes).rewrite(|out, node| {
            if !doomed.next().unwrap_or(false) {
                out.push(node);
                return;
            }
            if node.entry.kind != Kind::Dir {
                count_removal(removed_later, node.layer, || paths.of(&node).to_string());
            }
            if let Some(unseen) =
                unseen(&paths.of(&node).to_string(), &node, index, Removal::Deleted)
            {
                unseen_secrets.push(unseen);
            }
        });
    }

    /// Adds a warning for every symlink whose chain loops (or is longer
    /// than the kernel would follow): such a link reaches nothing.
    pub fn report_loops(&mut self) {
        let looping: Vec<String> = self
            .iter()
            .filter(|(_, n)| matches!(n.entry.kind, Kind::Symlink(_)))
            .filter(|(p, _)| self.canonical(&p.to_string(), true).is_none())
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
            .filter(|(_, n)| n.hardlink_of().is_none())
            .filter_map(|(path, n)| {
                let hits = n.entry.content.as_ref()?.secrets()?;
                Some((path.to_string(), hits))
            });
        let unseen = self
            .unseen_secrets
            .iter()
            .map(|u| (u.path.clone(), &*u.secrets));
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
        self.nodes.get(position_in(&self.paths, &self.nodes, path)?)
    }

    /// Resolves symlinks in every component of `path` (relative to the
    /// root, no leading `/`). Returns the final path and its node; `None`
    /// when a component is missing or the links loop.
    pub fn resolve(&self, path: &str) -> Option<(String, &Node)> {
        let canonical = self.canonical(path, true)?;
        let node = self.get(&canonical)?;
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
            let Some(node) = self.get(&current) else {
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
        let mut all: Vec<usize> = node.earlier().iter().map(|l| usize::from(*l)).collect();
        all.push(node.layer);
        all
    }

    /// Every node, in path order, with its path.
    pub fn iter(&self) -> impl Iterator<Item = (PathRef<'_>, &Node)> {
        self.nodes.iter().map(|n| (self.paths.of(n), n))
    }

    /// Every node, in path order, to change what is known of its
    /// contents (its path stays).
    pub fn contents_mut(
        &mut self,
    ) -> impl Iterator<Item = (PathRef<'_>, Option<&str>, Option<&mut Content>)> {
        let paths = &self.paths;
        self.nodes.iter_mut().map(move |n| {
            let path = paths.of(n);
            let (hardlink_of, content) = n.contents_mut();
            (path, hardlink_of, content)
        })
    }

    /// Regular files, with their paths.
    pub fn files(&self) -> impl Iterator<Item = (PathRef<'_>, &Node)> {
        self.nodes
            .iter()
            .filter(|n| n.entry.kind == Kind::File)
            .map(|n| (self.paths.of(n), n))
    }

    /// The paths that start with `prefix` (a directory and its `/`), in
    /// order.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (PathRef<'a>, &'a Node)> {
        let start = self
            .nodes
            .partition_point(|n| self.paths.of(n).cmp_str(prefix).is_lt());
        self.nodes
            .iter_from(start)
            .map(|n| (self.paths.of(n), n))
            .take_while(move |(path, _)| path.starts_with(prefix))
    }

    /// The paths whose symlink chain ends at `target`.
    pub fn names_of(&self, target: &str) -> Vec<String> {
        self.iter()
            .filter(|(_, n)| matches!(n.entry.kind, Kind::Symlink(_)))
            .map(|(p, _)| p.to_string())
            .filter(|p| self.canonical(p, true).as_deref() == Some(target))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::codec::Compression;
    use crate::image::layer::{Content, Entry, LayerScan};
    use crate::image::paths::PathId;

    /// An entry and its path, as a layer's walk leaves them.
    fn entry(path: &str, kind: Kind) -> (String, Entry) {
        let entry = Entry {
            path: PathId::default(),
            kind,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: 0,
            content: None,
        };
        (path.to_string(), entry)
    }

    fn layer(entries: Vec<(String, Entry)>, whiteouts: Vec<Whiteout>) -> LayerScan {
        let mut paths = PathStore::default();
        let entries = entries
            .into_iter()
            .map(|(path, mut entry)| {
                entry.path = paths.push(&path);
                Node::new(entry)
            })
            .collect();
        LayerScan {
            blob_digest: String::new(),
            diff_id: String::new(),
            compression: Compression::None,
            compressed_bytes: 0,
            uncompressed_bytes: 0,
            entries,
            paths,
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

    /// The tree as the merge must leave it, made the plain way: one entry
    /// at a time into a map, as the layers' semantics read. Per path: the
    /// visible layer, the earlier layers, the hard link's target, the mode
    /// and the MD5's first byte.
    type Model =
        std::collections::BTreeMap<String, (usize, Vec<u16>, Option<String>, u32, Option<u8>)>;

    fn model_apply(
        model: &mut Model,
        overwrites: &mut Vec<(String, usize, usize)>,
        index: usize,
        entries: &[(String, Entry)],
        whiteouts: &[Whiteout],
    ) {
        for whiteout in whiteouts {
            let dir = match whiteout {
                Whiteout::Path(path) => {
                    model.remove(path);
                    path.clone()
                }
                Whiteout::Opaque(dir) => dir.clone(),
            };
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            model.retain(|p, _| !p.starts_with(&prefix));
        }
        for (path, entry) in entries {
            let mut md5 = entry.content.as_ref().map(|c| c.md5[0]);
            let mut hardlink_of = None;
            if let Kind::Hardlink(target) = &entry.kind {
                let Some(source) = model.get_mut(&**target) else {
                    continue;
                };
                // Only files are hard-link targets here (md5 is set).
                let Some(source_md5) = source.4 else { continue };
                source.3 = entry.mode;
                md5 = Some(source_md5);
                hardlink_of = Some(target.to_string());
            }
            let mut earlier = Vec::new();
            if let Some(old) = model.get(path) {
                earlier = old.1.clone();
                if old.0 != index {
                    earlier.push(old.0 as u16);
                }
                let old_exec = old.4.is_some() && old.3 & 0o111 != 0;
                if old_exec && md5.is_some() && old.0 != index && old.4 != md5 {
                    overwrites.push((path.clone(), old.0, index));
                }
            }
            model.insert(path.clone(), (index, earlier, hardlink_of, entry.mode, md5));
        }
    }

    #[test]
    fn merging_layers_in_one_pass_leaves_what_applying_each_entry_would() {
        const PATHS: [&str; 9] = ["a", "a/x", "a/x/1", "a/x/2", "a-b", "b", "b/1", "b/2", "c"];
        // A small deterministic generator (xorshift).
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _image in 0..300 {
            let mut tree = Tree::default();
            let mut model = Model::new();
            let mut model_overwrites = Vec::new();
            for index in 0..1 + next(5) {
                let mut entries = Vec::new();
                for _ in 0..next(12) {
                    let path = PATHS[next(PATHS.len())];
                    let mode = [0o644, 0o755][next(2)];
                    let kind = match next(6) {
                        0 => Kind::Dir,
                        1 => Kind::Symlink(PATHS[next(PATHS.len())].into()),
                        2 => Kind::Hardlink(PATHS[next(PATHS.len())].into()),
                        _ => Kind::File,
                    };
                    let content = (kind == Kind::File)
                        .then(|| Content::new([next(3) as u8; 16], Default::default()));
                    let (path, mut entry) = entry(path, kind);
                    entry.mode = mode;
                    entry.content = content;
                    entries.push((path, entry));
                }
                let mut whiteouts = Vec::new();
                if next(3) == 0 {
                    let path = PATHS[next(PATHS.len())].to_string();
                    whiteouts.push(if next(2) == 0 {
                        Whiteout::Path(path)
                    } else {
                        Whiteout::Opaque(path)
                    });
                }
                model_apply(
                    &mut model,
                    &mut model_overwrites,
                    index,
                    &entries,
                    &whiteouts,
                );
                tree.apply(index, layer(entries, whiteouts));
            }
            let merged: Model = tree
                .iter()
                .map(|(p, n)| {
                    let md5 = n.entry.content.as_ref().map(|c| c.md5[0]);
                    let hardlink_of = n.hardlink_of().map(str::to_string);
                    (
                        p.to_string(),
                        (
                            n.layer,
                            n.earlier().to_vec(),
                            hardlink_of,
                            n.entry.mode,
                            md5,
                        ),
                    )
                })
                .collect();
            assert_eq!(merged, model);
            let paths: Vec<String> = tree.iter().map(|(p, _)| p.to_string()).collect();
            assert!(
                paths.windows(2).all(|w| w[0] < w[1]),
                "sorted, each path once"
            );
            let mut overwrites: Vec<(String, usize, usize)> = tree
                .overwrites
                .iter()
                .map(|o| (o.path.clone(), o.from_layer, o.to_layer))
                .collect();
            overwrites.sort();
            model_overwrites.sort();
            assert_eq!(overwrites, model_overwrites);
        }
    }

    /// Nodes are most of an image's memory (one per file, beside its
    /// path's bytes): a field added to every node costs as much as a
    /// path's allocation did. A node holds its content summary inline (40
    /// bytes, where a box cost 8 and an allocation of 48) and its path as
    /// a 16-byte id (its directory's and its name's).
    #[test]
    fn a_node_stays_small() {
        assert!(
            std::mem::size_of::<Node>() <= 120,
            "{}",
            std::mem::size_of::<Node>()
        );
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
