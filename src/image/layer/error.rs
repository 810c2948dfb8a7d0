//! Why a layer could not be read. The variants are what the caller tells
//! apart: a blob that did not decode carries the digest of the whole blob,
//! so a corrupt download is reported as a digest mismatch rather than as
//! the decoder's complaint. The text a user sees is the `Display`.

use std::fmt;

use crate::image::codec::OpenError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerError {
    /// The blob could not be read.
    Read(String),
    /// The blob starts like zstd but its frame header is not valid.
    Zstd(String),
    /// The compressed stream is corrupt or breaks off. `blob_digest` is
    /// the `sha256:` of the whole blob, read to its end anyway, when it
    /// was compressed (an uncompressed blob's digest is its diff id, which
    /// a broken tar does not give).
    Decode {
        reason: String,
        blob_digest: Option<String>,
    },
    /// More uncompressed bytes than the limit.
    TooLarge { max_bytes: u64 },
    /// Far more uncompressed bytes than compressed ones.
    Bomb {
        uncompressed: u64,
        compressed: u64,
        max_ratio: u64,
    },
    /// The uncompressed stream is not a tar archive.
    NotTar(String),
    /// A tar header cannot be read.
    Entry(String),
    /// More entries than the limit.
    TooManyEntries { max: usize },
    /// A file's contents cannot be read.
    File { path: String, reason: String },
    /// One of the layer's threads panicked (`"tar walker"`,
    /// `"hashing thread"`).
    Thread(&'static str),
}

impl LayerError {
    /// The digest of a blob that did not decode, when it could be taken.
    pub fn blob_digest(&self) -> Option<&str> {
        match self {
            LayerError::Decode { blob_digest, .. } => blob_digest.as_deref(),
            _ => None,
        }
    }
}

impl From<OpenError> for LayerError {
    fn from(error: OpenError) -> LayerError {
        match error {
            OpenError::Read(e) => LayerError::Read(e.to_string()),
            OpenError::Zstd(e) => LayerError::Zstd(e.to_string()),
        }
    }
}

impl fmt::Display for LayerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayerError::Read(reason) => write!(f, "cannot read: {reason}"),
            LayerError::Zstd(reason) => write!(f, "invalid zstd stream: {reason}"),
            LayerError::Decode { reason, .. } => f.write_str(reason),
            LayerError::TooLarge { max_bytes } => write!(
                f,
                "layer is larger than {} GiB uncompressed",
                max_bytes >> 30
            ),
            LayerError::Bomb {
                uncompressed,
                compressed,
                max_ratio,
            } => write!(
                f,
                "decompression bomb: {uncompressed} bytes from {compressed} (more than {max_ratio}:1)"
            ),
            LayerError::NotTar(reason) => write!(f, "not a tar archive: {reason}"),
            LayerError::Entry(reason) => write!(f, "invalid tar entry: {reason}"),
            LayerError::TooManyEntries { max } => {
                write!(f, "more than {max} entries in one layer")
            }
            LayerError::File { path, reason } => write!(f, "cannot read `{path}`: {reason}"),
            LayerError::Thread(which) => write!(f, "the {which} failed"),
        }
    }
}

impl std::error::Error for LayerError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_blob_that_did_not_decode_carries_its_digest() {
        let corrupt = LayerError::Decode {
            reason: "corrupt deflate stream".into(),
            blob_digest: Some("sha256:ab".into()),
        };
        assert_eq!(corrupt.blob_digest(), Some("sha256:ab"));
        assert_eq!(corrupt.to_string(), "corrupt deflate stream");
        assert_eq!(LayerError::TooManyEntries { max: 3 }.blob_digest(), None);
    }

    #[test]
    fn says_what_users_have_always_read() {
        assert_eq!(
            LayerError::TooLarge { max_bytes: 2 << 30 }.to_string(),
            "layer is larger than 2 GiB uncompressed"
        );
        assert_eq!(
            LayerError::Bomb {
                uncompressed: 600,
                compressed: 2,
                max_ratio: 256
            }
            .to_string(),
            "decompression bomb: 600 bytes from 2 (more than 256:1)"
        );
        assert_eq!(
            LayerError::File {
                path: "usr/bin/x".into(),
                reason: "truncated".into()
            }
            .to_string(),
            "cannot read `usr/bin/x`: truncated"
        );
        assert_eq!(
            LayerError::Thread("tar walker").to_string(),
            "the tar walker failed"
        );
    }
}
