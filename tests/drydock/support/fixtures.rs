//! File contents for image fixtures: fake ELF binaries carrying the strings
//! that identify netcat variants, socat, nmap, tcpdump and busybox, package
//! databases (dpkg, distroless dpkg, apk) and account files. The strings and
//! formats are those of `../shared/reference/image-peers.md` §4.
//!
//! Paths returned by the database builders are archive paths (no leading
//! slash), ready for [`super::image::Layer::files`].

#![allow(dead_code)] // each test binary uses a different part of this module

use std::fmt::Write as _;
use std::io::Write as _;

use base64::Engine as _;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::image::hex;

// ---- ELF payloads ------------------------------------------------------------

/// A minimal ELF64 little-endian executable header (`ET_EXEC`, x86-64),
/// 64 bytes of padding, then each of `parts` followed by a NUL.
pub fn elf_with(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![0u8; 64];
    out[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
    out[16..18].copy_from_slice(&2u16.to_le_bytes()); // e_type = ET_EXEC
    out[18..20].copy_from_slice(&0x3eu16.to_le_bytes()); // e_machine = x86-64
    out[20..24].copy_from_slice(&1u32.to_le_bytes()); // e_version
    out[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    out.extend_from_slice(&[0u8; 64]);
    for p in parts {
        out.extend_from_slice(p);
        out.push(0);
    }
    out
}

/// An ELF with no netcat-like strings (a stand-in for `cat`, `ls`, …).
pub fn plain_elf(name: &str) -> Vec<u8> {
    elf_with(&[format!("Usage: {name} [OPTION]... [FILE]...").as_bytes()])
}

/// Debian netcat-traditional 1.10-47 (`bin/nc.traditional`): exec-capable.
pub fn netcat_traditional() -> Vec<u8> {
    elf_with(&[
        b"[v1.10-47]",
        b"connect to somewhere:\tnc [-options] hostname port[s] [ports] ... ",
        b"listen for inbound:\tnc -l -p port [-options] [hostname] [port]",
        b"\t-c shell commands\tas `-e'; use /bin/sh to exec [dangerous!!]",
        b"\t-e filename\t\tprogram to exec after connect [dangerous!!]",
        b"exec %s failed",
        b"abc:e:g:G:hi:klno:p:q:rs:T:tuvw:zC",
    ])
}

/// Debian netcat-openbsd 1.219-1 (`bin/nc.openbsd`): no `-e`/`-c`.
pub fn netcat_openbsd() -> Vec<u8> {
    elf_with(&[
        b"OpenBSD netcat (Debian patchlevel 1.219-1)",
        b"usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]",
        b"\tCommand Summary:",
        b"46bCDdFhI:i:klM:m:NnO:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz",
    ])
}

/// GNU netcat 0.7.1: exec-capable (`-e, --exec`).
pub fn gnu_netcat() -> Vec<u8> {
    elf_with(&[
        b"GNU netcat %s, a rewrite of the famous networking tool.",
        b"  -e, --exec=PROGRAM         program to exec after connect",
        b"  -c, --close                close connection on EOF from stdin",
        b"netcat (The GNU Netcat)",
        b"0.7.1",
    ])
}

/// Nmap's ncat 7.93: exec-capable (`--exec`, `--sh-exec`, `--lua-exec`).
pub fn ncat() -> Vec<u8> {
    elf_with(&[
        b"Usage: ncat [options] [hostname] [port]",
        b"  -c, --sh-exec <command>    Executes the given command via /bin/sh",
        b"  -e, --exec <command>       Executes the given command",
        b"      --lua-exec <filename>  Executes the given Lua script",
        b"Only one of --exec, --sh-exec, and --lua-exec is allowed.",
        b"https://nmap.org/ncat",
        b"Ncat: ",
        b"7.93",
    ])
}

/// socat 1.7.4.4 (exec-capable through `EXEC:`/`SYSTEM:` addresses). The
/// keyword `exec` only appears inside `cloexec`, as in the real binary.
pub fn socat() -> Vec<u8> {
    elf_with(&[
        b"socat by Gerhard Rieger and contributors - see www.dest-unreach.org",
        b"socat version %s on %s",
        b"socat [options] <bi-address> <bi-address>",
        b"exec'd process %d on socket %d terminated",
        b"system(\"%s\")",
        b"cloexec",
        b"1.7.4.4",
    ])
}

/// nmap 7.93.
pub fn nmap() -> Vec<u8> {
    elf_with(&[
        b"Nmap %s ( %s )",
        b"Usage: nmap [Scan Type(s)] [Options] {target specification}",
        b"Starting %s %s ( %s ) at %s",
        b"https://nmap.org",
        b"7.93",
    ])
}

/// tcpdump 4.99.3.
pub fn tcpdump() -> Vec<u8> {
    elf_with(&[
        b"tcpdump version %s",
        b"4.99.3",
        b"Usage: %s [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]",
        b"libpcap version %s",
    ])
}

// ---- busybox -----------------------------------------------------------------

/// The applet table of [`busybox`], sorted as busybox sorts it.
pub const BUSYBOX_APPLETS: [&str; 13] = [
    "[", "[[", "ash", "cat", "chmod", "ls", "mount", "nc", "ping", "sh", "su", "telnet", "wget",
];

/// The version string in [`busybox`] blobs.
pub const BUSYBOX_VERSION: &str = "BusyBox v1.36.1 (fixture)";

/// Options of [`busybox_with`].
#[derive(Clone, Copy, Debug)]
pub struct Busybox {
    /// nc's usage offers `-e PROG` (Debian/Alpine builds do).
    pub nc_exec: bool,
    /// Usage texts as a bzip2 stream with `BZ` dropped (else plain,
    /// NUL-separated).
    pub compressed_usage: bool,
    /// A second, unrelated `BZ`-less bzip2 stream (embedded scripts) before
    /// the usage stream, whose entry count does not match the applets.
    pub decoy_stream: bool,
}

/// A busybox-like blob with compressed usage texts and no decoy.
pub fn busybox(nc_exec: bool) -> Vec<u8> {
    busybox_with(Busybox {
        nc_exec,
        compressed_usage: true,
        decoy_stream: false,
    })
}

/// The usage text of each applet of [`BUSYBOX_APPLETS`], in table order
/// (trivial usage, blank line, full usage, as busybox packs them).
pub fn busybox_usage_texts(nc_exec: bool) -> Vec<String> {
    BUSYBOX_APPLETS
        .iter()
        .map(|&a| match a {
            "nc" if nc_exec => "[-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]\n\n\
                 Open a pipe to IP:PORT or FILE\n\n\
                 \t-l\tListen mode, for inbound connects\n\
                 \t-lk\tWith -e, provides persistent server\n\
                 \t-p PORT\tLocal port\n\
                 \t-w SEC\tTimeout for connects and final net reads\n\
                 \t-f FILE\tUse file (ala /dev/ttyS0) instead of network\n\
                 \t-e PROG\tRun PROG after connect"
                .to_string(),
            "nc" => "[-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT]\n\n\
                 Open a pipe to IP:PORT or FILE\n\n\
                 \t-l\tListen mode, for inbound connects\n\
                 \t-p PORT\tLocal port\n\
                 \t-w SEC\tTimeout for connects and final net reads\n\
                 \t-f FILE\tUse file (ala /dev/ttyS0) instead of network"
                .to_string(),
            "sh" | "ash" => {
                "[-il] [-|+Cabefmnuvx] [-|+o OPT]... [-c 'SCRIPT' [ARG0 ARGS] | FILE ARGS]\n\n\
                 Unix shell interpreter"
                    .to_string()
            }
            _ => format!("[OPTIONS] [ARGS]...\n\n{a} (fixture applet)"),
        })
        .collect()
}

/// bzip2 of `data` with the leading `BZ` dropped, as busybox stores it.
pub fn bzip2_without_magic(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).expect("bzip2 into memory");
    let out = enc.finish().expect("bzip2 into memory");
    assert!(out.starts_with(b"BZh"), "bzip2 magic");
    out[2..].to_vec()
}

/// A busybox-like ELF: version string, NUL-separated sorted applet table
/// starting `[\0[[\0`, then the usage texts (one per applet plus a trailing
/// empty entry).
pub fn busybox_with(opts: Busybox) -> Vec<u8> {
    let mut out = elf_with(&[
        BUSYBOX_VERSION.as_bytes(),
        b"BusyBox is a multi-call binary that combines many common Unix",
    ]);
    out.extend_from_slice(&[0u8; 32]);
    if opts.decoy_stream {
        let scripts = b"#!/bin/sh\necho embedded script one\n\0#!/bin/sh\nexit 0\n\0";
        out.extend_from_slice(&bzip2_without_magic(scripts));
        out.extend_from_slice(&[0u8; 16]);
    }
    for a in BUSYBOX_APPLETS {
        out.extend_from_slice(a.as_bytes());
        out.push(0);
    }
    out.extend_from_slice(&[0u8; 16]);
    let mut packed = Vec::new();
    for t in busybox_usage_texts(opts.nc_exec) {
        packed.extend_from_slice(t.as_bytes());
        packed.push(0);
    }
    if opts.compressed_usage {
        out.extend_from_slice(&bzip2_without_magic(&packed));
    } else {
        out.extend_from_slice(&packed);
    }
    out.extend_from_slice(&[0u8; 16]);
    out
}

// ---- digests -----------------------------------------------------------------

/// Hex MD5 of `data`.
pub fn md5_hex(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

/// apk `Z:` value `Q1<base64 SHA-1>` of `data` (for a symlink: the target).
pub fn apk_q1(data: &[u8]) -> String {
    format!(
        "Q1{}",
        base64::engine::general_purpose::STANDARD.encode(Sha1::digest(data))
    )
}

/// apk `Z:` value `Q2<base64 SHA-256>` of `data`.
pub fn apk_q2(data: &[u8]) -> String {
    format!(
        "Q2{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(data))
    )
}

// ---- dpkg ----------------------------------------------------------------------

/// One dpkg package: a `status` stanza, `info/<pkg>.md5sums` and
/// `info/<pkg>.list` (`<pkg>:<arch>.*` when `Multi-Arch: same`).
#[derive(Clone, Debug)]
pub struct DpkgPackage {
    pub name: String,
    pub version: String,
    pub arch: String,
    multi_arch: Option<String>,
    status: String,
    fields: Vec<(String, String)>,
    /// (absolute path, md5 hex) of regular files.
    files: Vec<(String, String)>,
    /// (absolute path, md5 hex, obsolete).
    conffiles: Vec<(String, String, bool)>,
    /// Paths only in `.list` (directories, symlinks, diverted files).
    list_only: Vec<String>,
}

fn absolute(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

impl DpkgPackage {
    pub fn new(name: &str, version: &str, arch: &str) -> Self {
        Self {
            name: name.to_string(),
            version: version.to_string(),
            arch: arch.to_string(),
            multi_arch: None,
            status: "install ok installed".to_string(),
            fields: Vec::new(),
            files: Vec::new(),
            conffiles: Vec::new(),
            list_only: Vec::new(),
        }
    }

    /// `Multi-Arch:` (`same` renames the info files to `<pkg>:<arch>.*`).
    pub fn multi_arch(mut self, value: &str) -> Self {
        self.multi_arch = Some(value.to_string());
        self
    }

    /// `Status:` (default `install ok installed`).
    pub fn status(mut self, value: &str) -> Self {
        self.status = value.to_string();
        self
    }

    /// Another stanza field (`Depends`, `Provides`, …), after `Version`.
    pub fn field(mut self, key: &str, value: &str) -> Self {
        self.fields.push((key.to_string(), value.to_string()));
        self
    }

    /// A regular file with its real MD5 (path with or without leading `/`).
    pub fn file(self, path: &str, content: &[u8]) -> Self {
        let md5 = md5_hex(content);
        self.file_md5(path, &md5)
    }

    /// A regular file with the given MD5 (e.g. a wrong one).
    pub fn file_md5(mut self, path: &str, md5: &str) -> Self {
        self.files.push((absolute(path), md5.to_string()));
        self
    }

    /// A conffile: in `Conffiles:` and `.list`, not in `md5sums`.
    pub fn conffile(mut self, path: &str, content: &[u8]) -> Self {
        self.conffiles
            .push((absolute(path), md5_hex(content), false));
        self
    }

    /// A conffile with the given MD5, optionally marked `obsolete`.
    pub fn conffile_md5(mut self, path: &str, md5: &str, obsolete: bool) -> Self {
        self.conffiles
            .push((absolute(path), md5.to_string(), obsolete));
        self
    }

    /// A path only listed in `.list` (a symlink, or a file dpkg does not
    /// checksum).
    pub fn list_only(mut self, path: &str) -> Self {
        self.list_only.push(absolute(path));
        self
    }

    /// `<pkg>` or `<pkg>:<arch>`, the stem of the `info/` files.
    pub fn info_name(&self) -> String {
        if self.multi_arch.as_deref() == Some("same") {
            format!("{}:{}", self.name, self.arch)
        } else {
            self.name.clone()
        }
    }

    /// The `status` stanza (ends with a newline, no blank line).
    pub fn stanza(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Package: {}", self.name);
        let _ = writeln!(s, "Status: {}", self.status);
        s.push_str("Priority: optional\nSection: misc\nInstalled-Size: 42\n");
        s.push_str("Maintainer: Fixture Maintainers <fixture@example.invalid>\n");
        let _ = writeln!(s, "Architecture: {}", self.arch);
        if let Some(ma) = &self.multi_arch {
            let _ = writeln!(s, "Multi-Arch: {ma}");
        }
        let _ = writeln!(s, "Version: {}", self.version);
        for (k, v) in &self.fields {
            let _ = writeln!(s, "{k}: {v}");
        }
        if !self.conffiles.is_empty() {
            s.push_str("Conffiles:\n");
            for (path, md5, obsolete) in &self.conffiles {
                let _ = write!(s, " {path} {md5}");
                s.push_str(if *obsolete { " obsolete\n" } else { "\n" });
            }
        }
        let _ = writeln!(s, "Description: {} (fixture)", self.name);
        s
    }

    /// `md5sums`: `<md5>  <path without leading slash>` per regular file.
    pub fn md5sums(&self) -> String {
        let mut s = String::new();
        for (path, md5) in &self.files {
            let _ = writeln!(s, "{md5}  {}", &path[1..]);
        }
        s
    }

    /// `.list`: `/.`, then every path with its parent directories first.
    pub fn list(&self) -> String {
        let mut seen = std::collections::BTreeSet::new();
        let mut lines = vec!["/.".to_string()];
        let paths = self
            .files
            .iter()
            .map(|f| &f.0)
            .chain(self.conffiles.iter().map(|c| &c.0))
            .chain(&self.list_only);
        for p in paths {
            let mut prefix = String::new();
            for part in p[1..].split('/') {
                prefix.push('/');
                prefix.push_str(part);
                if seen.insert(prefix.clone()) {
                    lines.push(prefix.clone());
                }
            }
        }
        lines.join("\n") + "\n"
    }
}

/// An update-alternatives group (`var/lib/dpkg/alternatives/<name>`).
#[derive(Clone, Debug)]
pub struct Alternative {
    pub name: String,
    pub link: String,
    manual: Option<String>,
    slaves: Vec<(String, String)>,
    /// (path, priority, one target per slave, "" when none).
    choices: Vec<(String, u32, Vec<String>)>,
}

impl Alternative {
    /// `name` with master link `link` (e.g. `nc`, `/bin/nc`).
    pub fn new(name: &str, link: &str) -> Self {
        Self {
            name: name.to_string(),
            link: absolute(link),
            manual: None,
            slaves: Vec::new(),
            choices: Vec::new(),
        }
    }

    /// A slave link (e.g. `netcat`, `/bin/netcat`).
    pub fn slave(mut self, name: &str, link: &str) -> Self {
        self.slaves.push((name.to_string(), absolute(link)));
        self
    }

    /// A choice with its priority and one target per slave (`""` = none).
    pub fn choice(mut self, path: &str, priority: u32, slave_targets: &[&str]) -> Self {
        let targets = slave_targets.iter().map(|t| (*t).to_string()).collect();
        self.choices.push((absolute(path), priority, targets));
        self
    }

    /// Manual mode with `path` selected (default: auto, best priority).
    pub fn manual(mut self, path: &str) -> Self {
        self.manual = Some(absolute(path));
        self
    }

    /// The selected choice.
    pub fn selected(&self) -> String {
        if let Some(m) = &self.manual {
            return m.clone();
        }
        self.choices
            .iter()
            .max_by_key(|c| c.1)
            .map(|c| c.0.clone())
            .expect("an alternative has a choice")
    }

    /// The administrative file.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(if self.manual.is_some() {
            "manual\n"
        } else {
            "auto\n"
        });
        let _ = writeln!(s, "{}", self.link);
        for (name, link) in &self.slaves {
            let _ = writeln!(s, "{name}\n{link}");
        }
        s.push('\n');
        for (path, prio, targets) in &self.choices {
            let _ = writeln!(s, "{path}\n{prio}");
            for i in 0..self.slaves.len() {
                let _ = writeln!(s, "{}", targets.get(i).map_or("", String::as_str));
            }
        }
        s.push('\n');
        s
    }

    /// The symlinks update-alternatives makes, as (archive path, target):
    /// `bin/nc -> /etc/alternatives/nc`, `etc/alternatives/nc -> <selected>`,
    /// and the same for slaves that the selected choice provides.
    pub fn symlinks(&self) -> Vec<(String, String)> {
        let selected = self.selected();
        let mut out = vec![
            (
                self.link[1..].to_string(),
                format!("/etc/alternatives/{}", self.name),
            ),
            (format!("etc/alternatives/{}", self.name), selected.clone()),
        ];
        let targets = self
            .choices
            .iter()
            .find(|c| c.0 == selected)
            .map(|c| c.2.clone())
            .unwrap_or_default();
        for (i, (name, link)) in self.slaves.iter().enumerate() {
            if let Some(t) = targets.get(i).filter(|t| !t.is_empty()) {
                out.push((link[1..].to_string(), format!("/etc/alternatives/{name}")));
                out.push((format!("etc/alternatives/{name}"), t.clone()));
            }
        }
        out
    }
}

/// A dpkg database.
#[derive(Clone, Debug, Default)]
pub struct Dpkg {
    packages: Vec<DpkgPackage>,
    alternatives: Vec<Alternative>,
    diversions: Vec<(String, String, String)>,
}

impl Dpkg {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn package(mut self, p: DpkgPackage) -> Self {
        self.packages.push(p);
        self
    }

    pub fn alternative(mut self, a: Alternative) -> Self {
        self.alternatives.push(a);
        self
    }

    /// A diversion of `from` to `to` by package `by` (`:` = local).
    pub fn diversion(mut self, from: &str, to: &str, by: &str) -> Self {
        self.diversions
            .push((absolute(from), absolute(to), by.to_string()));
        self
    }

    /// `var/lib/dpkg/status` content.
    pub fn status(&self) -> String {
        let stanzas: Vec<String> = self.packages.iter().map(DpkgPackage::stanza).collect();
        stanzas.join("\n")
    }

    /// Files of a classic dpkg database: `var/lib/dpkg/status`,
    /// `info/<pkg>.md5sums` (when the package has files), `info/<pkg>.list`,
    /// `alternatives/<name>`, `diversions` (when any).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = vec![(
            "var/lib/dpkg/status".to_string(),
            self.status().into_bytes(),
        )];
        for p in &self.packages {
            let stem = format!("var/lib/dpkg/info/{}", p.info_name());
            if !p.files.is_empty() {
                out.push((format!("{stem}.md5sums"), p.md5sums().into_bytes()));
            }
            out.push((format!("{stem}.list"), p.list().into_bytes()));
        }
        for a in &self.alternatives {
            out.push((
                format!("var/lib/dpkg/alternatives/{}", a.name),
                a.render().into_bytes(),
            ));
        }
        if !self.diversions.is_empty() {
            let mut s = String::new();
            for (from, to, by) in &self.diversions {
                let _ = writeln!(s, "{from}\n{to}\n{by}");
            }
            out.push(("var/lib/dpkg/diversions".to_string(), s.into_bytes()));
        }
        out
    }

    /// Files of a distroless database: `var/lib/dpkg/status.d/<name>` and
    /// `status.d/<name>.md5sums` per package (no `status`, no `info/`).
    pub fn distroless_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for p in &self.packages {
            let stem = format!("var/lib/dpkg/status.d/{}", p.name);
            out.push((stem.clone(), p.stanza().into_bytes()));
            if !p.files.is_empty() {
                out.push((format!("{stem}.md5sums"), p.md5sums().into_bytes()));
            }
        }
        out
    }
}

// ---- apk -----------------------------------------------------------------------

/// Where apk keeps its database (`usr/lib/apk/db/installed` also occurs).
pub const APK_INSTALLED: &str = "lib/apk/db/installed";

#[derive(Clone, Debug)]
enum ApkItem {
    Dir {
        path: String,
        uid: u32,
        gid: u32,
        mode: u32,
    },
    File {
        path: String,
        uid: u32,
        gid: u32,
        mode: u32,
        z: String,
    },
}

/// One package stanza of `lib/apk/db/installed`.
#[derive(Clone, Debug)]
pub struct ApkPackage {
    pub name: String,
    pub version: String,
    pub arch: String,
    fields: Vec<(char, String)>,
    items: Vec<ApkItem>,
}

impl ApkPackage {
    pub fn new(name: &str, version: &str, arch: &str) -> Self {
        Self {
            name: name.to_string(),
            version: version.to_string(),
            arch: arch.to_string(),
            fields: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Another package field (`D`, `p`, `o`, `f`, …), before the files.
    pub fn field(mut self, key: char, value: &str) -> Self {
        self.fields.push((key, value.to_string()));
        self
    }

    /// An `F:` directory (with `M:` when not 0:0 0755).
    pub fn dir(mut self, path: &str, uid: u32, gid: u32, mode: u32) -> Self {
        self.items.push(ApkItem::Dir {
            path: path.trim_matches('/').to_string(),
            uid,
            gid,
            mode,
        });
        self
    }

    /// A root-owned file with a `Z:Q1` (SHA-1) digest of `content`; `a:` is
    /// written when `mode` is not 0644 (`a:0:0:755`, `a:0:0:4755`).
    pub fn file(self, path: &str, mode: u32, content: &[u8]) -> Self {
        self.file_z(path, 0, 0, mode, &apk_q1(content))
    }

    /// A root-owned file with a `Z:Q2` (SHA-256) digest.
    pub fn file_q2(self, path: &str, mode: u32, content: &[u8]) -> Self {
        self.file_z(path, 0, 0, mode, &apk_q2(content))
    }

    /// A file with any owner and a literal `Z:` value (e.g. a wrong one).
    pub fn file_z(mut self, path: &str, uid: u32, gid: u32, mode: u32, z: &str) -> Self {
        let path = path.trim_start_matches('/').to_string();
        assert!(path.contains('/'), "apk files live in a directory: {path}");
        self.items.push(ApkItem::File {
            path,
            uid,
            gid,
            mode,
            z: z.to_string(),
        });
        self
    }

    /// A symlink: `a:0:0:777` and `Z:Q1` of the target string.
    pub fn symlink(self, path: &str, target: &str) -> Self {
        self.file_z(path, 0, 0, 0o777, &apk_q1(target.as_bytes()))
    }

    /// The stanza, ending with a blank line.
    pub fn stanza(&self) -> String {
        let mut s = String::new();
        let id = format!("{}-{}", self.name, self.version);
        let _ = writeln!(s, "C:{}", apk_q1(id.as_bytes()));
        let _ = writeln!(s, "P:{}", self.name);
        let _ = writeln!(s, "V:{}", self.version);
        let _ = writeln!(s, "A:{}", self.arch);
        s.push_str("S:1024\nI:4096\n");
        let _ = writeln!(s, "T:{} (fixture)", self.name);
        s.push_str("U:https://example.invalid/\nL:GPL-2.0-only\n");
        let _ = writeln!(s, "o:{}", self.name);
        s.push_str("m:Fixture <fixture@example.invalid>\nt:1704067200\n");
        for (k, v) in &self.fields {
            let _ = writeln!(s, "{k}:{v}");
        }
        let mut current_dir: Option<String> = None;
        for item in &self.items {
            match item {
                ApkItem::Dir {
                    path,
                    uid,
                    gid,
                    mode,
                } => {
                    let _ = writeln!(s, "F:{path}");
                    if (*uid, *gid, *mode) != (0, 0, 0o755) {
                        let _ = writeln!(s, "M:{uid}:{gid}:{mode:o}");
                    }
                    current_dir = Some(path.clone());
                }
                ApkItem::File {
                    path,
                    uid,
                    gid,
                    mode,
                    z,
                } => {
                    let (dir, name) = path.rsplit_once('/').expect("checked in file_z");
                    if current_dir.as_deref() != Some(dir) {
                        let _ = writeln!(s, "F:{dir}");
                        current_dir = Some(dir.to_string());
                    }
                    let _ = writeln!(s, "R:{name}");
                    if (*uid, *gid, *mode) != (0, 0, 0o644) {
                        let _ = writeln!(s, "a:{uid}:{gid}:{mode:o}");
                    }
                    let _ = writeln!(s, "Z:{z}");
                }
            }
        }
        s.push('\n');
        s
    }
}

/// `lib/apk/db/installed` content for `packages`.
pub fn apk_installed(packages: &[ApkPackage]) -> Vec<u8> {
    packages
        .iter()
        .map(ApkPackage::stanza)
        .collect::<String>()
        .into_bytes()
}

// ---- accounts ------------------------------------------------------------------

/// `/etc/passwd` from `(name, uid, gid, home, shell)`.
pub fn passwd(users: &[(&str, u32, u32, &str, &str)]) -> Vec<u8> {
    let mut s = String::new();
    for (name, uid, gid, home, shell) in users {
        let _ = writeln!(s, "{name}:x:{uid}:{gid}:{name}:{home}:{shell}");
    }
    s.into_bytes()
}

/// `/etc/group` from `(name, gid, members)`.
pub fn group(groups: &[(&str, u32, &[&str])]) -> Vec<u8> {
    let mut s = String::new();
    for (name, gid, members) in groups {
        let _ = writeln!(s, "{name}:x:{gid}:{}", members.join(","));
    }
    s.into_bytes()
}

/// `/etc/shadow` from `(name, password hash)`; `""` is an empty password,
/// `"*"` or `"!"` a locked account.
pub fn shadow(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::new();
    for (name, hash) in entries {
        let _ = writeln!(s, "{name}:{hash}:19723:0:99999:7:::");
    }
    s.into_bytes()
}

/// A Debian-like base: root, daemon, nobody.
pub fn base_passwd() -> Vec<u8> {
    passwd(&[
        ("root", 0, 0, "/root", "/bin/bash"),
        ("daemon", 1, 1, "/usr/sbin", "/usr/sbin/nologin"),
        ("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin"),
    ])
}

/// The groups matching [`base_passwd`].
pub fn base_group() -> Vec<u8> {
    group(&[
        ("root", 0, &[]),
        ("daemon", 1, &[]),
        ("nogroup", 65534, &[]),
    ])
}
