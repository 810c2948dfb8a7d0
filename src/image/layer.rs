//! One pass over one layer blob: detect its compression by magic bytes,
//! decompress (multi-member gzip, multi-frame zstd), hash the blob and the
//! uncompressed tar as they stream (blob digest and diff id), and index
//! every tar entry: path, type, mode, owner, size, link target, MD5 and
//! SHA-1 of file contents (what dpkg and apk record), and content facts
//! (ELF, netcat and BusyBox signatures). The small package-database files
//! are kept; no other file content is retained, and nothing is written to
//! disk.
//!
//! Tar headers are data, not instructions: names with `..` are skipped
//! with a warning, absolute names are made relative, and sizes are only
//! believed as far as the stream backs them.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use md5::Md5;
use sha2::{Digest, Sha256};

use super::content::{self, Facts, Seen};

/// Bounds on what one layer may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest uncompressed layer.
    pub max_layer_bytes: u64,
    /// Past `bomb_floor` uncompressed bytes, the largest ratio of
    /// uncompressed to compressed bytes (a decompression bomb).
    pub max_ratio: u64,
    pub bomb_floor: u64,
    /// Most entries in one layer.
    pub max_entries: usize,
    /// Largest package-database file kept in memory, and all of them.
    pub max_db_file: u64,
    pub max_db_total: u64,
    /// ELF files up to this size are held whole while they stream, so
    /// BusyBox's tables can be read.
    pub max_whole_elf: u64,
    /// Take SHA-1 and SHA-256 of every file too (for a stream, which cannot
    /// be read a second time for the apk-owned files).
    pub all_digests: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_bytes: 64 << 30,
            max_ratio: 256,
            bomb_floor: 512 << 20,
            max_entries: 4_000_000,
            max_db_file: 64 << 20,
            max_db_total: 512 << 20,
            max_whole_elf: 4 << 20,
            all_digests: false,
        }
    }
}

/// How a blob was compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn sniff(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// What a tar entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink(String),
    /// A hard link to another path of the image (normalised).
    Hardlink(String),
    /// Devices, FIFOs and other special files.
    Special,
}

/// The contents of a regular file, summarised. MD5 (what dpkg records) is
/// taken for every file in the one pass; SHA-1 and SHA-256 (what apk
/// records) only for the files an apk database owns, in a second pass over
/// the few layers that hold them (apk images are small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    pub md5: [u8; 16],
    /// SHA-1 and SHA-256, for apk-owned files only (boxed: most files have
    /// none, and the index stays small).
    pub apk: Option<Box<([u8; 20], [u8; 32])>>,
    pub facts: Facts,
    /// The bytes of a package-database file (dpkg, apk, passwd…).
    pub data: Option<Box<[u8]>>,
}

/// One entry of a layer.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Relative to the image root, `/`-separated, no trailing `/`. (Moved
    /// out into the tree's key when the entry joins the merged tree.)
    pub path: String,
    pub kind: Kind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub content: Option<Box<Content>>,
}

impl Entry {
    pub fn is_executable_file(&self) -> bool {
        self.kind == Kind::File && self.mode & 0o111 != 0
    }
}

/// A deletion a layer makes in the layers below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whiteout {
    /// `.wh.name`: the path and everything under it.
    Path(String),
    /// `.wh..wh..opq` in a directory: everything under it.
    Opaque(String),
}

/// The index of one layer.
#[derive(Clone, Debug)]
pub struct LayerScan {
    /// `sha256:` of the blob as stored.
    pub blob_digest: String,
    /// `sha256:` of the uncompressed tar.
    pub diff_id: String,
    pub compression: Compression,
    pub compressed_bytes: u64,
    pub uncompressed_bytes: u64,
    pub entries: Vec<Entry>,
    pub whiteouts: Vec<Whiteout>,
    /// Entries that were skipped or adjusted, for the report.
    pub warnings: Vec<String>,
}

/// Paths whose contents are kept: package databases and account files.
pub fn is_database_path(path: &str) -> bool {
    if let Some(rest) = path.strip_prefix("var/lib/dpkg/") {
        return rest == "status"
            || rest == "diversions"
            || rest.starts_with("status.d/")
            || rest.starts_with("alternatives/")
            || (rest.starts_with("info/")
                && (rest.ends_with(".md5sums") || rest.ends_with(".list")));
    }
    matches!(
        path,
        "lib/apk/db/installed" | "usr/lib/apk/db/installed" | "etc/passwd" | "etc/group"
    )
}

/// Reads that hash what passes through (unless `hash` is off) and count it.
struct Hashing<R> {
    inner: R,
    hash: Option<Sha256>,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(hash) = self.hash.as_mut() {
            hash.update(&buf[..n]);
        }
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

/// Separates a decoding error from the blob digest computed anyway, in the
/// error the decompressing thread returns.
const DIGEST_SEP: &str = "\u{0}digest=";

/// A layer that could not be read: why, and the blob's digest when the
/// whole blob could still be hashed (a corrupt blob is best reported as a
/// digest mismatch).
#[derive(Debug)]
pub struct LayerError {
    pub message: String,
    pub blob_digest: Option<String>,
}

impl LayerError {
    fn from_thread(text: String) -> LayerError {
        match text.split_once(DIGEST_SEP) {
            Some((message, digest)) => LayerError {
                message: message.to_string(),
                blob_digest: Some(digest.to_string()),
            },
            None => LayerError {
                message: text,
                blob_digest: None,
            },
        }
    }
}

impl From<String> for LayerError {
    fn from(message: String) -> LayerError {
        LayerError {
            message,
            blob_digest: None,
        }
    }
}

/// Bytes of the uncompressed layer, as they are passed between threads.
type Chunk = Arc<Vec<u8>>;

/// Size of the pieces the decompressor hands on.
const CHUNK: usize = 1 << 18;

/// Reads the chunks a channel delivers, as one stream.
struct ChannelReader {
    rx: Receiver<Result<Chunk, String>>,
    current: Chunk,
    at: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Ok(Err(message)) => return Err(io::Error::other(message)),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// What the decompressing thread learned about the blob.
struct Blob {
    digest: String,
    compressed: u64,
    uncompressed: u64,
    compression: Compression,
}

/// Reads `n` bytes or to the end of the stream.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The decompressing thread: hashes the blob as it reads it, decompresses,
/// enforces the size limits, and hands each uncompressed chunk to the tar
/// walker and to the diff-id hasher.
fn produce(
    reader: impl Read,
    limits: &Limits,
    to_walker: &SyncSender<Result<Chunk, String>>,
    to_hasher: &SyncSender<Chunk>,
) -> Result<Blob, String> {
    let mut raw = Hashing {
        inner: reader,
        hash: Some(Sha256::new()),
        count: Arc::new(AtomicU64::new(0)),
    };
    let compressed = raw.count.clone();
    let mut buffered = BufReader::with_capacity(CHUNK, &mut raw);
    let magic = buffered
        .fill_buf()
        .map_err(|e| format!("cannot read: {e}"))?;
    let compression = Compression::sniff(magic);
    if compression == Compression::None {
        // An uncompressed blob's digest is its diff id, which the hashing
        // thread takes anyway. (The first buffer was hashed already; the
        // digest is not used.)
        buffered.get_mut().hash = None;
    }
    let mut decoder: Box<dyn Read + '_> = match compression {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(buffered)
                .map_err(|e| format!("invalid zstd stream: {e}"))?,
        ),
        Compression::None => Box::new(buffered),
    };
    let mut uncompressed = 0u64;
    loop {
        let mut chunk = vec![0u8; CHUNK];
        let n = match fill(&mut decoder, &mut chunk) {
            Ok(n) => n,
            Err(e) => {
                drop(decoder);
                // Hash the rest of the blob: if its digest is wrong, that,
                // not the decoder's complaint, is the error to report.
                let _ = io::copy(&mut raw, &mut io::sink());
                let Some(hash) = raw.hash.take() else {
                    return Err(describe_read_error(&e));
                };
                let digest = format!("sha256:{}", hex(&hash.finalize()));
                return Err(format!("{}{DIGEST_SEP}{digest}", describe_read_error(&e)));
            }
        };
        if n == 0 {
            break;
        }
        chunk.truncate(n);
        uncompressed += n as u64;
        if uncompressed > limits.max_layer_bytes {
            return Err(format!(
                "layer is larger than {} GiB uncompressed",
                limits.max_layer_bytes >> 30
            ));
        }
        let packed = compressed.load(Ordering::Relaxed).max(1);
        if uncompressed > limits.bomb_floor && uncompressed / packed > limits.max_ratio {
            return Err(format!(
                "decompression bomb: {uncompressed} bytes from {packed} (more than {}:1)",
                limits.max_ratio
            ));
        }
        let chunk = Arc::new(chunk);
        if to_hasher.send(chunk.clone()).is_err() || to_walker.send(Ok(chunk)).is_err() {
            // The walker stopped on an error of its own.
            break;
        }
    }
    drop(decoder);
    // Trailing bytes after the compressed stream still belong to the blob.
    io::copy(&mut raw, &mut io::sink()).map_err(|e| format!("cannot read: {e}"))?;
    Ok(Blob {
        digest: raw
            .hash
            .take()
            .map(|h| format!("sha256:{}", hex(&h.finalize())))
            .unwrap_or_default(),
        compressed: compressed.load(Ordering::Relaxed),
        uncompressed,
        compression,
    })
}

/// Indexes one layer blob. Three threads share the work: one reads,
/// hashes and decompresses the blob, one hashes the uncompressed stream
/// (the diff id), and the calling thread walks the tar and hashes each
/// file's contents.
pub fn scan_layer(reader: impl Read, limits: &Limits) -> Result<LayerScan, LayerError> {
    let (to_walker, walker_rx) = sync_channel::<Result<Chunk, String>>(4);
    let (to_hasher, hasher_rx) = sync_channel::<Chunk>(4);
    std::thread::scope(|scope| {
        let hasher = scope.spawn(move || {
            let mut hash = Sha256::new();
            for chunk in hasher_rx {
                hash.update(chunk.as_slice());
            }
            format!("sha256:{}", hex(&hash.finalize()))
        });
        let walker = scope.spawn(move || {
            let mut stream = ChannelReader {
                rx: walker_rx,
                current: Arc::new(Vec::new()),
                at: 0,
            };
            walk(&mut stream, limits).and_then(|w| {
                // The end-of-archive padding, and anything after it.
                io::copy(&mut stream, &mut io::sink()).map_err(|e| describe_read_error(&e))?;
                Ok(w)
            })
        });
        // The reading stays on this thread, so the reader need not be
        // `Send` (an entry of an outer tar stream is not).
        let blob = produce(reader, limits, &to_walker, &to_hasher);
        if let Err(message) = &blob {
            let _ = to_walker.send(Err(message.clone()));
        }
        drop(to_walker);
        drop(to_hasher);
        let walked = walker
            .join()
            .map_err(|_| "the tar walker failed".to_string())?;
        let diff_id = hasher
            .join()
            .map_err(|_| "the hashing thread failed".to_string())?;
        // The reader's error (a truncated or corrupt stream) explains a
        // walker error, so it comes first.
        let blob = blob.map_err(LayerError::from_thread)?;
        let (entries, whiteouts, warnings) = walked?;
        Ok(LayerScan {
            blob_digest: if blob.compression == Compression::None {
                diff_id.clone()
            } else {
                blob.digest
            },
            diff_id,
            compression: blob.compression,
            compressed_bytes: blob.compressed,
            uncompressed_bytes: blob.uncompressed,
            entries,
            whiteouts,
            warnings,
        })
    })
}

/// SHA-1 and SHA-256 of files, by path.
pub type ApkDigests = std::collections::HashMap<String, ([u8; 20], [u8; 32])>;

/// SHA-1 and SHA-256 of the files of a layer whose paths are in `wanted`
/// (the second pass for apk databases).
pub fn hash_files(
    reader: impl Read,
    wanted: &std::collections::HashSet<String>,
) -> Result<ApkDigests, String> {
    let mut buffered = BufReader::with_capacity(CHUNK, reader);
    let magic = buffered
        .fill_buf()
        .map_err(|e| format!("cannot read: {e}"))?;
    let decoder: Box<dyn Read> = match Compression::sniff(magic) {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(buffered)
                .map_err(|e| format!("invalid zstd stream: {e}"))?,
        ),
        Compression::None => Box::new(buffered),
    };
    let mut archive = tar::Archive::new(decoder);
    let mut out = std::collections::HashMap::new();
    let mut chunk = vec![0u8; CHUNK];
    for item in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = item.map_err(|e| describe_read_error(&e))?;
        let Some(path) = normalise(&String::from_utf8_lossy(&entry.path_bytes())) else {
            continue;
        };
        if !wanted.contains(&path) || entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let mut sha1 = sha1::Sha1::new();
        let mut sha256 = Sha256::new();
        loop {
            let n = entry
                .read(&mut chunk)
                .map_err(|e| describe_read_error(&e))?;
            if n == 0 {
                break;
            }
            sha1.update(&chunk[..n]);
            sha256.update(&chunk[..n]);
        }
        out.insert(path, (sha1.finalize().into(), sha256.finalize().into()));
    }
    Ok(out)
}

/// A read error as one line for a report.
pub fn describe_error(e: &io::Error) -> String {
    describe_read_error(e)
}

/// Decompresses a stream whose compression is sniffed from its first
/// bytes (a compressed `docker save` archive).
pub fn decompressing<R: BufRead + Send + 'static>(
    mut reader: R,
) -> Result<Box<dyn Read + Send>, String> {
    let magic = reader.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    Ok(match Compression::sniff(magic) {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(reader)
                .map_err(|e| format!("invalid zstd stream: {e}"))?,
        ),
        Compression::None => Box::new(reader),
    })
}

fn describe_read_error(e: &io::Error) -> String {
    let text = e.to_string();
    if e.kind() == io::ErrorKind::UnexpectedEof || text.contains("unexpected EOF") {
        return "truncated: the layer ends before its last entry does (an entry claims more bytes than the layer holds)".into();
    }
    text
}

type Walked = (Vec<Entry>, Vec<Whiteout>, Vec<String>);

/// Normalises a tar path: relative, `/`-separated, without `.` parts or a
/// trailing `/`. `None` for a name that climbs out of the root.
pub fn normalise(raw: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn walk<R: Read>(plain: &mut R, limits: &Limits) -> Result<Walked, String> {
    let mut archive = tar::Archive::new(plain);
    let mut entries = Vec::new();
    let mut whiteouts = Vec::new();
    let mut warnings = Vec::new();
    let mut db_total = 0u64;
    let mut chunk = vec![0u8; 1 << 18];
    let mut whole = Vec::new();
    let keep = content::max_needle_len();
    let iter = archive
        .entries()
        .map_err(|e| format!("not a tar archive: {e}"))?;
    for item in iter {
        let mut entry =
            item.map_err(|e| format!("invalid tar entry: {}", describe_read_error(&e)))?;
        if entries.len() >= limits.max_entries {
            return Err(format!(
                "more than {} entries in one layer",
                limits.max_entries
            ));
        }
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(path) = normalise(&raw_path) else {
            warnings.push(format!(
                "skipped entry `{raw_path}`: its name climbs out of the image root"
            ));
            continue;
        };
        if raw_path.starts_with('/') {
            warnings.push(format!(
                "entry `{raw_path}` has an absolute name; read as `{path}`"
            ));
        }
        if path.is_empty() {
            continue;
        }
        let header = entry.header();
        let mode = header.mode().unwrap_or(0);
        let uid = u32::try_from(header.uid().unwrap_or(0)).unwrap_or(u32::MAX);
        let gid = u32::try_from(header.gid().unwrap_or(0)).unwrap_or(u32::MAX);
        let size = entry.size();
        let entry_type = header.entry_type();
        let name = path.rsplit('/').next().unwrap_or(&path);
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if name == ".wh..wh..opq" {
            whiteouts.push(Whiteout::Opaque(dir.to_string()));
            continue;
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            let target = if dir.is_empty() {
                hidden.to_string()
            } else {
                format!("{dir}/{hidden}")
            };
            whiteouts.push(Whiteout::Path(target));
            continue;
        }
        let link = || {
            entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .unwrap_or_default()
        };
        let kind = match entry_type {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                Kind::File
            }
            tar::EntryType::Directory => Kind::Dir,
            tar::EntryType::Symlink => Kind::Symlink(link()),
            tar::EntryType::Link => match normalise(&link()) {
                Some(target) if !target.is_empty() => Kind::Hardlink(target),
                _ => {
                    warnings.push(format!(
                        "skipped hard link `{path}`: its target climbs out of the image root"
                    ));
                    continue;
                }
            },
            _ => Kind::Special,
        };
        let content = if kind == Kind::File {
            let keep_db = is_database_path(&path)
                && size <= limits.max_db_file
                && db_total + size <= limits.max_db_total;
            if is_database_path(&path) && !keep_db {
                warnings.push(format!(
                    "package database file `{path}` is too large to read ({size} bytes)"
                ));
            }
            let content = read_content(
                &mut entry, size, keep_db, limits, &mut chunk, &mut whole, keep,
            )
            .map_err(|e| format!("cannot read `{path}`: {}", describe_read_error(&e)))?;
            if keep_db {
                db_total += size;
            }
            Some(Box::new(content))
        } else {
            None
        };
        entries.push(Entry {
            path,
            kind,
            mode,
            uid,
            gid,
            size,
            content,
        });
    }
    Ok((entries, whiteouts, warnings))
}

/// Streams one file's bytes: hashes them, and finds signatures. ELF files
/// up to `max_whole_elf` are kept whole for the length of this call.
fn read_content(
    entry: &mut impl Read,
    size: u64,
    keep_db: bool,
    limits: &Limits,
    chunk: &mut [u8],
    whole: &mut Vec<u8>,
    keep: usize,
) -> io::Result<Content> {
    let mut md5 = Md5::new();
    let mut more = limits
        .all_digests
        .then(|| (sha1::Sha1::new(), Sha256::new()));
    let mut seen = Seen::default();
    let mut elf: Option<bool> = None;
    let mut tail: Vec<u8> = Vec::new();
    let hold_whole = |elf: bool| keep_db || (elf && size <= limits.max_whole_elf);
    whole.clear();
    loop {
        let n = entry.read(chunk)?;
        if n == 0 {
            break;
        }
        let bytes = &chunk[..n];
        md5.update(bytes);
        if let Some((sha1, sha256)) = more.as_mut() {
            sha1.update(bytes);
            sha256.update(bytes);
        }
        let is_elf = *elf.get_or_insert_with(|| content::is_elf(bytes));
        if hold_whole(is_elf) {
            whole.extend_from_slice(bytes);
        } else if is_elf {
            // A large ELF: search piecewise, carrying the end of the
            // previous piece so a string split across reads is still found.
            tail.extend_from_slice(bytes);
            seen.scan(&tail);
            let cut = tail.len().saturating_sub(keep);
            tail.drain(..cut);
        }
    }
    let is_elf = elf.unwrap_or(false);
    let facts = if is_elf && hold_whole(true) && !whole.is_empty() {
        seen.scan(whole);
        content::facts_from(seen, true, Some(whole))
    } else {
        content::facts_from(seen, is_elf, None)
    };
    let data = keep_db.then(|| whole.as_slice().into());
    Ok(Content {
        md5: md5.finalize().into(),
        apk: more
            .map(|(sha1, sha256)| Box::new((sha1.finalize().into(), sha256.finalize().into()))),
        facts,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_names_and_refuses_escapes() {
        assert_eq!(normalise("./usr/bin/"), Some("usr/bin".into()));
        assert_eq!(normalise("/etc/passwd"), Some("etc/passwd".into()));
        assert_eq!(normalise("a/../../etc"), None);
    }

    #[test]
    fn sniffs_compression_by_magic() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8, 0]), Compression::Gzip);
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::sniff(b"usr/"), Compression::None);
    }
}
