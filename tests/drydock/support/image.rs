//! Builds small container images in tests, byte-for-byte deterministic, in
//! the four layouts `drydock image --input PATH` reads:
//!
//! - [`Image::write_docker_legacy`]: `docker save` before Docker 25
//!   (`manifest.json` with `Config`/`RepoTags`/`Layers`, `<id>/layer.tar`,
//!   `<id>/json`, `<id>/VERSION`, `repositories`; a repeated layer is a
//!   symlink `<id>/layer.tar -> ../<first-id>/layer.tar`);
//! - [`Image::write_docker_oci`]: `docker save` from Docker 25 on (an OCI
//!   layout inside a tar plus the `manifest.json` compatibility file);
//! - [`Image::write_oci_dir`] / [`Image::write_oci_archive`]: an OCI image
//!   layout as a directory or as a tar of one;
//! - [`write_oci_dir_multiarch`]: an OCI layout whose `index.json` leads to
//!   an image index with one manifest per platform.
//!
//! Archives list their entries sorted by name, as `docker save` does: the
//! metadata (`index.json`, `manifest.json`, `oci-layout`, `repositories`)
//! comes after the blobs. Every tar entry has mtime [`MTIME`], uid/gid as
//! given and no user or group names; gzip headers carry no time. The formats
//! are described in `../shared/peers/oci-image-spec/` and
//! `../shared/reference/image-peers.md` §7.
//!
//! Layers are built with [`Layer`]; bad input with [`Corruption`], the
//! unchecked-entry methods of [`Layer`] and the [`hostile`] module.
//!
//! ```ignore
//! let base = Layer::new()
//!     .dir("bin", 0o755, 0, 0)
//!     .file("bin/nc.traditional", 0o755, 0, 0, fixtures::netcat_traditional())
//!     .symlink("bin/nc", "/etc/alternatives/nc")
//!     .created_by("RUN apt-get install -y netcat-traditional");
//! Image::new()
//!     .user("root")
//!     .layer(base)
//!     .empty_layer("CMD [\"sh\"]")
//!     .compression(Compression::Gzip)
//!     .write_oci_dir(&dir);
//! ```

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use tar::{EntryType, Header};

/// The mtime of every tar entry (2024-01-01T00:00:00Z).
pub const MTIME: u64 = 1_704_067_200;
/// The `created` time in configs and history.
pub const CREATED: &str = "2024-01-01T00:00:00Z";
/// The tag images get unless [`Image::tag`] says otherwise.
pub const DEFAULT_TAG: &str = "drydock-fixture:latest";

/// Media types used in manifests and indexes.
pub mod media {
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    pub const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
    pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    pub const DOCKER_LAYER_TAR: &str = "application/vnd.docker.image.rootfs.diff.tar";
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    pub const DOCKER_LAYER_ZSTD: &str = "application/vnd.docker.image.rootfs.diff.tar.zstd";
}

/// Lower-case hex of `bytes` (Digest 0.11 output has no `LowerHex`).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Hex SHA-256 of `data`, without the `sha256:` prefix.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// `sha256:<hex>` of `data`, as in descriptors and `diff_ids`.
pub fn digest(data: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(data))
}

/// How a layer blob is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// A plain tar.
    None,
    /// One gzip member.
    Gzip,
    /// The tar split in two halves, each its own gzip member, concatenated
    /// (what `pigz`-style and appending writers produce; RFC 1952 allows it).
    GzipMultiMember,
    /// One zstd frame.
    Zstd,
    /// The tar split in two halves, each its own zstd frame, concatenated.
    ZstdMultiFrame,
}

impl Compression {
    pub const ALL: [Compression; 5] = [
        Compression::None,
        Compression::Gzip,
        Compression::GzipMultiMember,
        Compression::Zstd,
        Compression::ZstdMultiFrame,
    ];

    /// The layer media type, OCI or Docker schema 2 flavour.
    pub fn media_type(self, docker: bool) -> &'static str {
        match (self, docker) {
            (Compression::None, false) => media::OCI_LAYER_TAR,
            (Compression::Gzip | Compression::GzipMultiMember, false) => media::OCI_LAYER_GZIP,
            (Compression::Zstd | Compression::ZstdMultiFrame, false) => media::OCI_LAYER_ZSTD,
            (Compression::None, true) => media::DOCKER_LAYER_TAR,
            (Compression::Gzip | Compression::GzipMultiMember, true) => media::DOCKER_LAYER_GZIP,
            (Compression::Zstd | Compression::ZstdMultiFrame, true) => media::DOCKER_LAYER_ZSTD,
        }
    }

    /// Compresses `tar` (deterministically).
    pub fn apply(self, tar: &[u8]) -> Vec<u8> {
        let (a, b) = tar.split_at(tar.len() / 2);
        match self {
            Compression::None => tar.to_vec(),
            Compression::Gzip => gzip(tar),
            Compression::GzipMultiMember => [gzip(a), gzip(b)].concat(),
            Compression::Zstd => zstd_frame(tar),
            Compression::ZstdMultiFrame => [zstd_frame(a), zstd_frame(b)].concat(),
        }
    }
}

/// One gzip member with no name and mtime 0.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip into memory");
    enc.finish().expect("gzip into memory")
}

fn zstd_frame(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).expect("zstd into memory")
}

/// Gzips the file `src` into `dst` (for `docker save | gzip` style inputs).
pub fn gzip_file(src: &Path, dst: &Path) {
    let data = fs::read(src).unwrap_or_else(|e| panic!("read {}: {e}", src.display()));
    fs::write(dst, gzip(&data)).unwrap_or_else(|e| panic!("write {}: {e}", dst.display()));
}

#[derive(Clone, Debug)]
enum Entry {
    Dir {
        path: String,
        mode: u32,
        uid: u64,
        gid: u64,
    },
    File {
        path: String,
        mode: u32,
        uid: u64,
        gid: u64,
        data: Vec<u8>,
    },
    Link {
        kind: EntryType,
        path: String,
        target: String,
        mode: u32,
        uid: u64,
        gid: u64,
    },
    Pax(Vec<(String, Vec<u8>)>),
    /// A header written by hand: the name and link name are not checked.
    Unchecked {
        name: Vec<u8>,
        kind: EntryType,
        mode: u32,
        link: Vec<u8>,
        data: Vec<u8>,
    },
    /// A file header claiming `claimed` bytes, with no data after it.
    HugeSize {
        path: String,
        claimed: u64,
    },
    Bytes(Vec<u8>),
}

/// A precompressed layer blob (the gzip bomb), used as is.
#[derive(Clone, Debug)]
struct Prebuilt {
    blob: Vec<u8>,
    diff_id: String,
    compression: Compression,
}

/// One filesystem changeset. Entries are written in the order they are
/// added; nothing is sorted or de-duplicated, so a test can put a whiteout
/// after the file it hides or the same path twice.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    entries: Vec<Entry>,
    created_by: Option<String>,
    comment: Option<String>,
    compression: Option<Compression>,
    raw_tar: Option<Vec<u8>>,
    prebuilt: Option<Prebuilt>,
}

impl Layer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A directory entry; the name is written with a trailing `/`.
    pub fn dir(mut self, path: &str, mode: u32, uid: u64, gid: u64) -> Self {
        let path = format!("{}/", path.trim_end_matches('/'));
        self.entries.push(Entry::Dir {
            path,
            mode,
            uid,
            gid,
        });
        self
    }

    /// A regular file. `mode` may carry setuid/setgid/sticky bits (`0o4755`).
    pub fn file(
        mut self,
        path: &str,
        mode: u32,
        uid: u64,
        gid: u64,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        self.entries.push(Entry::File {
            path: path.to_string(),
            mode,
            uid,
            gid,
            data: data.into(),
        });
        self
    }

    /// Root-owned 0644 files, e.g. from [`super::fixtures::Dpkg::files`].
    pub fn files<P: AsRef<str>, D: Into<Vec<u8>>>(
        mut self,
        files: impl IntoIterator<Item = (P, D)>,
    ) -> Self {
        for (path, data) in files {
            self = self.file(path.as_ref(), 0o644, 0, 0, data);
        }
        self
    }

    /// A symlink `path -> target` (mode 0777, root).
    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        self.entries.push(Entry::Link {
            kind: EntryType::Symlink,
            path: path.to_string(),
            target: target.to_string(),
            mode: 0o777,
            uid: 0,
            gid: 0,
        });
        self
    }

    /// A hard link: `target` is an archive path (of this or a lower layer),
    /// as tar stores it, e.g. `bin/busybox`.
    /// A hard link to an earlier file of this layer. Like `docker save`,
    /// the link's header carries the file's mode and owner.
    pub fn hardlink(mut self, path: &str, target: &str) -> Self {
        let (mode, uid, gid) = self
            .entries
            .iter()
            .find_map(|e| match e {
                Entry::File {
                    path: p,
                    mode,
                    uid,
                    gid,
                    ..
                } if p == target => Some((*mode, *uid, *gid)),
                _ => None,
            })
            .unwrap_or((0o644, 0, 0));
        self.entries.push(Entry::Link {
            kind: EntryType::Link,
            path: path.to_string(),
            target: target.to_string(),
            mode,
            uid,
            gid,
        });
        self
    }

    /// Deletes `path` from lower layers: writes `dir/.wh.name`.
    pub fn whiteout(self, path: &str) -> Self {
        let path = path.trim_end_matches('/');
        let name = match path.rsplit_once('/') {
            Some((dir, base)) => format!("{dir}/.wh.{base}"),
            None => format!(".wh.{path}"),
        };
        self.file(&name, 0o644, 0, 0, Vec::new())
    }

    /// Hides everything lower layers have under `dir`: writes
    /// `dir/.wh..wh..opq`.
    pub fn opaque(self, dir: &str) -> Self {
        let name = format!("{}/.wh..wh..opq", dir.trim_end_matches('/'));
        self.file(&name, 0o644, 0, 0, Vec::new())
    }

    /// A PAX extended header for the next entry, e.g.
    /// `("SCHILY.xattr.security.capability", bytes)` for file capabilities.
    pub fn pax(mut self, records: &[(&str, &[u8])]) -> Self {
        let records = records
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.to_vec()))
            .collect();
        self.entries.push(Entry::Pax(records));
        self
    }

    /// The history line of this layer (`created_by`).
    pub fn created_by(mut self, line: &str) -> Self {
        self.created_by = Some(line.to_string());
        self
    }

    /// The history comment of this layer.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_string());
        self
    }

    /// Overrides the image's compression for this layer.
    pub fn compression(mut self, c: Compression) -> Self {
        self.compression = Some(c);
        self
    }

    // ---- bad input -------------------------------------------------------

    /// A regular file whose name is written into the header verbatim, not
    /// checked: `../../etc/passwd`, `/etc/shadow`, `./etc/passwd`. At most
    /// 100 bytes.
    pub fn unchecked_file(mut self, name: &[u8], mode: u32, data: impl Into<Vec<u8>>) -> Self {
        self.entries.push(Entry::Unchecked {
            name: name.to_vec(),
            kind: EntryType::Regular,
            mode,
            link: Vec::new(),
            data: data.into(),
        });
        self
    }

    /// A link entry (`EntryType::Symlink` or `Link`) whose name and target
    /// are written verbatim (e.g. a hardlink to `../../etc/shadow`).
    pub fn unchecked_link(mut self, kind: EntryType, name: &[u8], target: &[u8]) -> Self {
        self.entries.push(Entry::Unchecked {
            name: name.to_vec(),
            kind,
            mode: 0o777,
            link: target.to_vec(),
            data: Vec::new(),
        });
        self
    }

    /// A file header that claims `claimed` bytes of data (e.g. 8 TiB) but is
    /// followed only by the end-of-archive blocks: a reader must fail cleanly
    /// instead of allocating or waiting for the data.
    pub fn huge_size_header(mut self, path: &str, claimed: u64) -> Self {
        self.entries.push(Entry::HugeSize {
            path: path.to_string(),
            claimed,
        });
        self
    }

    /// Bytes appended to the tar stream verbatim at this point.
    pub fn raw_bytes(mut self, bytes: &[u8]) -> Self {
        self.entries.push(Entry::Bytes(bytes.to_vec()));
        self
    }

    /// A layer whose uncompressed content is exactly `bytes` (no end blocks
    /// are added): for truncated tars, garbage, or tars made elsewhere.
    pub fn from_tar_bytes(bytes: Vec<u8>) -> Self {
        Self {
            raw_tar: Some(bytes),
            ..Self::default()
        }
    }

    /// A gzip layer whose tar holds one file `bomb` of `size` zero bytes.
    /// Only the compressed blob (about `size / 1000` bytes) is ever in
    /// memory. Its `diff_id` is a stand-in (`sha256:` + 64 zeros … `b0mb`),
    /// not the digest of the uncompressed stream: a reader must give up on
    /// the size before it could check the digest.
    pub fn gzip_bomb(size: u64) -> Self {
        Self {
            prebuilt: Some(Prebuilt {
                blob: gzip_zero_bomb(size),
                diff_id: format!("sha256:{:0>64}", "b0mb"),
                compression: Compression::Gzip,
            }),
            created_by: Some("COPY bomb /".to_string()),
            ..Self::default()
        }
    }

    /// The uncompressed tar stream of this layer (for a gzip bomb: panics).
    pub fn tar_bytes(&self) -> Vec<u8> {
        assert!(self.prebuilt.is_none(), "a prebuilt layer has no tar bytes");
        if let Some(raw) = &self.raw_tar {
            return raw.clone();
        }
        let mut b = tar::Builder::new(Vec::new());
        for e in &self.entries {
            append_entry(&mut b, e).expect("tar into memory");
        }
        b.into_inner().expect("tar into memory")
    }
}

fn header(kind: EntryType, mode: u32, uid: u64, gid: u64, size: u64) -> Header {
    let mut h = Header::new_ustar();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_uid(uid);
    h.set_gid(gid);
    h.set_mtime(MTIME);
    h.set_size(size);
    h
}

fn append_entry(b: &mut tar::Builder<Vec<u8>>, e: &Entry) -> std::io::Result<()> {
    match e {
        Entry::Dir {
            path,
            mode,
            uid,
            gid,
        } => {
            let mut h = header(EntryType::Directory, *mode, *uid, *gid, 0);
            b.append_data(&mut h, path, std::io::empty())
        }
        Entry::File {
            path,
            mode,
            uid,
            gid,
            data,
        } => {
            let mut h = header(EntryType::Regular, *mode, *uid, *gid, data.len() as u64);
            b.append_data(&mut h, path, data.as_slice())
        }
        Entry::Link {
            kind,
            path,
            target,
            mode,
            uid,
            gid,
        } => {
            let mut h = header(*kind, *mode, *uid, *gid, 0);
            b.append_link(&mut h, path, target)
        }
        Entry::Pax(records) => {
            b.append_pax_extensions(records.iter().map(|(k, v)| (k.as_str(), v.as_slice())))
        }
        Entry::Unchecked {
            name,
            kind,
            mode,
            link,
            data,
        } => {
            let mut h = header(*kind, *mode, 0, 0, data.len() as u64);
            let old = h.as_old_mut();
            assert!(
                name.len() <= old.name.len(),
                "unchecked names are <= 100 bytes"
            );
            assert!(
                link.len() <= old.linkname.len(),
                "unchecked links are <= 100 bytes"
            );
            old.name[..name.len()].copy_from_slice(name);
            old.linkname[..link.len()].copy_from_slice(link);
            h.set_cksum();
            b.append(&h, data.as_slice())
        }
        Entry::HugeSize { path, claimed } => {
            let mut h = header(EntryType::Regular, 0o644, 0, 0, *claimed);
            let old = h.as_old_mut();
            old.name[..path.len()].copy_from_slice(path.as_bytes());
            h.set_cksum();
            b.get_mut().write_all(h.as_bytes())
        }
        Entry::Bytes(bytes) => b.get_mut().write_all(bytes),
    }
}

/// Raw deflate of `input` with `flush`, continuing the stream in `c`.
fn deflate(c: &mut flate2::Compress, input: &[u8], flush: flate2::FlushCompress) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 8 + 4096);
    let start = c.total_in();
    loop {
        let done = usize::try_from(c.total_in() - start).expect("fits");
        if out.len() == out.capacity() {
            out.reserve(out.capacity());
        }
        let status = c
            .compress_vec(&input[done..], &mut out, flush)
            .expect("deflate into memory");
        let done = usize::try_from(c.total_in() - start).expect("fits");
        // Room left in `out` means the flush is complete.
        if status == flate2::Status::StreamEnd
            || (done == input.len() && out.len() < out.capacity())
        {
            return out;
        }
    }
}

/// A gzip stream of a tar with one file of `size` zero bytes, built without
/// compressing `size` bytes: a full flush resets the deflate state, so the
/// compressed form of each 1 MiB zero chunk is the same bytes every time.
fn gzip_zero_bomb(size: u64) -> Vec<u8> {
    use flate2::{Compress, FlushCompress};
    const CHUNK: u64 = 1 << 20;
    let mut head = header(EntryType::Regular, 0o644, 0, 0, size);
    head.set_path("bomb").expect("static name");
    head.set_cksum();
    // The file data, its padding and the end-of-archive blocks are all zeros.
    let padding = (512 - size % 512) % 512;
    let zeros_total = size + padding + 1024;

    let mut c = Compress::new(flate2::Compression::best(), false);
    let zero_chunk = vec![0u8; CHUNK as usize];
    let mut body = deflate(&mut c, head.as_bytes(), FlushCompress::Full);
    let first = deflate(&mut c, &zero_chunk, FlushCompress::Full);
    let repeated = deflate(&mut c, &zero_chunk, FlushCompress::Full);
    let chunks = zeros_total / CHUNK;
    let rest = usize::try_from(zeros_total % CHUNK).expect("fits");
    if chunks > 0 {
        body.extend_from_slice(&first);
        for _ in 1..chunks {
            body.extend_from_slice(&repeated);
        }
    }
    body.extend_from_slice(&deflate(&mut c, &zero_chunk[..rest], FlushCompress::Finish));

    let mut crc = flate2::Crc::new();
    crc.update(head.as_bytes());
    let mut chunk_crc = flate2::Crc::new();
    chunk_crc.update(&zero_chunk);
    for _ in 0..chunks {
        crc.combine(&chunk_crc);
    }
    let mut rest_crc = flate2::Crc::new();
    rest_crc.update(&zero_chunk[..rest]);
    crc.combine(&rest_crc);

    let total = 512 + zeros_total;
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gz.extend_from_slice(&body);
    gz.extend_from_slice(&crc.sum().to_le_bytes());
    gz.extend_from_slice(&((total & 0xffff_ffff) as u32).to_le_bytes());
    gz
}

/// A deliberate defect, applied when the image is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// Layer blob `i` cut to half its length (manifest digest/size unchanged).
    TruncateLayer(usize),
    /// The last byte of layer blob `i` inverted: for an uncompressed layer
    /// the tar still reads (the byte is end-of-archive padding), so only the
    /// digest check catches it; for gzip the trailer check fails too.
    FlipByteInLayer(usize),
    /// Layer blob `i` left out (in legacy archives: `<id>/layer.tar`).
    MissingLayerBlob(usize),
    /// The config blob left out.
    MissingConfigBlob,
    /// The manifest blob left out (OCI layouts only).
    MissingManifestBlob,
    /// `rootfs.diff_ids[i]` in the config is wrong (the config's own digest
    /// is consistent).
    WrongDiffId(usize),
    /// The manifest declares layer `i` one byte larger than it is.
    WrongLayerSize(usize),
}

#[derive(Clone, Debug)]
enum Step {
    Layer(Box<Layer>),
    Empty { created_by: String },
}

/// An image: config fields, layers, history, compression, tag.
#[derive(Clone, Debug)]
pub struct Image {
    os: String,
    arch: String,
    variant: Option<String>,
    container_config: Map<String, Value>,
    top_level: Map<String, Value>,
    steps: Vec<Step>,
    compression: Compression,
    tag: String,
    history: bool,
    docker_media_types: bool,
    corruptions: Vec<Corruption>,
}

impl Default for Image {
    fn default() -> Self {
        Self {
            os: "linux".to_string(),
            arch: "amd64".to_string(),
            variant: None,
            container_config: Map::new(),
            top_level: Map::new(),
            steps: Vec::new(),
            compression: Compression::None,
            tag: DEFAULT_TAG.to_string(),
            history: true,
            docker_media_types: false,
            corruptions: Vec::new(),
        }
    }
}

/// A layer as written: blob, digests, media type.
#[derive(Clone, Debug)]
pub struct BuiltLayer {
    /// The blob as stored (after any [`Corruption`]).
    pub blob: Vec<u8>,
    /// The digest the manifest declares.
    pub digest: String,
    /// The size the manifest declares.
    pub size: u64,
    /// The diff_id the config declares.
    pub diff_id: String,
    pub media_type: &'static str,
    pub compression: Compression,
}

/// An image serialised to blobs: what every writer stores.
#[derive(Clone, Debug)]
pub struct BuiltImage {
    pub config: Vec<u8>,
    pub config_digest: String,
    pub layers: Vec<BuiltLayer>,
    pub manifest: Vec<u8>,
    pub manifest_digest: String,
    pub manifest_media_type: &'static str,
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
    pub tag: String,
    corruptions: Vec<Corruption>,
}

impl BuiltImage {
    /// Blobs by digest (the manifest's among them), leaving out those a
    /// [`Corruption`] removes.
    pub fn blobs(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let missing = |c: Corruption| self.corruptions.contains(&c);
        for (i, l) in self.layers.iter().enumerate() {
            if !missing(Corruption::MissingLayerBlob(i)) {
                out.insert(l.digest.clone(), l.blob.clone());
            }
        }
        if !missing(Corruption::MissingConfigBlob) {
            out.insert(self.config_digest.clone(), self.config.clone());
        }
        if !missing(Corruption::MissingManifestBlob) {
            out.insert(self.manifest_digest.clone(), self.manifest.clone());
        }
        out
    }

    /// The `index.json` descriptor of this manifest.
    fn descriptor(&self, platform: bool) -> Value {
        let mut d = json!({
            "mediaType": self.manifest_media_type,
            "digest": self.manifest_digest,
            "size": self.manifest.len(),
        });
        if platform {
            let mut p = json!({"architecture": self.arch, "os": self.os});
            if let Some(v) = &self.variant {
                p["variant"] = json!(v);
            }
            d["platform"] = p;
        }
        d
    }

    fn repo_and_tag(&self) -> (&str, &str) {
        match self.tag.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, tag),
            _ => (self.tag.as_str(), "latest"),
        }
    }
}

impl Image {
    pub fn new() -> Self {
        Self::default()
    }

    /// `os`/`architecture` of the config; `arch` may carry a variant:
    /// `"arm/v7"`, `"arm64/v8"`.
    pub fn platform(mut self, os: &str, arch: &str) -> Self {
        self.os = os.to_string();
        match arch.split_once('/') {
            Some((a, v)) => {
                self.arch = a.to_string();
                self.variant = Some(v.to_string());
            }
            None => {
                self.arch = arch.to_string();
                self.variant = None;
            }
        }
        self
    }

    /// `config.User`.
    pub fn user(self, user: &str) -> Self {
        self.config_field("User", json!(user))
    }

    /// `config.Env` (`K=V` strings).
    pub fn env<S: AsRef<str>>(self, vars: impl IntoIterator<Item = S>) -> Self {
        let vars: Vec<String> = vars.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.config_field("Env", json!(vars))
    }

    /// `config.Cmd`.
    pub fn cmd(self, argv: &[&str]) -> Self {
        self.config_field("Cmd", json!(argv))
    }

    /// `config.Entrypoint`.
    pub fn entrypoint(self, argv: &[&str]) -> Self {
        self.config_field("Entrypoint", json!(argv))
    }

    /// `config.Healthcheck.Test`, e.g. `&["CMD-SHELL", "curl -f localhost"]`
    /// or `&["NONE"]` (Docker's extension to the OCI config).
    pub fn healthcheck(self, test: &[&str]) -> Self {
        self.config_field("Healthcheck", json!({ "Test": test }))
    }

    /// `config.ExposedPorts["<port>"]`, e.g. `"22/tcp"`.
    pub fn expose(mut self, port: &str) -> Self {
        let ports = self
            .container_config
            .entry("ExposedPorts")
            .or_insert_with(|| json!({}));
        ports[port] = json!({});
        self
    }

    /// `config.Labels[key] = value`.
    pub fn label(mut self, key: &str, value: &str) -> Self {
        let labels = self
            .container_config
            .entry("Labels")
            .or_insert_with(|| json!({}));
        labels[key] = json!(value);
        self
    }

    /// Any field of the config's `config` object (`WorkingDir`, `Volumes`,
    /// `StopSignal`, …).
    pub fn config_field(mut self, key: &str, value: Value) -> Self {
        self.container_config.insert(key.to_string(), value);
        self
    }

    /// Any top-level config field (`author`, …); replaces a generated one.
    pub fn top_level_field(mut self, key: &str, value: Value) -> Self {
        self.top_level.insert(key.to_string(), value);
        self
    }

    /// Appends a layer (and its history entry).
    pub fn layer(mut self, layer: Layer) -> Self {
        self.steps.push(Step::Layer(Box::new(layer)));
        self
    }

    /// Appends a history entry with `"empty_layer": true` (ENV, CMD, …).
    pub fn empty_layer(mut self, created_by: &str) -> Self {
        self.steps.push(Step::Empty {
            created_by: created_by.to_string(),
        });
        self
    }

    /// Compression of the layers that do not set their own (default: none).
    /// Legacy archives honour it too (`<id>/layer.tar` then holds gzip or
    /// zstd, as some tools write).
    pub fn compression(mut self, c: Compression) -> Self {
        self.compression = c;
        self
    }

    /// `name:tag` for `RepoTags`, `repositories` and the ref-name annotation.
    pub fn tag(mut self, tag: &str) -> Self {
        self.tag = tag.to_string();
        self
    }

    /// Leaves `history` out of the config (some builders do).
    pub fn no_history(mut self) -> Self {
        self.history = false;
        self
    }

    /// Docker schema 2 media types instead of OCI ones in manifests.
    pub fn docker_media_types(mut self) -> Self {
        self.docker_media_types = true;
        self
    }

    /// Applies `c` when writing.
    pub fn corrupt(mut self, c: Corruption) -> Self {
        self.corruptions.push(c);
        self
    }

    /// Serialises layers, config and manifest.
    pub fn build(&self) -> BuiltImage {
        let docker = self.docker_media_types;
        let mut layers = Vec::new();
        let mut history = Vec::new();
        for step in &self.steps {
            match step {
                Step::Empty { created_by } => history.push(json!({
                    "created": CREATED,
                    "created_by": created_by,
                    "empty_layer": true,
                })),
                Step::Layer(l) => {
                    let (blob, diff_id, compression) = match &l.prebuilt {
                        Some(p) => (p.blob.clone(), p.diff_id.clone(), p.compression),
                        None => {
                            let tar = l.tar_bytes();
                            let c = l.compression.unwrap_or(self.compression);
                            (c.apply(&tar), digest(&tar), c)
                        }
                    };
                    layers.push(BuiltLayer {
                        digest: digest(&blob),
                        size: blob.len() as u64,
                        blob,
                        diff_id,
                        media_type: compression.media_type(docker),
                        compression,
                    });
                    let mut h = json!({ "created": CREATED });
                    if let Some(c) = &l.created_by {
                        h["created_by"] = json!(c);
                    }
                    if let Some(c) = &l.comment {
                        h["comment"] = json!(c);
                    }
                    history.push(h);
                }
            }
        }
        for c in &self.corruptions {
            match *c {
                Corruption::TruncateLayer(i) => {
                    let b = &mut layers[i].blob;
                    b.truncate(b.len() / 2);
                }
                Corruption::FlipByteInLayer(i) => {
                    if let Some(last) = layers[i].blob.last_mut() {
                        *last ^= 0xff;
                    }
                }
                Corruption::WrongDiffId(i) => {
                    layers[i].diff_id = digest(layers[i].diff_id.as_bytes());
                }
                Corruption::WrongLayerSize(i) => layers[i].size += 1,
                Corruption::MissingLayerBlob(_)
                | Corruption::MissingConfigBlob
                | Corruption::MissingManifestBlob => {}
            }
        }

        let mut config = Map::new();
        config.insert("created".into(), json!(CREATED));
        config.insert("architecture".into(), json!(self.arch));
        if let Some(v) = &self.variant {
            config.insert("variant".into(), json!(v));
        }
        config.insert("os".into(), json!(self.os));
        config.insert(
            "config".into(),
            Value::Object(self.container_config.clone()),
        );
        let diff_ids: Vec<&str> = layers.iter().map(|l| l.diff_id.as_str()).collect();
        config.insert(
            "rootfs".into(),
            json!({"type": "layers", "diff_ids": diff_ids}),
        );
        if self.history {
            config.insert("history".into(), Value::Array(history));
        }
        for (k, v) in &self.top_level {
            config.insert(k.clone(), v.clone());
        }
        let config = serde_json::to_vec(&Value::Object(config)).expect("json");
        let config_digest = digest(&config);

        let (manifest_type, config_type) = if docker {
            (media::DOCKER_MANIFEST, media::DOCKER_CONFIG)
        } else {
            (media::OCI_MANIFEST, media::OCI_CONFIG)
        };
        let layer_descs: Vec<Value> = layers
            .iter()
            .map(|l| json!({"mediaType": l.media_type, "digest": l.digest, "size": l.size}))
            .collect();
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": manifest_type,
            "config": {"mediaType": config_type, "digest": config_digest, "size": config.len()},
            "layers": layer_descs,
        }))
        .expect("json");
        BuiltImage {
            manifest_digest: digest(&manifest),
            manifest,
            manifest_media_type: manifest_type,
            config_digest,
            config,
            layers,
            os: self.os.clone(),
            arch: self.arch.clone(),
            variant: self.variant.clone(),
            tag: self.tag.clone(),
            corruptions: self.corruptions.clone(),
        }
    }

    /// Legacy `docker save` (before Docker 25) as a tar at `path`.
    /// Returns what was built, for digests to compare with.
    pub fn write_docker_legacy(&self, path: &Path) -> BuiltImage {
        Image::write_docker_legacy_many(std::slice::from_ref(self), path).remove(0)
    }

    /// `docker save A B…` before Docker 25: one tar holding several
    /// images, a layer directory they share written once.
    pub fn write_docker_legacy_many(images: &[Image], path: &Path) -> Vec<BuiltImage> {
        let mut files: Vec<(String, Item)> = Vec::new();
        let mut entries = Vec::new();
        let mut repositories = serde_json::Map::new();
        let mut built_all = Vec::new();
        // Layer blobs by digest, where the archive first holds them: a
        // layer written again under another id is a symlink to it, as
        // Docker writes one.
        let mut written: BTreeMap<String, String> = BTreeMap::new();
        for image in images {
            let (built, image_files, entry, top) = image.legacy_parts(&mut written);
            for (name, item) in image_files {
                if !files.iter().any(|(n, _)| *n == name) {
                    files.push((name, item));
                }
            }
            entries.push(entry);
            if let Some(top) = top {
                let (repo, tag) = built.repo_and_tag();
                let tags = repositories
                    .entry(repo.to_string())
                    .or_insert_with(|| json!({}));
                tags[tag] = json!(top);
            }
            built_all.push(built);
        }
        files.push((
            "manifest.json".into(),
            Item::File(serde_json::to_vec(&Value::Array(entries)).expect("json")),
        ));
        if !repositories.is_empty() {
            files.push((
                "repositories".into(),
                Item::File(serde_json::to_vec(&Value::Object(repositories)).expect("json")),
            ));
        }
        write_tar(path, files);
        built_all
    }

    /// One image of a legacy `docker save`: what was built, its files,
    /// its `manifest.json` entry and its top layer's id.
    fn legacy_parts(
        &self,
        written: &mut BTreeMap<String, String>,
    ) -> (BuiltImage, Vec<(String, Item)>, Value, Option<String>) {
        let built = self.build();
        let mut files: Vec<(String, Item)> = Vec::new();
        let config_name = format!("{}.json", hex_of(&built.config_digest));
        if !built.corruptions.contains(&Corruption::MissingConfigBlob) {
            files.push((config_name.clone(), Item::File(built.config.clone())));
        }
        let mut parent = String::new();
        let mut layer_paths = Vec::new();
        let n = built.layers.len();
        for (i, l) in built.layers.iter().enumerate() {
            let id = sha256_hex(format!("{parent}\n{}\n{}", l.diff_id, l.digest).as_bytes());
            let mut v1 = json!({
                "id": id,
                "created": CREATED,
                "container_config": {"Cmd": null},
            });
            if !parent.is_empty() {
                v1["parent"] = json!(parent);
            }
            if i + 1 == n {
                v1["architecture"] = json!(built.arch);
                v1["os"] = json!(built.os);
                v1["config"] = json!(self.container_config);
            }
            files.push((format!("{id}/"), Item::Dir));
            files.push((format!("{id}/VERSION"), Item::File(b"1.0".to_vec())));
            files.push((
                format!("{id}/json"),
                Item::File(serde_json::to_vec(&v1).expect("json")),
            ));
            let layer_tar = format!("{id}/layer.tar");
            if !built.corruptions.contains(&Corruption::MissingLayerBlob(i)) {
                match written
                    .get(l.digest.as_str())
                    .filter(|first| **first != layer_tar)
                {
                    Some(first) => {
                        files.push((layer_tar.clone(), Item::Symlink(format!("../{first}"))));
                    }
                    None => {
                        written.insert(l.digest.clone(), layer_tar.clone());
                        files.push((layer_tar.clone(), Item::File(l.blob.clone())));
                    }
                }
            }
            layer_paths.push(layer_tar);
            parent = id;
        }
        let entry = json!({
            "Config": config_name,
            "RepoTags": [built.tag],
            "Layers": layer_paths,
        });
        let top = (!parent.is_empty()).then_some(parent);
        (built, files, entry, top)
    }

    /// `docker save` from Docker 25 on: an OCI layout in a tar plus the
    /// legacy `manifest.json` whose paths point into `blobs/sha256/`.
    pub fn write_docker_oci(&self, path: &Path) -> BuiltImage {
        Image::write_docker_oci_many(std::slice::from_ref(self), path).remove(0)
    }

    /// `docker save A B…` from Docker 25 on: one layout, an index entry
    /// and a `manifest.json` entry per image, each blob once.
    pub fn write_docker_oci_many(images: &[Image], path: &Path) -> Vec<BuiltImage> {
        let mut descriptors = Vec::new();
        let mut compat = Vec::new();
        let mut blobs = BTreeMap::new();
        let mut built_all = Vec::new();
        for image in images {
            let built = image.build();
            let (repo, tag) = built.repo_and_tag();
            let full_name = if repo.contains('/') {
                format!("docker.io/{repo}:{tag}")
            } else {
                format!("docker.io/library/{repo}:{tag}")
            };
            let mut desc = built.descriptor(false);
            desc["annotations"] = json!({
                "io.containerd.image.name": full_name,
                "org.opencontainers.image.ref.name": tag,
            });
            descriptors.push(desc);
            compat.push(json!({
                "Config": format!("blobs/sha256/{}", hex_of(&built.config_digest)),
                "RepoTags": [built.tag],
                "Layers": built
                    .layers
                    .iter()
                    .map(|l| format!("blobs/sha256/{}", hex_of(&l.digest)))
                    .collect::<Vec<_>>(),
            }));
            blobs.extend(built.blobs());
            built_all.push(built);
        }
        let mut files = layout_files(&blobs, index_json(descriptors));
        files.push((
            "manifest.json".into(),
            Item::File(serde_json::to_vec(&Value::Array(compat)).expect("json")),
        ));
        write_tar(path, files);
        built_all
    }

    /// An OCI image layout directory at `dir` (created if missing).
    pub fn write_oci_dir(&self, dir: &Path) -> BuiltImage {
        let built = self.build();
        write_dir(dir, layout_files(&built.blobs(), self.oci_index(&built)));
        built
    }

    /// One OCI layout directory holding several images, each an entry of
    /// `index.json` named by its reference
    /// (`org.opencontainers.image.ref.name`), as `skopeo copy … oci:DIR:NAME`
    /// leaves it; blobs they share once.
    pub fn write_oci_dir_many(images: &[Image], dir: &Path) -> Vec<BuiltImage> {
        let mut blobs = BTreeMap::new();
        let mut descriptors = Vec::new();
        let mut built_all = Vec::new();
        for image in images {
            let built = image.build();
            let mut desc = built.descriptor(false);
            desc["annotations"] = json!({ "org.opencontainers.image.ref.name": built.tag });
            descriptors.push(desc);
            blobs.extend(built.blobs());
            built_all.push(built);
        }
        write_dir(dir, layout_files(&blobs, index_json(descriptors)));
        built_all
    }

    /// The same layout as [`Image::write_oci_dir`], as a tar at `path`.
    pub fn write_oci_archive(&self, path: &Path) -> BuiltImage {
        let built = self.build();
        write_tar(path, layout_files(&built.blobs(), self.oci_index(&built)));
        built
    }

    fn oci_index(&self, built: &BuiltImage) -> Value {
        let mut desc = built.descriptor(false);
        desc["annotations"] = json!({
            "org.opencontainers.image.ref.name": built.repo_and_tag().1,
        });
        index_json(vec![desc])
    }
}

fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").expect("sha256 digest")
}

fn index_json(manifests: Vec<Value>) -> Value {
    json!({
        "schemaVersion": 2,
        "mediaType": media::OCI_INDEX,
        "manifests": manifests,
    })
}

/// How [`write_oci_dir_multiarch`] arranges the platforms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexStyle {
    /// `index.json` has one descriptor, of an image index blob listing the
    /// platform manifests (`skopeo copy --all`, `docker buildx` OCI output).
    Nested,
    /// `index.json` lists the platform manifests itself.
    Flat,
}

/// An OCI layout at `dir` with one manifest per `(os, arch, image)`;
/// `arch` may carry a variant (`"arm64/v8"`). The image's own platform is
/// overridden. Blobs shared by several images are stored once.
pub fn write_oci_dir_multiarch(
    dir: &Path,
    platforms: &[(&str, &str, &Image)],
    style: IndexStyle,
) -> Vec<BuiltImage> {
    let mut blobs = BTreeMap::new();
    let mut descs = Vec::new();
    let mut built_all = Vec::new();
    let mut tag = None;
    for (os, arch, image) in platforms {
        let built = (*image).clone().platform(os, arch).build();
        blobs.extend(built.blobs());
        descs.push(built.descriptor(true));
        tag.get_or_insert_with(|| built.repo_and_tag().1.to_string());
        built_all.push(built);
    }
    let tag = tag.unwrap_or_else(|| "latest".to_string());
    let index = match style {
        IndexStyle::Flat => {
            for d in &mut descs {
                d["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
            }
            index_json(descs)
        }
        IndexStyle::Nested => {
            let inner = serde_json::to_vec(&index_json(descs)).expect("json");
            let desc = json!({
                "mediaType": media::OCI_INDEX,
                "digest": digest(&inner),
                "size": inner.len(),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            });
            blobs.insert(digest(&inner), inner);
            index_json(vec![desc])
        }
    };
    write_dir(dir, layout_files(&blobs, index));
    built_all
}

/// One member of an archive or directory written by the helpers.
enum Item {
    Dir,
    File(Vec<u8>),
    Symlink(String),
}

fn layout_files(blobs: &BTreeMap<String, Vec<u8>>, index: Value) -> Vec<(String, Item)> {
    let mut files = vec![
        ("blobs/".to_string(), Item::Dir),
        ("blobs/sha256/".to_string(), Item::Dir),
    ];
    for (d, b) in blobs {
        files.push((format!("blobs/sha256/{}", hex_of(d)), Item::File(b.clone())));
    }
    files.push((
        "index.json".into(),
        Item::File(serde_json::to_vec(&index).expect("json")),
    ));
    files.push((
        "oci-layout".into(),
        Item::File(br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
    ));
    files
}

/// Writes `files` as a tar, sorted by name like `docker save`.
fn write_tar(path: &Path, mut files: Vec<(String, Item)>) {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let out = fs::File::create(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    let mut b = tar::Builder::new(BufWriter::new(out));
    for (name, item) in &files {
        let r = match item {
            Item::Dir => {
                let mut h = header(EntryType::Directory, 0o755, 0, 0, 0);
                b.append_data(&mut h, name, std::io::empty())
            }
            Item::File(data) => {
                let mut h = header(EntryType::Regular, 0o644, 0, 0, data.len() as u64);
                b.append_data(&mut h, name, data.as_slice())
            }
            Item::Symlink(target) => {
                let mut h = header(EntryType::Symlink, 0o777, 0, 0, 0);
                b.append_link(&mut h, name, target)
            }
        };
        r.unwrap_or_else(|e| panic!("write {name} into {}: {e}", path.display()));
    }
    b.into_inner()
        .and_then(|mut w| w.flush())
        .unwrap_or_else(|e| panic!("finish {}: {e}", path.display()));
}

fn write_dir(dir: &Path, files: Vec<(String, Item)>) {
    for (name, item) in files {
        let p = dir.join(&name);
        let r = match item {
            Item::Dir => fs::create_dir_all(&p),
            Item::File(data) => {
                if let Some(parent) = p.parent() {
                    fs::create_dir_all(parent)
                        .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
                }
                fs::write(&p, data)
            }
            Item::Symlink(target) => std::os::unix::fs::symlink(target, &p),
        };
        r.unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    }
}

/// Layers and images for hostile-input tests. Blob-level defects (truncated
/// or altered blobs, missing blobs) are [`Corruption`]s.
pub mod hostile {
    use super::{Image, Layer};

    /// `etc/../../../tmp/evil` : a name climbing out of the root.
    pub fn dotdot_entry() -> Layer {
        Layer::new().unchecked_file(b"etc/../../../tmp/evil", 0o644, b"x".to_vec())
    }

    /// `/etc/evil`: an absolute name.
    pub fn absolute_entry() -> Layer {
        Layer::new().unchecked_file(b"/etc/evil", 0o644, b"x".to_vec())
    }

    /// A header claiming 8 TiB for `big`, then the end of the archive.
    pub fn huge_size() -> Layer {
        Layer::new()
            .file("before", 0o644, 0, 0, b"ok".to_vec())
            .huge_size_header("big", 8 << 40)
    }

    /// `loop/a -> b`, `loop/b -> a`, `loop/self -> self`, and
    /// `loop/dir -> ../loop` (a directory cycle), plus `bin/nc -> ../loop/a`.
    pub fn symlink_loop() -> Layer {
        Layer::new()
            .dir("loop", 0o755, 0, 0)
            .symlink("loop/a", "b")
            .symlink("loop/b", "a")
            .symlink("loop/self", "self")
            .symlink("loop/dir", "../loop")
            .dir("bin", 0o755, 0, 0)
            .symlink("bin/nc", "../loop/a")
    }

    /// `bin/nc` hard-linked to `bin/missing`, which no layer has.
    pub fn dangling_hardlink() -> Layer {
        Layer::new()
            .dir("bin", 0o755, 0, 0)
            .hardlink("bin/nc", "bin/missing")
    }

    /// `n` one-byte files `many/f<i>` in 100 directories.
    pub fn many_files(n: usize) -> Layer {
        let mut l = Layer::new().dir("many", 0o755, 0, 0);
        for d in 0..n.min(100) {
            l = l.dir(&format!("many/d{d}"), 0o755, 0, 0);
        }
        for i in 0..n {
            l = l.file(
                &format!("many/d{}/f{i}", i % 100),
                0o644,
                0,
                0,
                b"x".to_vec(),
            );
        }
        l
    }

    /// An image of `n` layers, each adding `layers/l<i>`.
    pub fn many_layers(n: usize) -> Image {
        let mut img = Image::new();
        for i in 0..n {
            img = img.layer(
                Layer::new()
                    .file(&format!("layers/l{i}"), 0o644, 0, 0, i.to_string())
                    .created_by(&format!("RUN echo {i} > /layers/l{i}")),
            );
        }
        img
    }

    /// An image whose only layer is a gzip bomb of `size` zero bytes.
    pub fn gzip_bomb_image(size: u64) -> Image {
        Image::new().layer(Layer::gzip_bomb(size))
    }
}
