//! What every reader of an image's bytes shares, below the source and the
//! layer walk: compression told by magic bytes and the decompressors
//! (multi-member gzip, multi-frame zstd), tar names normalised, digests
//! spelled `sha256:<hex>`, and read errors in a user's words.
//!
//! Nothing here knows about manifests, layers or the merged tree; it
//! imports nothing else from `image`.

use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

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

/// A stream read through the decompressor its compression needs.
pub enum Decoder<R: BufRead> {
    Plain(R),
    /// Boxed: the inflate state is large, and most streams are plain.
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(zstd::stream::read::Decoder<'static, R>),
}

/// Why a decoder could not be set up.
#[derive(Debug)]
pub enum OpenError {
    /// The first bytes could not be read.
    Read(io::Error),
    /// The zstd frame header is not valid.
    Zstd(io::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Read(e) => write!(f, "cannot read: {e}"),
            OpenError::Zstd(e) => write!(f, "invalid zstd stream: {e}"),
        }
    }
}

impl<R: BufRead> Decoder<R> {
    /// A decoder for `compression` (already sniffed by the caller).
    pub fn new(compression: Compression, reader: R) -> Result<Decoder<R>, OpenError> {
        Ok(match compression {
            Compression::None => Decoder::Plain(reader),
            Compression::Gzip => {
                Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(reader)))
            }
            Compression::Zstd => Decoder::Zstd(
                zstd::stream::read::Decoder::with_buffer(reader).map_err(OpenError::Zstd)?,
            ),
        })
    }

    /// A decoder for whatever compression the first bytes show.
    pub fn sniffed(mut reader: R) -> Result<Decoder<R>, OpenError> {
        let compression = Compression::sniff(reader.fill_buf().map_err(OpenError::Read)?);
        Decoder::new(compression, reader)
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

/// Decompresses a stream whose compression is sniffed from its first
/// bytes (a compressed `docker save` archive, or standard input). The
/// error is a message for the report.
pub fn decompressing<R: BufRead + Send + 'static>(
    reader: R,
) -> Result<Box<dyn Read + Send>, String> {
    Ok(Box::new(
        Decoder::sniffed(reader).map_err(|e| e.to_string())?,
    ))
}

/// Whether the file at `path` starts with a compression's magic bytes (an
/// unreadable file is not).
pub fn is_compressed_file(path: &std::path::Path) -> bool {
    let mut magic = [0u8; 4];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .unwrap_or(0);
    Compression::sniff(&magic[..n]) != Compression::None
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

/// A finished SHA-256 as a digest: `sha256:<hex>`.
pub fn sha256_digest(hash: Sha256) -> String {
    format!("sha256:{}", hex(&hash.finalize()))
}

/// The `sha256:<hex>` digest of some bytes.
pub fn sha256_of(bytes: &[u8]) -> String {
    sha256_digest(Sha256::new_with_prefix(bytes))
}

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

/// A read error as one line for a report: a stream that ends early says
/// so in words rather than in the decoder's.
pub fn describe_read_error(e: &io::Error) -> String {
    let text = e.to_string();
    if e.kind() == io::ErrorKind::UnexpectedEof || text.contains("unexpected EOF") {
        return "truncated: the layer ends before its last entry does (an entry claims more bytes than the layer holds)".into();
    }
    text
}

/// An error of where a blob's bytes come from (a download that broke
/// off, a blob longer or shorter than its descriptor), as opposed to what
/// the bytes are. A reader returns it inside an `io::Error`; the layer scan
/// reports it as it is, before any digest comparison.
#[derive(Debug)]
pub struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// The [`SourceError`] an I/O error carries, if it carries one.
pub fn source_error(e: &io::Error) -> Option<&SourceError> {
    e.get_ref()?.downcast_ref::<SourceError>()
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
