//! A layer's paths, each kept as its directory and its name: the
//! directory once per layer (an image of 300 000 files has a few thousand
//! directories), the name in the layer's [`Strings`]. A path of 90 bytes
//! costs its name's 20 and a 16-byte [`PathId`] instead of 90 and an
//! allocation.
//!
//! A path is read back as a [`PathRef`], its two parts, which compares,
//! prints and matches like the whole path without building it.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use super::strings::{StrId, Strings};

/// Where a path is in its layer's [`PathStore`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PathId {
    /// The directory's index; 0 is the image root.
    dir: u32,
    name: StrId,
}

/// The paths of one layer.
#[derive(Clone, Debug)]
pub struct PathStore {
    text: Strings,
    /// Each directory's whole path; the root's is empty.
    dirs: Vec<StrId>,
    /// Directories by path, while the layer is read (dropped by
    /// [`PathStore::finish`]).
    dir_ids: HashMap<Box<str>, u32>,
    /// The directory added or found last: a tar lists a directory's
    /// files together, so most lookups stop here.
    last_dir: u32,
}

impl Default for PathStore {
    fn default() -> Self {
        PathStore {
            text: Strings::default(),
            dirs: vec![StrId::default()],
            dir_ids: HashMap::new(),
            last_dir: 0,
        }
    }
}

impl PathStore {
    /// Adds a path (relative to the root, `/`-separated, no trailing `/`).
    pub fn push(&mut self, path: &str) -> PathId {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let dir = self.dir_id(dir);
        PathId {
            dir,
            name: self.text.push(name),
        }
    }

    fn dir_id(&mut self, dir: &str) -> u32 {
        if dir.is_empty() {
            return 0;
        }
        let last = self.dirs.get(self.last_dir as usize);
        if self.last_dir != 0 && last.is_some_and(|&id| self.text.get(id) == dir) {
            return self.last_dir;
        }
        let id = match self.dir_ids.get(dir) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.dirs.len()).unwrap_or(u32::MAX);
                self.dirs.push(self.text.push(dir));
                self.dir_ids.insert(dir.into(), id);
                id
            }
        };
        self.last_dir = id;
        id
    }

    /// Drops what only adding paths needs.
    pub fn finish(&mut self) {
        self.dir_ids = HashMap::new();
    }

    pub fn get(&self, id: PathId) -> PathRef<'_> {
        let dir = self
            .dirs
            .get(id.dir as usize)
            .map_or("", |&dir| self.text.get(dir));
        PathRef {
            dir,
            name: self.text.get(id.name),
        }
    }
}

/// A path as its directory and its name. It compares, prints and matches
/// as the whole path (`dir/name`, or `name` at the root) would.
#[derive(Clone, Copy, Debug)]
pub struct PathRef<'a> {
    dir: &'a str,
    name: &'a str,
}

impl<'a> PathRef<'a> {
    /// The empty path (the root).
    pub const EMPTY: PathRef<'static> = PathRef { dir: "", name: "" };

    /// The whole path's bytes, in at most three pieces.
    fn pieces(&self) -> [&'a [u8]; 3] {
        if self.dir.is_empty() {
            [b"", b"", self.name.as_bytes()]
        } else {
            [self.dir.as_bytes(), b"/", self.name.as_bytes()]
        }
    }

    /// The last component.
    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn len(&self) -> usize {
        self.pieces().iter().map(|p| p.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        let mut rest = prefix.as_bytes();
        for piece in self.pieces() {
            let n = piece.len().min(rest.len());
            if piece[..n] != rest[..n] {
                return false;
            }
            rest = &rest[n..];
        }
        rest.is_empty()
    }

    pub fn ends_with(&self, suffix: &str) -> bool {
        let mut rest = suffix.as_bytes();
        for piece in self.pieces().iter().rev() {
            let n = piece.len().min(rest.len());
            if piece[piece.len() - n..] != rest[rest.len() - n..] {
                return false;
            }
            rest = &rest[..rest.len() - n];
        }
        rest.is_empty()
    }

    /// Byte order of the whole paths, piece against piece.
    pub fn cmp_path(&self, other: &PathRef<'_>) -> Ordering {
        if self.dir == other.dir {
            return self.name.cmp(other.name);
        }
        compare_pieces(self.pieces(), other.pieces())
    }

    /// Byte order against a whole path: the directory against as much of
    /// `other`, then the separator, then the name against the rest (a
    /// binary search in the tree compares this way at every step).
    pub fn cmp_str(&self, other: &str) -> Ordering {
        if self.dir.is_empty() {
            return self.name.cmp(other);
        }
        let (dir, other) = (self.dir.as_bytes(), other.as_bytes());
        let shared = dir.len().min(other.len());
        match dir[..shared].cmp(&other[..shared]) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        // `other` ends within the directory (so `shared` is its length):
        // it is a prefix of this path. Otherwise `shared` is the
        // directory's length and `other` goes on.
        let Some((&separator, rest)) = other[shared..].split_first() else {
            return Ordering::Greater;
        };
        match b'/'.cmp(&separator) {
            Ordering::Equal => self.name.as_bytes().cmp(rest),
            unequal => unequal,
        }
    }

    /// Appends the whole path to `out`.
    pub fn write_to(&self, out: &mut String) {
        if !self.dir.is_empty() {
            out.push_str(self.dir);
            out.push('/');
        }
        out.push_str(self.name);
    }

    pub fn eq_str(&self, other: &str) -> bool {
        self.len() == other.len() && self.cmp_str(other) == Ordering::Equal
    }
}

/// Compares two byte strings given in pieces, a slice comparison per
/// overlap (not a byte at a time).
fn compare_pieces(a: [&[u8]; 3], b: [&[u8]; 3]) -> Ordering {
    let (mut a, mut b) = (
        a.into_iter().filter(|p| !p.is_empty()),
        b.into_iter().filter(|p| !p.is_empty()),
    );
    let (mut left, mut right): (&[u8], &[u8]) = (a.next().unwrap_or(b""), b.next().unwrap_or(b""));
    loop {
        match (left.is_empty(), right.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let n = left.len().min(right.len());
        match left[..n].cmp(&right[..n]) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        left = &left[n..];
        right = &right[n..];
        if left.is_empty() {
            left = a.next().unwrap_or(b"");
        }
        if right.is_empty() {
            right = b.next().unwrap_or(b"");
        }
    }
}

impl fmt::Display for PathRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dir.is_empty() {
            f.write_str(self.name)
        } else {
            write!(f, "{}/{}", self.dir, self.name)
        }
    }
}

impl PartialEq<str> for PathRef<'_> {
    fn eq(&self, other: &str) -> bool {
        self.eq_str(other)
    }
}

impl PartialEq<&str> for PathRef<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.eq_str(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATHS: [&str; 12] = [
        "a",
        "a/b",
        "a/b/c",
        "a-b",
        "a/b-c",
        "a/bc",
        "ab",
        "usr/bin/nc",
        "usr/bin",
        "usr",
        "usr/bin/nc.traditional",
        "z/é",
    ];

    #[test]
    fn a_stored_path_reads_matches_and_sorts_as_its_text() {
        let mut store = PathStore::default();
        let ids: Vec<PathId> = PATHS.iter().map(|p| store.push(p)).collect();
        store.finish();
        for (id, text) in ids.iter().zip(PATHS) {
            let path = store.get(*id);
            assert_eq!(path.to_string(), text);
            assert!(path == text);
            assert_eq!(path.len(), text.len());
            for cut in 0..=text.len() {
                let Some((head, tail)) = text.get(..cut).zip(text.get(cut..)) else {
                    continue;
                };
                assert!(path.starts_with(head), "{text} starts with {head}");
                assert!(path.ends_with(tail), "{text} ends with {tail}");
            }
            assert!(!path.starts_with(&format!("{text}x")));
            assert!(!path.ends_with(&format!("x{text}")));
            for (other_id, other) in ids.iter().zip(PATHS) {
                let other_path = store.get(*other_id);
                assert_eq!(
                    path.cmp_path(&other_path),
                    text.cmp(other),
                    "{text} {other}"
                );
                assert_eq!(path.cmp_str(other), text.cmp(other), "{text} {other}");
            }
        }
        assert_eq!(store.get(ids[7]).name(), "nc");
    }
}
