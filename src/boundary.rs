//! The audit boundary: which files a configuration may make drydock open.
//!
//! drydock runs on repositories nobody on the machine has vetted (a pull
//! request in CI). A Compose file names other files (`env_file`,
//! `include`, `extends.file`, `.env`), and reading one of the host's
//! (`/proc/self/environ`, `~/.docker/config.json`, a committed symlink
//! `.env -> /etc/…`) would turn the audit into a way to print the runner's
//! secrets. So every such file is resolved here first, beneath the audit
//! roots (the Git work trees around the directories and files named on
//! the command line, see [`default_root`], or `--root`), symlinks
//! included, the way
//! `openat2(RESOLVE_BENEATH)` resolves: each component inside a root is
//! looked at with `lstat`, a symlink is followed by reading its text, and
//! the walk stops as soon as it would leave the root, without touching
//! anything outside (so not even the existence of a host file is learnt).
//!
//! Whatever the roots, some files are never opened: anything under
//! `/proc`, `/sys` or `/dev`, anything inside a `.git` directory (a CI
//! checkout keeps its token in `.git/config`), and whatever is not a
//! regular file (sockets, FIFOs, devices). `--allow-outside-root` lifts the
//! roots, not these. The one exception is `.git/info/exclude` of a work
//! tree inside the boundary, read as ignore patterns that are matched and
//! never shown ([`Boundary::git_info_exclude`], for [`crate::gitignore`]).
//!
//! Only `std` is used here: the module sits below every scanner.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Symlinks followed in one resolution before it is called a loop (the
/// kernel's own limit).
const MAX_SYMLINKS: usize = 40;

/// Directories never read, whatever the roots.
const HOST_PSEUDO_FILESYSTEMS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Where configuration files may be read from.
#[derive(Clone, Debug)]
pub struct Boundary {
    roots: Vec<Root>,
    /// The working directory relative paths are taken against, read once.
    cwd: PathBuf,
    /// `--allow-outside-root`: any path, except the never-opened ones.
    allow_outside: bool,
    /// Directories beneath a root already found to be real directories
    /// (not symlinks): a scan opens thousands of files below the same
    /// few, and looks at each of those once. The tree is not expected to
    /// change during a run.
    verified_dirs: Arc<RwLock<HashSet<OsString>>>,
}

#[derive(Clone, Debug)]
struct Root {
    /// Absolute, without `.` or `..`, as the user wrote it.
    lexical: PathBuf,
    /// With symlinks resolved.
    canonical: PathBuf,
}

/// Why a file was not opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The path names a place outside every audit root.
    Outside,
    /// The path is inside a root, but a symlink on the way leads out.
    OutsideThroughSymlink,
    /// Under `/proc`, `/sys` or `/dev`.
    HostPseudoFile,
    /// Inside a `.git` directory.
    GitDirectory,
    /// A socket, FIFO or device.
    NotRegular,
    /// More symlinks than the kernel would follow.
    SymlinkLoop,
}

impl Refusal {
    /// Words for a finding or an error: "… is outside the audit root".
    pub fn describe(self) -> &'static str {
        match self {
            Refusal::Outside => "is outside the audit root",
            Refusal::OutsideThroughSymlink => "is a symlink to outside the audit root",
            Refusal::HostPseudoFile => "is under /proc, /sys or /dev, which drydock never opens",
            Refusal::GitDirectory => "is inside a `.git` directory, which drydock never opens",
            Refusal::NotRegular => "is a socket, FIFO or device, which drydock never opens",
            Refusal::SymlinkLoop => "is a symlink loop",
        }
    }
}

/// What a path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file inside the boundary, at this symlink-free path.
    File(PathBuf),
    /// A directory inside the boundary.
    Dir(PathBuf),
    /// Nothing there (inside the boundary).
    Missing,
    Refused(Refusal),
}

impl Boundary {
    /// A boundary around `roots` (directories; each is the user's choice,
    /// so it is taken as it is, symlinks and all).
    pub fn new(roots: &[PathBuf], allow_outside: bool) -> Boundary {
        let mut boundary = Boundary {
            roots: Vec::new(),
            cwd: std::env::current_dir().unwrap_or_default(),
            allow_outside,
            verified_dirs: Arc::default(),
        };
        for root in roots {
            boundary.add_root(root);
        }
        boundary
    }

    /// Adds a directory the user chose (a named file's directory).
    pub fn add_root(&mut self, dir: &Path) {
        let lexical = clean(&self.cwd.join(dir));
        let canonical = dir.canonicalize().unwrap_or_else(|_| lexical.clone());
        if !self
            .roots
            .iter()
            .any(|r| r.lexical == lexical && r.canonical == canonical)
        {
            self.roots.push(Root { lexical, canonical });
        }
    }

    /// This boundary with one more root.
    pub fn with_root(&self, dir: &Path) -> Boundary {
        let mut wider = self.clone();
        wider.add_root(dir);
        wider
    }

    pub fn allows_outside(&self) -> bool {
        self.allow_outside
    }

    /// Resolves `path` (relative to the working directory, or absolute)
    /// without opening it and without looking at anything outside the
    /// roots.
    pub fn resolve(&self, path: &Path) -> Resolved {
        let path = clean(&self.cwd.join(path));
        if let Some(why) = never_opened(&path) {
            return Resolved::Refused(why);
        }
        if self.allow_outside {
            return match path.canonicalize() {
                Ok(real) => match never_opened(&real) {
                    Some(why) => Resolved::Refused(why),
                    None => classify(real),
                },
                Err(e) if e.kind() == io::ErrorKind::NotFound => Resolved::Missing,
                Err(_) => Resolved::Refused(Refusal::SymlinkLoop),
            };
        }
        let mut best = Resolved::Refused(Refusal::Outside);
        for root in &self.roots {
            let Some(inside) = root.relative(&path) else {
                continue;
            };
            match root.walk(inside, &self.verified_dirs) {
                found @ (Resolved::File(_) | Resolved::Dir(_) | Resolved::Missing) => return found,
                refused => best = refused,
            }
        }
        best
    }

    /// Opens a regular file that [`Boundary::resolve`] allows, with its
    /// size; `Err` says why not (a missing file is
    /// `io::ErrorKind::NotFound`).
    ///
    /// The common case costs what a plain open does: the directory is
    /// resolved (usually from the cache), and the file itself is opened
    /// without following a symlink; only when it is one does the full
    /// resolution run.
    pub fn open(&self, path: &Path) -> Result<(File, u64), OpenError> {
        let full = clean(&self.cwd.join(path));
        if let Some(why) = never_opened(&full) {
            return Err(OpenError::Refused(why));
        }
        if !self.allow_outside
            && let (Some(parent), Some(name)) = (full.parent(), full.file_name())
        {
            match self.resolve(parent) {
                Resolved::Dir(real) => match open_regular(&real.join(name)) {
                    Err(OpenError::Io(e)) if is_symlink_error(&e) => {}
                    opened => return opened,
                },
                Resolved::File(_) | Resolved::Missing => {
                    return Err(OpenError::Io(io::ErrorKind::NotFound.into()));
                }
                Resolved::Refused(why) => return Err(OpenError::Refused(why)),
            }
        }
        match self.resolve(&full) {
            Resolved::File(real) => open_regular(&real),
            Resolved::Dir(_) => Err(OpenError::Io(io::Error::other("is a directory"))),
            Resolved::Missing => Err(OpenError::Io(io::ErrorKind::NotFound.into())),
            Resolved::Refused(why) => Err(OpenError::Refused(why)),
        }
    }
}

impl Boundary {
    /// Reads at most `max` bytes of a file [`Boundary::open`] allows,
    /// with the file's whole size: a larger file is read only up to
    /// `max`, which the caller can tell and say.
    pub fn read_capped(&self, path: &Path, max: u64) -> Result<(Vec<u8>, u64), OpenError> {
        use std::io::Read as _;
        let (file, size) = self.open(path)?;
        let mut bytes = Vec::with_capacity(size.min(max) as usize);
        file.take(max)
            .read_to_end(&mut bytes)
            .map_err(OpenError::Io)?;
        Ok((bytes, size))
    }

    /// `path` made absolute against the working directory this boundary
    /// took relative paths against, and cleaned (no `.`, no `dir/..`),
    /// without touching the file system.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        clean(&self.cwd.join(path))
    }

    /// The outermost audit root `path` lies beneath as written (the
    /// directory a walk up from it stops at), `None` when it is beneath
    /// none (a path `--allow-outside-root` lets through).
    pub fn root_above(&self, path: &Path) -> Option<PathBuf> {
        let path = self.absolute(path);
        self.roots
            .iter()
            .flat_map(|r| [&r.lexical, &r.canonical])
            .filter(|root| strip_dir_prefix(&path, root).is_some())
            .min_by_key(|root| root.as_os_str().len())
            .cloned()
    }

    /// Whether `dir`, a directory inside the boundary, is the top of a Git
    /// work tree: it holds a `.git` (a directory, or the file a linked
    /// work tree or submodule has instead). Only looked at, never opened.
    pub fn is_work_tree_top(&self, dir: &Path) -> bool {
        match self.resolve(dir) {
            Resolved::Dir(real) => real.join(".git").symlink_metadata().is_ok(),
            _ => false,
        }
    }

    /// The text of `.git/info/exclude` in the work tree `top` (a directory
    /// inside the boundary), at most `max` bytes: the one file inside a
    /// `.git` directory drydock reads, as ignore patterns that are matched
    /// and never shown. `None` unless `.git` and `info` are real
    /// directories (not symlinks; a linked work tree's `.git` file points
    /// elsewhere and is not followed) and `exclude` a regular file.
    pub fn git_info_exclude(&self, top: &Path, max: u64) -> Option<String> {
        use std::io::Read as _;
        let Resolved::Dir(real) = self.resolve(top) else {
            return None;
        };
        let mut dir = real;
        for name in [".git", "info"] {
            dir.push(name);
            if !dir.symlink_metadata().ok()?.is_dir() {
                return None;
            }
        }
        let (file, _) = open_regular(&dir.join("exclude")).ok()?;
        let mut bytes = Vec::new();
        file.take(max).read_to_end(&mut bytes).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The error `open(O_NOFOLLOW)` gives for a symlink (`ELOOP`).
fn is_symlink_error(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// The audit root for a directory the user gave: the top of the Git
/// work tree it is in (the nearest directory above it holding `.git`), so
/// that `docker/compose.yaml` with `build: ..` or `env_file: ../.env`
/// stays inside; else the directory itself. A `.git` in the home directory
/// or in `/` (a home kept in Git) does not count: that would put the
/// user's own files inside.
pub fn default_root(dir: &Path) -> PathBuf {
    let Ok(start) = dir.canonicalize() else {
        return dir.to_path_buf();
    };
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .and_then(|h| h.canonicalize().ok());
    for ancestor in start.ancestors() {
        if ancestor.parent().is_none() || Some(ancestor) == home.as_deref() {
            break;
        }
        if ancestor.join(".git").symlink_metadata().is_ok() {
            return ancestor.to_path_buf();
        }
    }
    dir.to_path_buf()
}

/// Why [`Boundary::open`] failed.
#[derive(Debug)]
pub enum OpenError {
    Refused(Refusal),
    Io(io::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Refused(why) => write!(f, "not read: it {}", why.describe()),
            OpenError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl Root {
    /// `path` (absolute, clean) relative to this root, if it is inside it
    /// as written or as the root resolves.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        strip_dir_prefix(path, &self.lexical).or_else(|| strip_dir_prefix(path, &self.canonical))
    }

    /// Resolves `inside` beneath the root one component at a time.
    fn walk(&self, inside: &Path, verified_dirs: &RwLock<HashSet<OsString>>) -> Resolved {
        let mut pending: Vec<OsString> = components_reversed(inside);
        let mut at = self.canonical.clone();
        // The metadata of `at`, when the walk just looked at it.
        let mut at_meta: Option<std::fs::Metadata> = None;
        let mut symlinks = 0;
        while let Some(name) = pending.pop() {
            if name == ".." {
                if at == self.canonical {
                    return Resolved::Refused(Refusal::OutsideThroughSymlink);
                }
                at.pop();
                at_meta = None;
                continue;
            }
            if name == "." {
                continue;
            }
            if name == ".git" {
                return Resolved::Refused(Refusal::GitDirectory);
            }
            let next = at.join(&name);
            let known_dir = || {
                verified_dirs
                    .read()
                    .is_ok_and(|dirs| dirs.contains(next.as_os_str()))
            };
            if known_dir() {
                at = next;
                at_meta = None;
                if pending.is_empty() {
                    return match never_opened(&at) {
                        Some(why) => Resolved::Refused(why),
                        None => Resolved::Dir(at),
                    };
                }
                continue;
            }
            let meta = match next.symlink_metadata() {
                Ok(meta) => meta,
                Err(_) => return Resolved::Missing,
            };
            if meta.file_type().is_symlink() {
                symlinks += 1;
                if symlinks > MAX_SYMLINKS {
                    return Resolved::Refused(Refusal::SymlinkLoop);
                }
                let Ok(target) = std::fs::read_link(&next) else {
                    return Resolved::Missing;
                };
                if target.is_absolute() {
                    let target = clean(&target);
                    let Some(rest) = self.relative(&target) else {
                        return Resolved::Refused(Refusal::OutsideThroughSymlink);
                    };
                    pending.extend(components_reversed(rest));
                    at = self.canonical.clone();
                    at_meta = None;
                } else {
                    pending.extend(components_reversed(&target));
                }
                continue;
            }
            if !pending.is_empty() && !meta.is_dir() {
                return Resolved::Missing;
            }
            if meta.is_dir()
                && let Ok(mut dirs) = verified_dirs.write()
            {
                dirs.insert(next.clone().into_os_string());
            }
            at = next;
            at_meta = Some(meta);
        }
        if let Some(why) = never_opened(&at) {
            return Resolved::Refused(why);
        }
        match at_meta {
            // Not a symlink (those were followed), so its own type.
            Some(meta) if meta.is_file() => Resolved::File(at),
            Some(meta) if meta.is_dir() => Resolved::Dir(at),
            Some(_) => Resolved::Refused(Refusal::NotRegular),
            None => classify(at),
        }
    }
}

/// A file, a directory, or something never opened, by its (symlink-free)
/// path's metadata.
fn classify(real: PathBuf) -> Resolved {
    match real.metadata() {
        Ok(meta) if meta.is_file() => Resolved::File(real),
        Ok(meta) if meta.is_dir() => Resolved::Dir(real),
        Ok(_) => Resolved::Refused(Refusal::NotRegular),
        Err(_) => Resolved::Missing,
    }
}

/// Opens a file that must be regular, without following a last symlink
/// and without blocking on a FIFO that replaced it meanwhile.
fn open_regular(path: &Path) -> Result<(File, u64), OpenError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(OpenError::Io)?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    if meta.is_dir() {
        return Err(OpenError::Io(io::Error::other("is a directory")));
    }
    if !meta.is_file() {
        return Err(OpenError::Refused(Refusal::NotRegular));
    }
    Ok((file, meta.len()))
}

/// Why a path (absolute, clean) is one drydock never opens, if it is:
/// under `/proc`, `/sys` or `/dev`, or inside a `.git` directory.
fn never_opened(path: &Path) -> Option<Refusal> {
    if HOST_PSEUDO_FILESYSTEMS
        .iter()
        .any(|dir| strip_dir_prefix(path, Path::new(dir)).is_some())
    {
        return Some(Refusal::HostPseudoFile);
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let git = memchr::memmem::find(bytes, b"/.git/").is_some() || bytes.ends_with(b"/.git");
    git.then_some(Refusal::GitDirectory)
}

/// `path` without the directory `dir` in front (on a `/` boundary), by
/// bytes: both are absolute and clean, so no component parsing is needed.
fn strip_dir_prefix<'p>(path: &'p Path, dir: &Path) -> Option<&'p Path> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let prefix = dir.as_os_str().as_encoded_bytes();
    let rest = bytes.strip_prefix(prefix)?;
    let rest = match rest {
        [] => rest,
        [b'/', tail @ ..] => tail,
        _ if prefix.ends_with(b"/") => rest,
        _ => return None,
    };
    // Cut at a `/` boundary of valid encoded bytes, so this is sound.
    let offset = bytes.len() - rest.len();
    let text = path.as_os_str().to_str().map(|t| &t[offset..]);
    match text {
        Some(tail) => Some(Path::new(tail)),
        None => path.strip_prefix(dir).ok(),
    }
}

/// Removes `.` and `dir/..` without touching the file system, as Compose
/// cleans the paths it joins.
fn clean(path: &Path) -> PathBuf {
    let bytes = path.as_os_str().as_encoded_bytes();
    let already_clean = !bytes.ends_with(b"/")
        && !bytes.ends_with(b"/.")
        && !bytes.ends_with(b"/..")
        && memchr::memmem::find(bytes, b"/./").is_none()
        && memchr::memmem::find(bytes, b"/../").is_none()
        && memchr::memmem::find(bytes, b"//").is_none();
    if path.is_absolute() && already_clean {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The components of a relative path, last first (a stack to pop).
fn components_reversed(path: &Path) -> Vec<OsString> {
    let mut names: Vec<OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    names.reverse();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("sub/a.env"), "A=1\n").expect("write");
        std::fs::write(dir.path().join("host.env"), "SECRET=1\n").expect("write");
        let host = dir.path().join("host.env");
        (dir, root, host)
    }

    #[test]
    fn files_inside_resolve_and_outside_are_refused() {
        let (_dir, root, host) = tree();
        let b = Boundary::new(std::slice::from_ref(&root), false);
        assert!(matches!(
            b.resolve(&root.join("sub/a.env")),
            Resolved::File(_)
        ));
        assert!(matches!(
            b.resolve(&root.join("sub/../sub/a.env")),
            Resolved::File(_)
        ));
        assert_eq!(b.resolve(&root.join("nothing.env")), Resolved::Missing);
        assert_eq!(b.resolve(&host), Resolved::Refused(Refusal::Outside));
        assert_eq!(
            b.resolve(&root.join("../host.env")),
            Resolved::Refused(Refusal::Outside)
        );
        assert_eq!(
            b.resolve(Path::new("/proc/self/environ")),
            Resolved::Refused(Refusal::HostPseudoFile)
        );
    }

    #[test]
    fn symlinks_are_followed_only_while_they_stay_inside() {
        let (_dir, root, host) = tree();
        symlink("sub/a.env", root.join("inside.env")).expect("symlink");
        symlink("../host.env", root.join("relative.env")).expect("symlink");
        symlink(&host, root.join("absolute.env")).expect("symlink");
        symlink("/proc/self/environ", root.join("proc.env")).expect("symlink");
        symlink("..", root.join("sub/up")).expect("symlink");
        symlink("../..", root.join("sub/out")).expect("symlink");
        symlink("loop", root.join("loop")).expect("symlink");
        let b = Boundary::new(std::slice::from_ref(&root), false);
        assert!(matches!(
            b.resolve(&root.join("inside.env")),
            Resolved::File(_)
        ));
        assert!(matches!(
            b.resolve(&root.join("sub/up/sub/a.env")),
            Resolved::File(_)
        ));
        for name in [
            "relative.env",
            "absolute.env",
            "proc.env",
            "sub/out/host.env",
        ] {
            assert_eq!(
                b.resolve(&root.join(name)),
                Resolved::Refused(Refusal::OutsideThroughSymlink),
                "{name}"
            );
        }
        assert_eq!(
            b.resolve(&root.join("loop")),
            Resolved::Refused(Refusal::SymlinkLoop)
        );
        // Lifting the boundary follows them, except into /proc.
        let open = Boundary::new(std::slice::from_ref(&root), true);
        assert!(matches!(
            open.resolve(&root.join("absolute.env")),
            Resolved::File(_)
        ));
        assert_eq!(
            open.resolve(&root.join("proc.env")),
            Resolved::Refused(Refusal::HostPseudoFile)
        );
    }

    #[test]
    fn git_directories_and_special_files_are_never_opened() {
        let (_dir, root, _) = tree();
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        std::fs::write(root.join(".git/config"), "[http]\n").expect("write");
        symlink(".git/config", root.join("gitconfig.env")).expect("symlink");
        let b = Boundary::new(std::slice::from_ref(&root), true);
        for name in [".git/config", "gitconfig.env"] {
            assert_eq!(
                b.resolve(&root.join(name)),
                Resolved::Refused(Refusal::GitDirectory),
                "{name}"
            );
        }
        let socket = std::os::unix::net::UnixListener::bind(root.join("s.sock")).expect("bind");
        assert_eq!(
            Boundary::new(std::slice::from_ref(&root), false).resolve(&root.join("s.sock")),
            Resolved::Refused(Refusal::NotRegular)
        );
        drop(socket);
    }

    #[test]
    fn only_a_real_git_info_exclude_is_read() {
        let (dir, root, _) = tree();
        let b = Boundary::new(std::slice::from_ref(&root), false);
        assert!(!b.is_work_tree_top(&root));
        std::fs::create_dir_all(root.join(".git/info")).expect("mkdir");
        std::fs::write(root.join(".git/info/exclude"), "*.local\n").expect("write");
        assert!(b.is_work_tree_top(&root));
        assert_eq!(
            b.git_info_exclude(&root, 1024).as_deref(),
            Some("*.local\n")
        );
        assert_eq!(b.git_info_exclude(&root, 3).as_deref(), Some("*.l"));
        // `info` leading elsewhere is not followed.
        std::fs::remove_dir_all(root.join(".git/info")).expect("rm");
        symlink(dir.path(), root.join(".git/info")).expect("symlink");
        std::fs::write(dir.path().join("exclude"), "x\n").expect("write");
        assert_eq!(b.git_info_exclude(&root, 1024), None);
        assert_eq!(b.git_info_exclude(&dir.path().join("nowhere"), 1024), None);
    }

    #[test]
    fn the_root_above_a_path_is_the_outermost_one_holding_it() {
        let (dir, root, host) = tree();
        let b = Boundary::new(&[root.join("sub"), root.clone()], false);
        assert_eq!(b.root_above(&root.join("sub/a.env")), Some(root.clone()));
        assert_eq!(b.root_above(&host), None);
        let (bytes, size) = b.read_capped(&root.join("sub/a.env"), 2).expect("read");
        assert_eq!((bytes.as_slice(), size), (&b"A="[..], 4));
        drop(dir);
    }

    #[test]
    fn the_default_root_is_the_work_tree_around_a_directory() {
        let (dir, root, _) = tree();
        assert_eq!(default_root(&root.join("sub")), root.join("sub"));
        std::fs::create_dir(root.join(".git")).expect("mkdir");
        assert_eq!(
            default_root(&root.join("sub")),
            root.canonicalize().expect("canonical")
        );
        drop(dir);
    }
}
