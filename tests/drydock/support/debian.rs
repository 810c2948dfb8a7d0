//! The Debian-style image the image and engine tests share: a usr-merged
//! base with coreutils in its dpkg database, and the layer `apt-get install
//! netcat-traditional` makes on it (with its update-alternatives
//! symlinks), which is the seed alert's `/usr/bin/nc`.

#![allow(dead_code)] // each test binary uses a different part of this module

use super::fixtures::*;
use super::image::Layer;

pub const NC_HISTORY: &str =
    "RUN /bin/sh -c apt-get update && apt-get install -y netcat-traditional # buildkit";

pub fn coreutils() -> DpkgPackage {
    DpkgPackage::new("coreutils", "9.1-1", "amd64")
        .file("bin/true", &plain_elf("true"))
        .file("bin/cat", &plain_elf("cat"))
        .file("usr/share/doc/coreutils/copyright", b"GPL\n")
}

pub fn netcat_package() -> DpkgPackage {
    DpkgPackage::new("netcat-traditional", "1.10-47", "amd64")
        .file("bin/nc.traditional", &netcat_traditional())
        .list_only("usr/share/man/man1/nc.traditional.1.gz")
}

pub fn nc_alternative() -> Alternative {
    Alternative::new("nc", "/usr/bin/nc").choice("/bin/nc.traditional", 10, &[])
}

/// A usr-merged Debian-style base: `bin -> usr/bin`, coreutils with its
/// dpkg database, `/etc/passwd`.
pub fn debian_base() -> Layer {
    Layer::new()
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .symlink("bin", "usr/bin")
        .dir("etc", 0o755, 0, 0)
        .file("etc/passwd", 0o644, 0, 0, base_passwd())
        .file("etc/group", 0o644, 0, 0, base_group())
        .file("usr/bin/true", 0o755, 0, 0, plain_elf("true"))
        .file("usr/bin/cat", 0o755, 0, 0, plain_elf("cat"))
        .dir("usr/share/doc/coreutils", 0o755, 0, 0)
        .file(
            "usr/share/doc/coreutils/copyright",
            0o644,
            0,
            0,
            b"GPL\n".to_vec(),
        )
        .dir("var/lib/dpkg/info", 0o755, 0, 0)
        .files(Dpkg::new().package(coreutils()).files())
        .created_by("ADD rootfs.tar.xz / # buildkit")
}

/// The layer `apt-get install netcat-traditional` makes on [`debian_base`].
pub fn netcat_layer() -> Layer {
    let dpkg = Dpkg::new()
        .package(coreutils())
        .package(netcat_package())
        .alternative(nc_alternative());
    let mut layer = Layer::new()
        .file("usr/bin/nc.traditional", 0o755, 0, 0, netcat_traditional())
        .dir("etc/alternatives", 0o755, 0, 0);
    for (path, target) in nc_alternative().symlinks() {
        layer = layer.symlink(&path, &target);
    }
    layer.files(dpkg.files()).created_by(NC_HISTORY)
}
