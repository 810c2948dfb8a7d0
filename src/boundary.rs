//! The audit boundary: which files a configuration may make drydock open.
//!
//! drydock runs on repositories nobody on the machine has vetted (a pull
//! request in CI). A Compose file names other files (`env_file`,
//! `include`, `extends.file`, `.env`), and reading one of the host's
//! (`/proc/self/environ`, `~/.docker/config.json`, a committed symlink
//! `.env -> /etc/…`) would turn the audit into a way to print the runner's
//! secrets. So every such file is resolved here first, beneath the audit
//! roots (the scanned directories, the directories of the files named on
//! the command line, or `--root`), symlinks included, the way
//! `openat2(RESOLVE_BENEATH)` resolves: each component inside a root is
//! looked at with `lstat`, a symlink is followed by reading its text, and
//! the walk stops as soon as it would leave the root, without touching
//! anything outside (so not even the existence of a host file is learnt).
//!
//! Whatever the roots, some files are never opened: anything under
//! `/proc`, `/sys` or `/dev`, anything inside a `.git` directory (a CI
//! checkout keeps its token in `.git/config`), and whatever is not a
//! regular file (sockets, FIFOs, devices). `--allow-outside-root` lifts the
//! roots, not these.
//!
//! Only `std` is used here: the module sits below every scanner.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Symlinks followed in one resolution before it is called a loop (the
/// kernel's own limit).
const MAX_SYMLINKS: usize = 40;

/// Directories never read, whatever the roots.
const HOST_PSEUDO_FILESYSTEMS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Where configuration files may be read from.
#[derive(Clone, Debug)]
pub struct Boundary {
    roots: Vec<Root>,
    /// `--allow-outside-root`: any path, except the never-opened ones.
    allow_outside: bool,
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
            allow_outside,
        };
        for root in roots {
            boundary.add_root(root);
        }
        boundary
    }

    /// Adds a directory the user chose (a named file's directory).
    pub fn add_root(&mut self, dir: &Path) {
        let lexical = absolute(dir);
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
        let path = absolute(path);
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
            match root.walk(inside) {
                found @ (Resolved::File(_) | Resolved::Dir(_) | Resolved::Missing) => return found,
                refused => best = refused,
            }
        }
        best
    }

    /// Opens a regular file that [`Boundary::resolve`] allows; `Err` says
    /// why not (a missing file is `io::ErrorKind::NotFound`).
    pub fn open(&self, path: &Path) -> Result<File, OpenError> {
        match self.resolve(path) {
            Resolved::File(real) => open_regular(&real).map_err(OpenError::Io),
            Resolved::Dir(_) => Err(OpenError::Io(io::Error::other("is a directory"))),
            Resolved::Missing => Err(OpenError::Io(io::ErrorKind::NotFound.into())),
            Resolved::Refused(why) => Err(OpenError::Refused(why)),
        }
    }
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
        path.strip_prefix(&self.lexical)
            .or_else(|_| path.strip_prefix(&self.canonical))
            .ok()
    }

    /// Resolves `inside` beneath the root one component at a time.
    fn walk(&self, inside: &Path) -> Resolved {
        let mut pending: Vec<OsString> = components_reversed(inside);
        let mut at = self.canonical.clone();
        let mut symlinks = 0;
        while let Some(name) = pending.pop() {
            if name == ".." {
                if at == self.canonical {
                    return Resolved::Refused(Refusal::OutsideThroughSymlink);
                }
                at.pop();
                continue;
            }
            if name == "." {
                continue;
            }
            if name == ".git" {
                return Resolved::Refused(Refusal::GitDirectory);
            }
            let next = at.join(&name);
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
                } else {
                    pending.extend(components_reversed(&target));
                }
                continue;
            }
            if !pending.is_empty() && !meta.is_dir() {
                return Resolved::Missing;
            }
            at = next;
        }
        match never_opened(&at) {
            Some(why) => Resolved::Refused(why),
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
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// Why a path is one drydock never opens, if it is: under `/proc`,
/// `/sys` or `/dev`, or inside a `.git` directory.
fn never_opened(path: &Path) -> Option<Refusal> {
    if HOST_PSEUDO_FILESYSTEMS
        .iter()
        .any(|dir| path.starts_with(dir))
    {
        return Some(Refusal::HostPseudoFile);
    }
    path.components()
        .any(|c| c.as_os_str() == ".git")
        .then_some(Refusal::GitDirectory)
}

/// `path` made absolute against the working directory and cleaned of `.`
/// and `..` as written (the way Compose joins paths).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    clean(&joined)
}

/// Removes `.` and `dir/..` without touching the file system.
fn clean(path: &Path) -> PathBuf {
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
}
