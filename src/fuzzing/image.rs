//! The image targets: one layer's bytes, the package databases inside a
//! layer, and a whole `docker save` archive with one member fuzzed.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use md5::Digest as _;

use super::harness::{Scratch, judge, parts};
use crate::image::codec::{Decoder, hex, sha256_of};
use crate::image::layer::{LayerScan, Limits, hash_files, scan_layer};
use crate::image::tree::Tree;
use crate::image::{Options, pkgdb};
use crate::params::Params;
use crate::scan::Scanned;

/// The limits every target reads layers with: the defaults, but for
/// sizes a fuzzer's input cannot reach without being a decompression
/// bomb, which the defaults stop only after 512 MiB of output (a
/// bounded, slow, correct refusal: not what the targets look for).
fn limits() -> Limits {
    Limits {
        max_layer_bytes: 64 << 20,
        bomb_floor: 1 << 20,
        max_entries: 100_000,
        ..Limits::default()
    }
}

/// `image_layer`: the bytes as a layer blob (tar, gzip or zstd), scanned
/// as a seekable image's layers are (odd lengths with every digest, as a
/// stream's), then applied twice to a merged tree, whose links are
/// resolved and package databases read; the apk-owned files are hashed
/// in a second pass over the same bytes.
pub fn image_layer(data: &[u8]) {
    let limits = Limits {
        all_digests: data.len() % 2 == 1,
        ..limits()
    };
    if let Ok(scan) = scan_layer(data, &limits) {
        merge(data, scan);
    }
}

/// What the image reader does with a scanned layer, short of the
/// manifest and the rules.
fn merge(blob: &[u8], scan: LayerScan) {
    let mut tree = Tree::default();
    tree.apply(0, scan.clone());
    tree.apply(1, scan);
    tree.report_loops();
    let _ = tree.fixture_secrets();
    let packages = pkgdb::read(&tree);
    for (path, _) in tree.iter() {
        let _ = tree.resolve(&path.to_string());
    }
    let wanted: HashSet<String> = packages.apk_owned().map(str::to_string).collect();
    if !wanted.is_empty() {
        let _ = hash_files(blob, &wanted);
    }
}

/// A file of a generated layer.
enum Body<'a> {
    File(&'a [u8], u32),
    Symlink(&'a str),
}

/// An uncompressed tar of `files`, owned by root, dated 0.
fn tar(files: &[(&str, Body)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, body) in files {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(0);
        // Only a name tar cannot hold fails (writing to a Vec does not):
        // that file is left out.
        let _ = match body {
            Body::File(bytes, mode) => {
                header.set_mode(*mode);
                header.set_size(bytes.len() as u64);
                header.set_entry_type(tar::EntryType::Regular);
                builder.append_data(&mut header, path, *bytes)
            }
            Body::Symlink(target) => {
                header.set_mode(0o777);
                header.set_size(0);
                header.set_entry_type(tar::EntryType::Symlink);
                builder.append_link(&mut header, path, target)
            }
        };
    }
    builder.into_inner().unwrap_or_default()
}

const NETCAT: &[u8] =
    b"\x7fELF\x02\x01\x01\0 netcat 1.10: -e filename program to exec after connect";
const BUSYBOX: &[u8] = b"\x7fELF\x02\x01\x01\0 BusyBox v1.36.1 multi-call binary nc";
const STATUS: &[u8] = b"Package: netcat-traditional\nStatus: install ok installed\n\
Version: 1.10-47\nConffiles:\n /etc/nc.conf 0123456789abcdef0123456789abcdef\n\n";
const APK_INSTALLED: &[u8] = b"P:busybox\nV:1.36.1-r2\nF:bin\nR:busybox\na:0:0:755\n\
Z:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n";
const PASSWD: &[u8] = b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
const DOTENV: &[u8] = b"DB_PASSWORD=s3cr3t-Passw0rd-value\n";

/// The members of a generated layer that the package-database and
/// archive targets replace.
#[derive(Default)]
struct Layer<'a> {
    status: Option<&'a [u8]>,
    md5sums: Option<&'a [u8]>,
    list: Option<&'a [u8]>,
    apk: Option<&'a [u8]>,
    status_d: Option<&'a [u8]>,
    alternatives: Option<&'a [u8]>,
    diversions: Option<&'a [u8]>,
    passwd: Option<&'a [u8]>,
    dotenv: Option<&'a [u8]>,
}

impl Layer<'_> {
    /// The layer's tar: a netcat, a BusyBox, a setuid `su`, accounts, an
    /// `.env` with a password, and the dpkg and apk databases that own
    /// the binaries (the netcat's md5sum is right).
    fn build(&self) -> Vec<u8> {
        let md5sums = format!("{}  bin/nc.traditional\n", hex(&md5::Md5::digest(NETCAT)));
        let alternatives = b"auto\n/bin/nc\n\n/bin/nc.traditional\n10\n";
        let mut files = vec![
            ("bin/nc.traditional", Body::File(NETCAT, 0o755)),
            ("bin/nc", Body::Symlink("/etc/alternatives/nc")),
            ("etc/alternatives/nc", Body::Symlink("/bin/nc.traditional")),
            ("bin/busybox", Body::File(BUSYBOX, 0o755)),
            ("usr/bin/su", Body::File(b"#!/bin/sh\n", 0o4755)),
            (
                "etc/passwd",
                Body::File(self.passwd.unwrap_or(PASSWD), 0o644),
            ),
            ("app/.env", Body::File(self.dotenv.unwrap_or(DOTENV), 0o644)),
            (
                "var/lib/dpkg/status",
                Body::File(self.status.unwrap_or(STATUS), 0o644),
            ),
            (
                "var/lib/dpkg/info/netcat-traditional.md5sums",
                Body::File(self.md5sums.unwrap_or(md5sums.as_bytes()), 0o644),
            ),
            (
                "var/lib/dpkg/alternatives/nc",
                Body::File(self.alternatives.unwrap_or(alternatives), 0o644),
            ),
            (
                "lib/apk/db/installed",
                Body::File(self.apk.unwrap_or(APK_INSTALLED), 0o644),
            ),
        ];
        let optional = [
            ("var/lib/dpkg/info/netcat-traditional.list", self.list),
            ("var/lib/dpkg/status.d/netcat", self.status_d),
            ("var/lib/dpkg/diversions", self.diversions),
        ];
        for (path, bytes) in optional {
            if let Some(bytes) = bytes {
                files.push((path, Body::File(bytes, 0o644)));
            }
        }
        tar(&files)
    }
}

/// `package_databases`: seven parts, the files of dpkg's and apk's
/// databases in a generated layer (`status`, a package's `md5sums` and
/// `list`, apk's `installed`, a distroless `status.d` file, an
/// `alternatives` file, `diversions`; an empty part keeps the
/// generated file, or none), read as an image's are.
pub fn package_databases(data: &[u8]) {
    let p = parts(data, 7);
    let given = |i: usize| Some(p[i]).filter(|b| !b.is_empty());
    let layer = Layer {
        status: given(0),
        md5sums: given(1),
        list: given(2),
        apk: given(3),
        status_d: given(4),
        alternatives: given(5),
        diversions: given(6),
        ..Layer::default()
    }
    .build();
    if let Ok(scan) = scan_layer(&layer[..], &limits()) {
        merge(&layer, scan);
    }
}

/// What the archive target's first byte picks to fuzz (modulo the count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Member {
    /// The layer blob (tar, gzip or zstd); the config's diff id is its
    /// uncompressed digest when it decompresses.
    Layer,
    /// The image config; `$DIFF_ID` stands for the layer's diff id.
    Config,
    /// Docker's `manifest.json`; `$CONFIG` and `$LAYER` stand for the
    /// config's and the layer's names in the archive.
    Manifest,
    Status,
    Md5sums,
    ApkInstalled,
    Passwd,
    /// `app/.env`, for the secret detectors.
    Dotenv,
    /// The whole archive.
    Archive,
    /// `index.json` of an OCI layout; `$MANIFEST` and `$MANIFEST_SIZE`
    /// stand for the image manifest's digest and size.
    OciIndex,
}

const MEMBERS: [Member; 10] = [
    Member::Layer,
    Member::Config,
    Member::Manifest,
    Member::Status,
    Member::Md5sums,
    Member::ApkInstalled,
    Member::Passwd,
    Member::Dotenv,
    Member::Archive,
    Member::OciIndex,
];

const CONFIG: &str = r#"{"architecture":"amd64","os":"linux","config":{"User":"app","Env":["PATH=/usr/bin:/bin","API_TOKEN=ghp_0123456789abcdefABCDEF0123456789abcd"],"Cmd":["/bin/nc","-l"],"ExposedPorts":{"22/tcp":{}}},"rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},"history":[{"created_by":"/bin/sh -c apt-get install -y netcat-traditional"}]}"#;
const MANIFEST: &str = r#"[{"Config":"$CONFIG","RepoTags":["fuzz:latest"],"Layers":["$LAYER"]}]"#;
const OCI_INDEX: &str = r#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$MANIFEST","size":$MANIFEST_SIZE,"platform":{"architecture":"amd64","os":"linux"}}]}"#;

/// `image_archive`: the first byte picks a [`Member`], the rest is that
/// member's bytes in an otherwise valid archive (`docker save`'s layout,
/// or an OCI layout for the index). The archive is read twice, as a
/// stream (`docker save | drydock image -`) and as a file (seekable,
/// layers in parallel), and checked by the image rules; the file's
/// audit is judged and reported.
pub fn image_archive(data: &[u8]) {
    let Some((first, member_bytes)) = data.split_first() else {
        return;
    };
    let member = MEMBERS[usize::from(*first) % MEMBERS.len()];
    let archive = archive(member, member_bytes);
    let options = Options {
        limits: limits(),
        ..Options::default()
    };
    let params = Params::default();
    for image in crate::image::read_stream(Cursor::new(&archive), "image.tar", &options).flatten() {
        let _ = crate::image::rules::check(&image, &params);
    }
    let Ok(scratch) = Scratch::new("image") else {
        return;
    };
    let Ok(path) = scratch.write("image.tar", &archive) else {
        return;
    };
    let mut scanned = Scanned::default();
    crate::scan::run_images(&[path], &scratch.dir, &options, &params, &mut scanned);
    judge(scanned, None, &scratch.dir);
}

/// The archive with `bytes` as its `member`.
fn archive(member: Member, bytes: &[u8]) -> Vec<u8> {
    let given = |m: Member| (member == m).then_some(bytes);
    if member == Member::Archive {
        return bytes.to_vec();
    }
    let layer = match member {
        Member::Layer => bytes.to_vec(),
        _ => Layer {
            status: given(Member::Status),
            md5sums: given(Member::Md5sums),
            apk: given(Member::ApkInstalled),
            passwd: given(Member::Passwd),
            dotenv: given(Member::Dotenv),
            ..Layer::default()
        }
        .build(),
    };
    let diff_id = uncompressed_digest(&layer);
    let config = match given(Member::Config) {
        Some(config) => replace(config, &[("$DIFF_ID", &diff_id)]),
        None => CONFIG.replace("$DIFF_ID", &diff_id).into_bytes(),
    };
    let config_digest = sha256_of(&config);
    let layer_digest = sha256_of(&layer);
    let blob = |digest: &str| format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"));
    let (config_name, layer_name) = (blob(&config_digest), blob(&layer_digest));
    let names = [
        ("$CONFIG", config_name.as_str()),
        ("$LAYER", layer_name.as_str()),
    ];
    let manifest = match given(Member::Manifest) {
        Some(manifest) => replace(manifest, &names),
        None => replace(MANIFEST.as_bytes(), &names),
    };
    let oci_manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer_digest}","size":{}}}]}}"#,
        config.len(),
        layer.len()
    );
    let oci_digest = sha256_of(oci_manifest.as_bytes());
    let size = oci_manifest.len().to_string();
    let index_names = [
        ("$MANIFEST_SIZE", size.as_str()),
        ("$MANIFEST", oci_digest.as_str()),
    ];
    let index = replace(
        given(Member::OciIndex).unwrap_or(OCI_INDEX.as_bytes()),
        &index_names,
    );
    let oci_name = blob(&oci_digest);
    let mut files = vec![
        (config_name.as_str(), Body::File(&config, 0o644)),
        (layer_name.as_str(), Body::File(&layer, 0o644)),
    ];
    if member == Member::OciIndex {
        files.push((
            "oci-layout",
            Body::File(br#"{"imageLayoutVersion":"1.0.0"}"#, 0o644),
        ));
        files.push((
            oci_name.as_str(),
            Body::File(oci_manifest.as_bytes(), 0o644),
        ));
        files.push(("index.json", Body::File(&index, 0o644)));
    } else {
        files.push(("manifest.json", Body::File(&manifest, 0o644)));
    }
    tar(&files)
}

/// `bytes` with each placeholder replaced (the first that matches at a
/// place wins, so a longer placeholder goes first).
fn replace(bytes: &[u8], names: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    'outer: while let Some((first, after)) = rest.split_first() {
        for (name, value) in names {
            if let Some(tail) = rest.strip_prefix(name.as_bytes()) {
                out.extend_from_slice(value.as_bytes());
                rest = tail;
                continue 'outer;
            }
        }
        out.push(*first);
        rest = after;
    }
    out
}

/// The digest of the blob's uncompressed bytes, or of the blob when it
/// does not decompress (the reader then says so).
fn uncompressed_digest(blob: &[u8]) -> String {
    let mut plain = Vec::new();
    // Past the limit the reader refuses the layer anyway.
    let decoded = Decoder::sniffed(blob).ok().and_then(|d| {
        d.take(limits().max_layer_bytes)
            .read_to_end(&mut plain)
            .ok()
    });
    match decoded {
        Some(_) => sha256_of(&plain),
        None => sha256_of(blob),
    }
}
