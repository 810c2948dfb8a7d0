//! What a file is, by its bytes: ELF or not, and which network tool it is
//! (netcat variants, ncat, socat, busybox and its `nc` applet, nmap…), told
//! apart by strings their binaries carry (image-peers reference §4.5–4.6),
//! never by file name.
//!
//! One Aho-Corasick automaton (leftmost-first, so its SIMD prefilter runs)
//! is built once and shared by every layer thread.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// A tool recognised by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    /// netcat 1.10 ("traditional"), built with `-e`/`-c`.
    NetcatTraditional,
    /// OpenBSD netcat: no `-e`/`-c`.
    NetcatOpenbsd,
    /// GNU netcat 0.7: `-e`/`--exec`.
    GnuNetcat,
    /// Nmap's ncat: `--exec`, `--sh-exec`, `--lua-exec`.
    Ncat,
    /// socat: `EXEC:` and `SYSTEM:` addresses.
    Socat,
    /// A BusyBox multi-call binary.
    Busybox,
    Nmap,
    Tcpdump,
    Tshark,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::NetcatTraditional => "netcat-traditional",
            Tool::NetcatOpenbsd => "netcat-openbsd",
            Tool::GnuNetcat => "GNU netcat",
            Tool::Ncat => "ncat",
            Tool::Socat => "socat",
            Tool::Busybox => "BusyBox",
            Tool::Nmap => "nmap",
            Tool::Tcpdump => "tcpdump",
            Tool::Tshark => "tshark",
        }
    }
}

/// What the bytes of one file told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub elf: bool,
    pub tool: Option<Tool>,
    /// The tool can run a program for the remote side (`nc -e`).
    pub exec_capable: bool,
    /// For BusyBox: its applets and whether its `nc` can `-e`.
    pub busybox: Option<Box<super::busybox::Busybox>>,
}

/// Strings searched for, and what each one means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needle {
    TraditionalVersion,
    TraditionalExec,
    OpenbsdBanner,
    GnuBanner,
    GnuExec,
    NcatUsage,
    NcatExec,
    SocatBanner,
    BusyboxBanner,
    NmapUsage,
    TcpdumpVersion,
    TsharkBanner,
}

const NEEDLES: &[(&[u8], Needle)] = &[
    (b"[v1.10", Needle::TraditionalVersion),
    (
        b"program to exec after connect [dangerous!!]",
        Needle::TraditionalExec,
    ),
    (
        b"use /bin/sh to exec [dangerous!!]",
        Needle::TraditionalExec,
    ),
    (b"OpenBSD netcat", Needle::OpenbsdBanner),
    (
        b"GNU netcat %s, a rewrite of the famous networking tool",
        Needle::GnuBanner,
    ),
    (b"--exec=PROGRAM", Needle::GnuExec),
    (b"Usage: ncat [options]", Needle::NcatUsage),
    (b"--sh-exec", Needle::NcatExec),
    (b"--lua-exec", Needle::NcatExec),
    (b"socat by Gerhard Rieger", Needle::SocatBanner),
    (b"BusyBox v", Needle::BusyboxBanner),
    (b"Usage: nmap [Scan Type(s)]", Needle::NmapUsage),
    (b"tcpdump version %s", Needle::TcpdumpVersion),
    (b"TShark (Wireshark)", Needle::TsharkBanner),
];

/// The longest needle: how much of one chunk a streamed search keeps for
/// the next.
pub fn max_needle_len() -> usize {
    NEEDLES.iter().map(|(n, _)| n.len()).max().unwrap_or(0)
}

fn automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(NEEDLES.iter().map(|(n, _)| n))
            .expect("the needles are valid patterns")
    })
}

/// The needles seen so far in a file, as bits.
#[derive(Clone, Copy, Default, Debug)]
pub struct Seen(u32);

impl Seen {
    /// Searches one piece of a file.
    pub fn scan(&mut self, bytes: &[u8]) {
        for m in automaton().find_iter(bytes) {
            self.0 |= 1 << m.pattern().as_usize();
        }
    }

    fn has(self, needle: Needle) -> bool {
        NEEDLES
            .iter()
            .enumerate()
            .any(|(i, (_, n))| *n == needle && self.0 & (1 << i) != 0)
    }

    /// Which tool the needles seen point to.
    pub fn tool(self) -> Option<(Tool, bool)> {
        if self.has(Needle::BusyboxBanner) {
            return Some((Tool::Busybox, false));
        }
        if self.has(Needle::TraditionalVersion) && self.has(Needle::TraditionalExec) {
            return Some((Tool::NetcatTraditional, true));
        }
        if self.has(Needle::GnuBanner) {
            return Some((Tool::GnuNetcat, self.has(Needle::GnuExec)));
        }
        if self.has(Needle::NcatUsage) {
            return Some((Tool::Ncat, self.has(Needle::NcatExec)));
        }
        if self.has(Needle::SocatBanner) {
            return Some((Tool::Socat, true));
        }
        if self.has(Needle::OpenbsdBanner) {
            return Some((Tool::NetcatOpenbsd, false));
        }
        if self.has(Needle::NmapUsage) {
            return Some((Tool::Nmap, false));
        }
        if self.has(Needle::TcpdumpVersion) {
            return Some((Tool::Tcpdump, false));
        }
        if self.has(Needle::TsharkBanner) {
            return Some((Tool::Tshark, false));
        }
        None
    }
}

/// Whether bytes start like an ELF file.
pub fn is_elf(prefix: &[u8]) -> bool {
    prefix.starts_with(b"\x7fELF")
}

/// Facts about a whole file held in memory.
pub fn analyse(bytes: &[u8]) -> Facts {
    let mut seen = Seen::default();
    seen.scan(bytes);
    facts_from(seen, is_elf(bytes), Some(bytes))
}

/// Facts from the needles seen; `whole` is the file when it was kept (a
/// BusyBox binary needs it for its applet table and usage texts).
pub fn facts_from(seen: Seen, elf: bool, whole: Option<&[u8]>) -> Facts {
    let mut facts = Facts {
        elf,
        ..Facts::default()
    };
    if !elf {
        return facts;
    }
    if let Some((tool, exec)) = seen.tool() {
        facts.tool = Some(tool);
        facts.exec_capable = exec;
        if tool == Tool::Busybox {
            let busybox = whole.map(super::busybox::inspect).unwrap_or_default();
            facts.exec_capable = busybox.nc_can_exec();
            facts.busybox = Some(Box::new(busybox));
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elf(parts: &[&[u8]]) -> Vec<u8> {
        let mut bytes = b"\x7fELF\x02\x01\x01".to_vec();
        bytes.resize(64, 0);
        for p in parts {
            bytes.extend_from_slice(b"\0\0");
            bytes.extend_from_slice(p);
        }
        bytes
    }

    #[test]
    fn tells_netcat_variants_apart_by_content() {
        let traditional = elf(&[
            b"[v1.10-47]",
            b"-e filename\t\tprogram to exec after connect [dangerous!!]",
        ]);
        assert_eq!(analyse(&traditional).tool, Some(Tool::NetcatTraditional));
        assert!(analyse(&traditional).exec_capable);
        let openbsd = elf(&[b"OpenBSD netcat (Debian patchlevel 1.219-1)"]);
        let facts = analyse(&openbsd);
        assert_eq!(
            (facts.tool, facts.exec_capable),
            (Some(Tool::NetcatOpenbsd), false)
        );
        let ncat = elf(&[b"Usage: ncat [options] [hostname] [port]", b"--sh-exec"]);
        assert!(analyse(&ncat).exec_capable);
        // The strings alone in a text file are not a binary.
        assert_eq!(
            analyse(b"[v1.10 program to exec after connect [dangerous!!]").tool,
            None
        );
    }

    #[test]
    fn a_streamed_search_sees_needles_across_chunks() {
        let file = elf(&[b"socat by Gerhard Rieger and contributors"]);
        let split = file.len() - 20;
        let keep = max_needle_len();
        let mut seen = Seen::default();
        seen.scan(&file[..split]);
        let tail_start = split.saturating_sub(keep);
        seen.scan(&file[tail_start..]);
        assert_eq!(seen.tool(), Some((Tool::Socat, true)));
    }
}
