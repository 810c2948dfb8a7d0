//! One pass over one layer blob, on three threads: the caller's thread
//! reads, hashes (the blob digest) and decompresses the blob and enforces
//! the size limits; one thread hashes the uncompressed tar (the diff id);
//! one walks the tar (`super::walk`). The uncompressed bytes go to both
//! in shared chunks over bounded channels, so memory stays flat however
//! large the layer.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use sha2::{Digest, Sha256};

use super::error::LayerError;
use super::index::LayerScan;
use super::limits::{CHUNK, Limits};
use super::walk::walk;
use crate::image::codec::{Compression, Decoder, describe_read_error, sha256_digest, source_error};

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

/// Bytes of the uncompressed layer, as they are passed between threads.
type Chunk = Arc<Vec<u8>>;

/// Reads the chunks a channel delivers, as one stream. `None` on the
/// channel means the reader failed (its own error is the one reported).
struct ChannelReader {
    rx: Receiver<Option<Chunk>>,
    current: Chunk,
    at: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.rx.recv() {
                Ok(Some(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Ok(None) => return Err(io::Error::other("the layer could not be read")),
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

/// The decompressing side: hashes the blob as it reads it, decompresses,
/// enforces the size limits, and hands each uncompressed chunk to the tar
/// walker and to the diff-id hasher.
fn produce(
    reader: impl Read,
    limits: &Limits,
    to_walker: &SyncSender<Option<Chunk>>,
    to_hasher: &SyncSender<Chunk>,
) -> Result<Blob, LayerError> {
    let mut raw = Hashing {
        inner: reader,
        hash: Some(Sha256::new()),
        count: Arc::new(AtomicU64::new(0)),
    };
    let compressed = raw.count.clone();
    let mut buffered = BufReader::with_capacity(CHUNK, &mut raw);
    let magic = buffered
        .fill_buf()
        .map_err(|e| LayerError::Read(e.to_string()))?;
    let compression = Compression::sniff(magic);
    if compression == Compression::None {
        // An uncompressed blob's digest is its diff id, which the hashing
        // thread takes anyway. (The first buffer was hashed already; the
        // digest is not used.)
        buffered.get_mut().hash = None;
    }
    let mut decoder = Decoder::new(compression, buffered)?;
    let mut uncompressed = 0u64;
    loop {
        let mut chunk = vec![0u8; CHUNK];
        let n = match fill(&mut decoder, &mut chunk) {
            Ok(n) => n,
            // The source failed (a download broke off): that is the error,
            // whatever the bytes read so far hash to.
            Err(e) if source_error(&e).is_some() => {
                return Err(LayerError::Read(e.to_string()));
            }
            Err(e) => {
                drop(decoder);
                // Hash the rest of the blob: if its digest is wrong, that,
                // not the decoder's complaint, is the error to report.
                let _ = io::copy(&mut raw, &mut io::sink());
                return Err(LayerError::Decode {
                    reason: describe_read_error(&e),
                    blob_digest: raw.hash.take().map(sha256_digest),
                });
            }
        };
        if n == 0 {
            break;
        }
        chunk.truncate(n);
        uncompressed += n as u64;
        if uncompressed > limits.max_layer_bytes {
            return Err(LayerError::TooLarge {
                max_bytes: limits.max_layer_bytes,
            });
        }
        let packed = compressed.load(Ordering::Relaxed).max(1);
        if uncompressed > limits.bomb_floor && uncompressed / packed > limits.max_ratio {
            return Err(LayerError::Bomb {
                uncompressed,
                compressed: packed,
                max_ratio: limits.max_ratio,
            });
        }
        let chunk = Arc::new(chunk);
        if to_hasher.send(chunk.clone()).is_err() || to_walker.send(Some(chunk)).is_err() {
            // The walker stopped on an error of its own.
            break;
        }
    }
    drop(decoder);
    // Trailing bytes after the compressed stream still belong to the blob.
    io::copy(&mut raw, &mut io::sink()).map_err(|e| LayerError::Read(e.to_string()))?;
    Ok(Blob {
        digest: raw.hash.take().map(sha256_digest).unwrap_or_default(),
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
    let (to_walker, walker_rx) = sync_channel::<Option<Chunk>>(4);
    let (to_hasher, hasher_rx) = sync_channel::<Chunk>(4);
    std::thread::scope(|scope| {
        let hasher = scope.spawn(move || {
            let mut hash = Sha256::new();
            for chunk in hasher_rx {
                hash.update(chunk.as_slice());
            }
            sha256_digest(hash)
        });
        let walker = scope.spawn(move || {
            let mut stream = ChannelReader {
                rx: walker_rx,
                current: Arc::new(Vec::new()),
                at: 0,
            };
            walk(&mut stream, limits).and_then(|w| {
                // The end-of-archive padding, and anything after it.
                io::copy(&mut stream, &mut io::sink()).map_err(|e| LayerError::Decode {
                    reason: describe_read_error(&e),
                    blob_digest: None,
                })?;
                Ok(w)
            })
        });
        // The reading stays on this thread, so the reader need not be
        // `Send` (an entry of an outer tar stream is not).
        let blob = produce(reader, limits, &to_walker, &to_hasher);
        if blob.is_err() {
            let _ = to_walker.send(None);
        }
        drop(to_walker);
        drop(to_hasher);
        let walked = walker
            .join()
            .map_err(|_| LayerError::Thread("tar walker"))?;
        let diff_id = hasher
            .join()
            .map_err(|_| LayerError::Thread("hashing thread"))?;
        // The reader's error (a truncated or corrupt stream) explains a
        // walker error, so it comes first.
        let blob = blob?;
        let walked = walked?;
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
            entries: walked.entries,
            paths: walked.paths,
            whiteouts: walked.whiteouts,
            warnings: walked.warnings,
        })
    })
}
