//! BusyBox: its applet table and the usage texts that say whether its `nc`
//! applet can run a program (`-e PROG`).
//!
//! The applet names are a sorted, NUL-separated table starting `[\0[[\0`.
//! The usage texts are usually a bzip2 stream stored without its `BZ`
//! magic; entry *i* of the decompressed, NUL-separated texts belongs to
//! applet *i*. Some builds have other bzip2 streams too, so the right one
//! is the stream with one entry per applet (plus a trailing empty one).

use std::io::Read;

/// What drydock learned about one BusyBox binary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Busybox {
    /// Applet names, in table order; empty when no table was found.
    pub applets: Vec<String>,
    /// The `nc` applet's usage text mentions `-e PROG`: `Some(true)`; it
    /// does not: `Some(false)`; no usage text to read: `None`.
    pub nc_exec: Option<bool>,
}

impl Busybox {
    pub fn has_applet(&self, name: &str) -> bool {
        self.applets.iter().any(|a| a == name)
    }

    /// Whether `nc` is an applet that can run a program. Without usage
    /// texts to read, an `nc` applet is assumed to be able to.
    pub fn nc_can_exec(&self) -> bool {
        self.has_applet("nc") && self.nc_exec != Some(false)
    }
}

/// Largest usage text accepted after decompression.
const MAX_USAGE: u64 = 4 << 20;

/// Reads the applet table and the `nc` usage text of a BusyBox binary.
pub fn inspect(binary: &[u8]) -> Busybox {
    let applets = applet_table(binary);
    let nc_exec = applets
        .iter()
        .position(|a| a == "nc")
        .and_then(|nc| usage_texts(binary, applets.len()).map(|texts| (nc, texts)))
        .map(|(nc, texts)| {
            texts
                .get(nc)
                .is_some_and(|t| t.contains("-e PROG") || t.contains("-e prog"))
        });
    Busybox { applets, nc_exec }
}

fn applet_table(binary: &[u8]) -> Vec<String> {
    let Some(start) = memchr::memmem::find(binary, b"[\0[[\0") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for raw in binary[start..].split(|b| *b == 0) {
        let plausible = !raw.is_empty()
            && raw.len() <= 32
            && raw
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"[_-.".contains(b));
        if !plausible {
            break;
        }
        names.push(String::from_utf8_lossy(raw).into_owned());
        if names.len() > 2000 {
            break;
        }
    }
    names
}

/// The usage texts: the first bzip2 stream (without its `BZ`) whose
/// entries match the applet count.
fn usage_texts(binary: &[u8], applets: usize) -> Option<Vec<String>> {
    for at in memchr::memmem::find_iter(binary, b"1AY&SY") {
        // `h<level>` comes just before the block magic.
        let Some(header) = at.checked_sub(2) else {
            continue;
        };
        if binary[header] != b'h' || !binary[header + 1].is_ascii_digit() {
            continue;
        }
        let mut stream = b"BZ".to_vec();
        stream.extend_from_slice(&binary[header..]);
        let mut text = Vec::new();
        let decoder = bzip2::read::BzDecoder::new(stream.as_slice());
        if decoder.take(MAX_USAGE).read_to_end(&mut text).is_err() && text.is_empty() {
            continue;
        }
        let entries: Vec<String> = text
            .split(|b| *b == 0)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect();
        if entries.len() == applets + 1 || entries.len() == applets {
            return Some(entries);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn busybox(nc_usage: &str) -> Vec<u8> {
        let applets = ["[", "[[", "ash", "nc", "sh", "wget"];
        let mut bytes = b"\x7fELF\x02\x01\x01\0BusyBox v1.36.1\0\0".to_vec();
        for a in applets {
            bytes.extend_from_slice(a.as_bytes());
            bytes.push(0);
        }
        bytes.extend_from_slice(b"\0\0\xff\xff");
        let mut usage = Vec::new();
        for a in applets {
            if a == "nc" {
                usage.extend_from_slice(nc_usage.as_bytes());
            } else {
                usage.extend_from_slice(format!("usage of {a}").as_bytes());
            }
            usage.push(0);
        }
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
        enc.write_all(&usage).unwrap();
        let compressed = enc.finish().unwrap();
        bytes.extend_from_slice(&compressed[2..]);
        bytes
    }

    #[test]
    fn reads_the_nc_usage_from_the_compressed_texts() {
        let with = inspect(&busybox(
            "[-l] [-p PORT] [-e PROG] IPADDR PORT\n\n\t-e PROG\tRun PROG after connect",
        ));
        assert_eq!(with.applets.len(), 6);
        assert_eq!(with.nc_exec, Some(true));
        assert!(with.nc_can_exec());
        let without = inspect(&busybox("[-l] [-p PORT] IPADDR PORT"));
        assert_eq!(without.nc_exec, Some(false));
        assert!(!without.nc_can_exec());
    }
}
