//! Writing a JSON document piece by piece, its largest arrays serialised
//! in parallel: shared by the JSON and SARIF reports.

use std::io::{self, Write};

/// Writes `items` as a JSON array, serialising them in parallel chunks: on
/// a large scan the report is a good part of the work.
pub(super) fn write_json_array<'a, T, S>(
    items: &'a [T],
    wire: impl Fn(&'a T) -> S + Sync,
    out: &mut dyn Write,
) -> io::Result<()>
where
    T: Sync,
    S: serde::Serialize,
{
    use rayon::prelude::*;
    let chunks: Vec<io::Result<Vec<u8>>> = items
        .par_chunks(512)
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.len() * 512);
            for (i, item) in chunk.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                serde_json::to_writer(&mut buf, &wire(item))?;
            }
            Ok(buf)
        })
        .collect();
    out.write_all(b"[")?;
    for (i, chunk) in chunks.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(&chunk?)?;
    }
    out.write_all(b"]")
}

/// Writes `,"key":` followed by the value.
pub(super) fn write_json_field(
    out: &mut dyn Write,
    key: &str,
    value: &impl serde::Serialize,
) -> io::Result<()> {
    write!(out, ",\"{key}\":")?;
    serde_json::to_writer(&mut *out, value)?;
    Ok(())
}
