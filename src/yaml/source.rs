//! Source files: read from disk within a size limit as UTF-8 text (or
//! made from text already in memory), kept for snippets and positions.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::InputError;
use crate::text::SourceFile;

/// Reads a file as UTF-8 text within a size limit, naming the file (and the
/// line of the first bad byte) on failure.
pub fn read_source(
    path: PathBuf,
    display: String,
    max_bytes: u64,
) -> Result<Arc<SourceFile>, InputError> {
    let file = std::fs::File::open(&path)
        .map_err(|e| InputError::in_file(&display, format!("cannot read: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    read_opened(file, size, path, display, max_bytes)
}

/// [`read_source`] of a file already opened (through the audit boundary,
/// [`crate::boundary::Boundary::open`]) whose size is `size`, or of a
/// stream (`size` 0: not known); `path` is the path as the configuration
/// named it.
pub fn read_opened(
    file: impl std::io::Read,
    size: u64,
    path: PathBuf,
    display: String,
    max_bytes: u64,
) -> Result<Arc<SourceFile>, InputError> {
    use std::io::Read;
    let too_large = || {
        InputError::in_file(
            &display,
            format!("file is larger than the {} MiB limit", max_bytes >> 20),
        )
    };
    if size > max_bytes {
        return Err(too_large());
    }
    // Sized from the metadata so the read is one allocation, no regrowth.
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::in_file(&display, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = 1 + bytes[..good].iter().filter(|b| **b == b'\n').count() as u32;
            let mut error = InputError::in_file(display, "invalid UTF-8");
            error.line = Some(line);
            return Err(error);
        }
    };
    Ok(Arc::new(SourceFile {
        path,
        display,
        text,
    }))
}

/// A source that was not read from disk (standard input, tests).
pub fn source_from_text(display: &str, text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile {
        path: PathBuf::from(display),
        display: display.to_string(),
        text: text.to_string(),
    })
}
