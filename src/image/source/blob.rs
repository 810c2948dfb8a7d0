//! A blob, wherever its bytes are (a file, a region of a tar file,
//! memory, or already read from a stream), and what a located image is: a
//! config and the layer blobs with the digests and sizes they must have.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;

use crate::image::codec::sha256_digest;
use crate::image::oci::ImageConfig;

/// Largest JSON document (index, manifest, config) read.
const MAX_JSON: u64 = 16 << 20;

/// Where a blob's bytes are.
#[derive(Clone, Debug)]
pub enum Blob {
    /// A whole file (OCI layout directory).
    File(PathBuf),
    /// A region of a tar file.
    Region {
        path: PathBuf,
        offset: u64,
        size: u64,
    },
    /// A small blob of a stream, kept in memory.
    Memory(Arc<Vec<u8>>),
    /// A large blob of a stream, already read when it went by (it cannot
    /// be read again; `Stream::result` has what was made of it).
    Scanned { name: String, size: u64 },
    /// A blob fetched when opened (from a registry).
    Remote(Arc<dyn RemoteBlob>),
}

/// A blob whose bytes are fetched when it is opened, and whose size is
/// what its descriptor gives.
pub trait RemoteBlob: Send + Sync + std::fmt::Debug {
    fn open(&self) -> io::Result<Box<dyn Read + Send>>;
    fn size(&self) -> u64;
}

impl Blob {
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Blob::File(path) => Ok(Box::new(File::open(path)?)),
            Blob::Region { path, offset, size } => {
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(*offset))?;
                Ok(Box::new(file.take(*size)))
            }
            Blob::Memory(bytes) => Ok(Box::new(io::Cursor::new(ArcBytes(bytes.clone())))),
            Blob::Scanned { name, .. } => Err(io::Error::other(format!(
                "{name} was read from a stream and cannot be read again"
            ))),
            Blob::Remote(remote) => remote.open(),
        }
    }

    /// Opens the blob for a second reading (the apk files' digests). A
    /// remote blob is fetched again, so its bytes are checked against
    /// `expected` as they stream: read to its end, the reader fails if
    /// they are not the bytes the first reading verified.
    pub fn open_again(&self, expected: Option<&str>) -> io::Result<Box<dyn Read + Send>> {
        match (self, expected) {
            (Blob::Remote(remote), Some(expected)) => Ok(Box::new(DigestCheck {
                inner: remote.open()?,
                hash: sha2::Sha256::default(),
                expected: expected.to_string(),
            })),
            _ => self.open(),
        }
    }

    /// The blob's size in bytes.
    pub fn size(&self) -> io::Result<u64> {
        match self {
            Blob::File(path) => Ok(std::fs::metadata(path)?.len()),
            Blob::Region { size, .. } | Blob::Scanned { size, .. } => Ok(*size),
            Blob::Memory(bytes) => Ok(bytes.len() as u64),
            Blob::Remote(remote) => Ok(remote.size()),
        }
    }

    pub fn read_small(&self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open()?.take(MAX_JSON + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_JSON {
            return Err(io::Error::other("document larger than 16 MiB"));
        }
        Ok(bytes)
    }
}

/// A reader that fails at its end when the bytes it passed do not have
/// the expected `sha256:` digest.
struct DigestCheck<R> {
    inner: R,
    hash: sha2::Sha256,
    expected: String,
}

impl<R: Read> Read for DigestCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            let actual = sha256_digest(std::mem::take(&mut self.hash));
            if actual != self.expected {
                return Err(io::Error::other(format!(
                    "fetched again, the blob's digest is {actual}, not {}",
                    self.expected
                )));
            }
        }
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Shared bytes as a `Cursor` source.
struct ArcBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// One layer to read, with what its digests must be.
#[derive(Clone, Debug)]
pub struct LayerBlob {
    pub blob: Blob,
    /// Where the archive names it (for messages).
    pub name: String,
    /// The blob digest the manifest gives, if it gives one.
    pub expected_blob: Option<String>,
    /// The diff id the config gives.
    pub expected_diff_id: Option<String>,
    /// The size the manifest gives.
    pub expected_size: Option<u64>,
}

/// An image located in its input.
#[derive(Debug)]
pub struct Located {
    /// A reference from the archive (`repo:tag`), if it names one.
    pub reference: Option<String>,
    /// `sha256:` of the config: the image id.
    pub config_digest: String,
    /// The digests of the index(es) and the manifest that lead to it (an
    /// OCI layout, or `docker save` of Docker 25+), for references pinned
    /// `@sha256:`.
    pub manifest_digests: Vec<String>,
    pub config: ImageConfig,
    pub layers: Vec<LayerBlob>,
    pub warnings: Vec<String>,
}
