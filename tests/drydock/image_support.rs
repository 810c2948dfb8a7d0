//! Checks the image builders of `tests/drydock/support` on their own, by reading
//! what they write with `tar`, `flate2` and `zstd` directly — independent of
//! drydock's reader, so a bug there cannot hide a bug here.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::support::fixtures::{self, Alternative, ApkPackage, Busybox, Dpkg, DpkgPackage};
use crate::support::image::{
    self, BuiltImage, Compression, Corruption, Image, IndexStyle, Layer, hostile, media,
};
use serde_json::Value;
use tar::EntryType;

// ---- reading helpers ---------------------------------------------------------

#[derive(Debug)]
struct Member {
    kind: EntryType,
    mode: u32,
    uid: u64,
    mtime: u64,
    data: Vec<u8>,
    link: Option<String>,
}

/// Entries of a tar stream in order, names as raw (lossy) strings.
fn tar_entries(bytes: &[u8]) -> Vec<(String, Member)> {
    let mut ar = tar::Archive::new(bytes);
    let mut out = Vec::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let link = e
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned());
        let h = e.header();
        let (kind, mode, uid, mtime) = (
            h.entry_type(),
            h.mode().unwrap(),
            h.uid().unwrap(),
            h.mtime().unwrap(),
        );
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        out.push((
            name,
            Member {
                kind,
                mode,
                uid,
                mtime,
                data,
                link,
            },
        ));
    }
    out
}

fn tar_map(bytes: &[u8]) -> BTreeMap<String, Member> {
    tar_entries(bytes).into_iter().collect()
}

fn names(bytes: &[u8]) -> Vec<String> {
    tar_entries(bytes).into_iter().map(|(n, _)| n).collect()
}

fn decompress(blob: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if blob.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(blob)
            .read_to_end(&mut out)
            .unwrap();
    } else if blob.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        out = zstd::decode_all(blob).unwrap();
    } else {
        out = blob.to_vec();
    }
    out
}

fn gzip_members(mut blob: &[u8]) -> usize {
    let mut n = 0;
    while !blob.is_empty() {
        let mut d = flate2::bufread::GzDecoder::new(&mut blob);
        std::io::copy(&mut d, &mut std::io::sink()).unwrap();
        n += 1;
    }
    n
}

fn zstd_frames(mut blob: &[u8]) -> usize {
    let mut n = 0;
    while !blob.is_empty() {
        let len = zstd::zstd_safe::find_frame_compressed_size(blob).unwrap();
        blob = &blob[len..];
        n += 1;
    }
    n
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap()
}

/// Files of a directory tree, relative names, for byte comparison.
fn dir_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

// ---- the sample image -----------------------------------------------------------

fn base_layer() -> Layer {
    Layer::new()
        .dir("bin", 0o755, 0, 0)
        .dir("etc", 0o755, 0, 0)
        .dir("etc/app", 0o755, 0, 0)
        .file("etc/app/old.conf", 0o644, 0, 0, b"old\n".to_vec())
        .file("etc/motd", 0o644, 0, 0, b"hello\n".to_vec())
        .file("etc/passwd", 0o644, 0, 0, fixtures::base_passwd())
        .file("bin/su", 0o4755, 0, 0, fixtures::plain_elf("su"))
        .hardlink("bin/su-again", "bin/su")
        .file(
            "bin/nc.traditional",
            0o755,
            0,
            0,
            fixtures::netcat_traditional(),
        )
        .symlink("bin/nc", "/etc/alternatives/nc")
        .created_by("/bin/sh -c #(nop) ADD file:base in / ")
}

fn app_layer() -> Layer {
    Layer::new()
        .whiteout("etc/motd")
        .opaque("etc/app")
        .file("etc/app/new.conf", 0o600, 1000, 1000, b"new\n".to_vec())
        .pax(&[("SCHILY.xattr.security.capability", b"\x01\x00\x00\x02")])
        .file("bin/ping", 0o755, 0, 0, fixtures::plain_elf("ping"))
        .created_by("RUN apt-get install -y iputils-ping")
}

fn sample(c: Compression) -> Image {
    Image::new()
        .user("app")
        .env(["PATH=/usr/bin:/bin", "SECRET_TOKEN=x"])
        .healthcheck(&["CMD-SHELL", "true"])
        .expose("22/tcp")
        .layer(base_layer())
        .empty_layer("/bin/sh -c #(nop)  CMD [\"bash\"]")
        .layer(app_layer())
        .empty_layer("USER app")
        .compression(c)
}

/// Checks config and manifest against the blobs `get` returns.
fn check_image(
    manifest: &Value,
    get: &dyn Fn(&str) -> Vec<u8>,
    c: Compression,
    docker_media: bool,
) {
    assert_eq!(manifest["schemaVersion"], 2);
    let config_desc = &manifest["config"];
    let config = get(config_desc["digest"].as_str().unwrap());
    assert_eq!(image::digest(&config), config_desc["digest"]);
    assert_eq!(config.len() as u64, config_desc["size"].as_u64().unwrap());
    let config = json(&config);
    assert_eq!(config["os"], "linux");
    assert_eq!(config["architecture"], "amd64");
    assert_eq!(config["config"]["User"], "app");
    assert_eq!(config["config"]["Healthcheck"]["Test"][0], "CMD-SHELL");
    assert_eq!(config["rootfs"]["type"], "layers");

    let layers = manifest["layers"].as_array().unwrap();
    let diff_ids = config["rootfs"]["diff_ids"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(diff_ids.len(), 2);
    let history = config["history"].as_array().unwrap();
    assert_eq!(history.len(), 4);
    let non_empty: Vec<&Value> = history
        .iter()
        .filter(|h| h["empty_layer"] != true)
        .collect();
    assert_eq!(non_empty.len(), layers.len());
    assert_eq!(history[1]["empty_layer"], true);
    assert_eq!(history[3]["created_by"], "USER app");
    assert_eq!(
        non_empty[1]["created_by"],
        "RUN apt-get install -y iputils-ping"
    );

    let mut tars = Vec::new();
    for (desc, diff_id) in layers.iter().zip(diff_ids) {
        let blob = get(desc["digest"].as_str().unwrap());
        assert_eq!(image::digest(&blob), desc["digest"]);
        assert_eq!(blob.len() as u64, desc["size"].as_u64().unwrap());
        assert_eq!(desc["mediaType"], c.media_type(docker_media));
        match c {
            Compression::None => assert!(blob.starts_with(b"etc/") || blob.starts_with(b"bin/")),
            Compression::Gzip => assert_eq!(gzip_members(&blob), 1),
            Compression::GzipMultiMember => assert_eq!(gzip_members(&blob), 2),
            Compression::Zstd => assert_eq!(zstd_frames(&blob), 1),
            Compression::ZstdMultiFrame => assert_eq!(zstd_frames(&blob), 2),
        }
        let tar = decompress(&blob);
        assert_eq!(&image::digest(&tar), diff_id);
        tars.push(tar);
    }
    assert_eq!(tars[0], base_layer().tar_bytes());
    assert_eq!(tars[1], app_layer().tar_bytes());
    check_layer_contents(&tars[0], &tars[1]);
}

fn check_layer_contents(base: &[u8], app: &[u8]) {
    let base_names = names(base);
    assert_eq!(base_names[0], "bin/", "directories end with a slash");
    let base = tar_map(base);
    assert_eq!(base["bin/su"].mode, 0o4755);
    assert_eq!(base["bin/su"].mtime, image::MTIME);
    assert_eq!(base["bin/su-again"].kind, EntryType::Link);
    assert_eq!(base["bin/su-again"].link.as_deref(), Some("bin/su"));
    assert_eq!(base["bin/nc"].kind, EntryType::Symlink);
    assert_eq!(base["bin/nc"].link.as_deref(), Some("/etc/alternatives/nc"));
    assert_eq!(
        base["bin/nc.traditional"].data,
        fixtures::netcat_traditional()
    );

    let app_names = names(app);
    assert_eq!(app_names[0], "etc/.wh.motd");
    assert_eq!(app_names[1], "etc/app/.wh..wh..opq");
    let mut ar = tar::Archive::new(app);
    let mut found_cap = false;
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        if e.path_bytes().as_ref() == b"bin/ping" {
            let pax = e.pax_extensions().unwrap().unwrap();
            for ext in pax {
                let ext = ext.unwrap();
                found_cap |= ext.key().unwrap() == "SCHILY.xattr.security.capability";
            }
        }
    }
    assert!(found_cap, "the PAX record belongs to bin/ping");
    let app = tar_map(app);
    assert_eq!(app["etc/app/new.conf"].uid, 1000);
    assert_eq!(app["etc/app/new.conf"].mode, 0o600);
}

fn blobs_in_dir(dir: &Path) -> impl Fn(&str) -> Vec<u8> + '_ {
    move |d: &str| std::fs::read(dir.join("blobs/sha256").join(hex_of(d))).unwrap()
}

// ---- layouts ----------------------------------------------------------------------

#[test]
fn oci_dir_with_each_compression() {
    for c in Compression::ALL {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("layout");
        let built = sample(c).write_oci_dir(&dir);
        assert_eq!(
            std::fs::read_to_string(dir.join("oci-layout")).unwrap(),
            r#"{"imageLayoutVersion":"1.0.0"}"#
        );
        let index = json(&std::fs::read(dir.join("index.json")).unwrap());
        assert_eq!(index["mediaType"], media::OCI_INDEX);
        let desc = &index["manifests"][0];
        assert_eq!(desc["mediaType"], media::OCI_MANIFEST);
        assert_eq!(
            desc["annotations"]["org.opencontainers.image.ref.name"],
            "latest"
        );
        assert_eq!(desc["digest"], built.manifest_digest);
        let get = blobs_in_dir(&dir);
        let manifest = get(desc["digest"].as_str().unwrap());
        assert_eq!(image::digest(&manifest), desc["digest"]);
        assert_eq!(manifest.len() as u64, desc["size"].as_u64().unwrap());
        check_image(&json(&manifest), &get, c, false);
        // Exactly the blobs the image needs: 2 layers, config, manifest.
        let blobs = std::fs::read_dir(dir.join("blobs/sha256")).unwrap().count();
        assert_eq!(blobs, 4);
    }
}

#[test]
fn oci_archive_with_each_compression() {
    for c in Compression::ALL {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("image.tar");
        sample(c).write_oci_archive(&path);
        let bytes = std::fs::read(&path).unwrap();
        let order = names(&bytes);
        assert_eq!(&order[..2], ["blobs/", "blobs/sha256/"]);
        assert_eq!(&order[order.len() - 2..], ["index.json", "oci-layout"]);
        let files = tar_map(&bytes);
        let index = json(&files["index.json"].data);
        let get = |d: &str| files[&format!("blobs/sha256/{}", hex_of(d))].data.clone();
        let manifest = json(&get(index["manifests"][0]["digest"].as_str().unwrap()));
        check_image(&manifest, &get, c, false);
    }
}

#[test]
fn docker_oci_archive_with_each_compression() {
    for c in Compression::ALL {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("save.tar");
        sample(c).tag("example/app:1.0").write_docker_oci(&path);
        let bytes = std::fs::read(&path).unwrap();
        let order = names(&bytes);
        assert_eq!(
            &order[order.len() - 3..],
            ["index.json", "manifest.json", "oci-layout"]
        );
        let files = tar_map(&bytes);
        let index = json(&files["index.json"].data);
        let ann = &index["manifests"][0]["annotations"];
        assert_eq!(ann["io.containerd.image.name"], "docker.io/example/app:1.0");
        assert_eq!(ann["org.opencontainers.image.ref.name"], "1.0");
        let get = |d: &str| files[&format!("blobs/sha256/{}", hex_of(d))].data.clone();
        let manifest = json(&get(index["manifests"][0]["digest"].as_str().unwrap()));
        check_image(&manifest, &get, c, false);

        // The compatibility manifest.json points at the same blobs.
        let compat = json(&files["manifest.json"].data);
        assert_eq!(compat[0]["RepoTags"][0], "example/app:1.0");
        let config_path = compat[0]["Config"].as_str().unwrap();
        assert_eq!(
            config_path,
            format!(
                "blobs/sha256/{}",
                hex_of(manifest["config"]["digest"].as_str().unwrap())
            )
        );
        let layer_paths: Vec<&str> = compat[0]["Layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for (p, desc) in layer_paths
            .iter()
            .zip(manifest["layers"].as_array().unwrap())
        {
            assert_eq!(image::digest(&files[*p].data), desc["digest"]);
        }
    }
}

#[test]
fn docker_legacy_archive() {
    for c in [Compression::None, Compression::Gzip] {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("legacy.tar");
        // The base layer twice: the second copy is a symlink, like Docker's.
        let built = sample(c).layer(base_layer()).write_docker_legacy(&path);
        let bytes = std::fs::read(&path).unwrap();
        let order = names(&bytes);
        assert_eq!(&order[order.len() - 2..], ["manifest.json", "repositories"]);
        let files = tar_map(&bytes);
        let manifest = json(&files["manifest.json"].data);
        assert_eq!(manifest[0]["RepoTags"][0], image::DEFAULT_TAG);
        let config_name = manifest[0]["Config"].as_str().unwrap();
        let config_bytes = &files[config_name].data;
        assert_eq!(
            config_name,
            format!("{}.json", image::sha256_hex(config_bytes))
        );
        let config = json(config_bytes);
        let diff_ids = config["rootfs"]["diff_ids"].as_array().unwrap();
        let layers = manifest[0]["Layers"].as_array().unwrap();
        assert_eq!(layers.len(), 3);
        assert_eq!(diff_ids.len(), 3);
        for (i, (l, diff_id)) in layers.iter().zip(diff_ids).enumerate() {
            let l = l.as_str().unwrap();
            let id = l.strip_suffix("/layer.tar").unwrap();
            assert_eq!(files[&format!("{id}/VERSION")].data, b"1.0");
            let v1 = json(&files[&format!("{id}/json")].data);
            assert_eq!(v1["id"], id);
            assert_eq!(files[&format!("{id}/")].kind, EntryType::Directory);
            let member = &files[l];
            let blob = if i == 2 {
                assert_eq!(member.kind, EntryType::Symlink);
                let target = member.link.as_deref().unwrap();
                assert_eq!(target, format!("../{}", layers[0].as_str().unwrap()));
                &files[layers[0].as_str().unwrap()].data
            } else {
                if i == 1 {
                    assert_eq!(v1["parent"], layers[0].as_str().unwrap()[..64]);
                }
                assert_eq!(member.kind, EntryType::Regular);
                &member.data
            };
            assert_eq!(&image::digest(&decompress(blob)), diff_id);
            assert_eq!(image::digest(blob), built.layers[i].digest);
        }
        let top = layers[2]
            .as_str()
            .unwrap()
            .strip_suffix("/layer.tar")
            .unwrap();
        let repos = json(&files["repositories"].data);
        assert_eq!(repos["drydock-fixture"]["latest"], top);
    }
}

#[test]
fn docker_media_types_and_no_history() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("layout");
    let built = sample(Compression::Gzip)
        .docker_media_types()
        .no_history()
        .write_oci_dir(&dir);
    let manifest = json(&built.manifest);
    assert_eq!(manifest["mediaType"], media::DOCKER_MANIFEST);
    assert_eq!(manifest["config"]["mediaType"], media::DOCKER_CONFIG);
    assert_eq!(manifest["layers"][0]["mediaType"], media::DOCKER_LAYER_GZIP);
    assert!(json(&built.config).get("history").is_none());
}

#[test]
fn per_layer_compression_overrides_the_image() {
    let img = Image::new()
        .layer(base_layer().compression(Compression::Zstd))
        .layer(app_layer())
        .compression(Compression::Gzip);
    let built = img.build();
    assert_eq!(built.layers[0].media_type, media::OCI_LAYER_ZSTD);
    assert_eq!(built.layers[1].media_type, media::OCI_LAYER_GZIP);
}

#[test]
fn output_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for c in Compression::ALL {
        let img = sample(c);
        let same = |f: &dyn Fn(&Image, &Path)| {
            let (a, b) = (t.join("a"), t.join("b"));
            f(&img, &a);
            f(&sample(c), &b);
            if a.is_dir() {
                assert_eq!(dir_files(&a), dir_files(&b), "{c:?}");
                std::fs::remove_dir_all(&a).unwrap();
                std::fs::remove_dir_all(&b).unwrap();
            } else {
                assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
                std::fs::remove_file(&a).unwrap();
                std::fs::remove_file(&b).unwrap();
            }
        };
        same(&|i, p| {
            i.write_docker_legacy(p);
        });
        same(&|i, p| {
            i.write_docker_oci(p);
        });
        same(&|i, p| {
            i.write_oci_archive(p);
        });
        same(&|i, p| {
            i.write_oci_dir(p);
        });
        same(&|i, p| {
            image::write_oci_dir_multiarch(
                p,
                &[("linux", "amd64", i), ("linux", "arm64/v8", i)],
                IndexStyle::Nested,
            );
        });
    }
}

#[test]
fn fixtures_are_small() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("image.tar");
    sample(Compression::None).write_docker_legacy(&path);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len < 64 * 1024, "{len} bytes");
}

#[test]
fn multiarch_layouts() {
    for style in [IndexStyle::Nested, IndexStyle::Flat] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("layout");
        let amd = sample(Compression::Gzip);
        let arm = sample(Compression::Zstd).user("arm");
        let built = image::write_oci_dir_multiarch(
            &dir,
            &[("linux", "amd64", &amd), ("linux", "arm/v7", &arm)],
            style,
        );
        assert_eq!(built.len(), 2);
        let get = blobs_in_dir(&dir);
        let index = json(&std::fs::read(dir.join("index.json")).unwrap());
        let list = match style {
            IndexStyle::Nested => {
                let d = &index["manifests"][0];
                assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
                assert_eq!(d["mediaType"], media::OCI_INDEX);
                let inner = get(d["digest"].as_str().unwrap());
                assert_eq!(image::digest(&inner), d["digest"]);
                json(&inner)
            }
            IndexStyle::Flat => index,
        };
        let manifests = list["manifests"].as_array().unwrap();
        assert_eq!(manifests.len(), 2);
        for (desc, (arch, variant, user)) in manifests
            .iter()
            .zip([("amd64", None, "app"), ("arm", Some("v7"), "arm")])
        {
            assert_eq!(desc["mediaType"], media::OCI_MANIFEST);
            assert_eq!(desc["platform"]["os"], "linux");
            assert_eq!(desc["platform"]["architecture"], arch);
            assert_eq!(desc["platform"]["variant"].as_str(), variant);
            let manifest = json(&get(desc["digest"].as_str().unwrap()));
            let config = json(&get(manifest["config"]["digest"].as_str().unwrap()));
            assert_eq!(config["architecture"], arch);
            assert_eq!(config["config"]["User"], user);
            for l in manifest["layers"].as_array().unwrap() {
                let blob = get(l["digest"].as_str().unwrap());
                assert_eq!(image::digest(&blob), l["digest"]);
            }
        }
    }
}

// ---- corruption and hostile input ----------------------------------------------

fn built_with(c: Corruption) -> (tempfile::TempDir, BuiltImage) {
    let tmp = tempfile::tempdir().unwrap();
    let built = sample(Compression::Gzip)
        .corrupt(c)
        .write_oci_dir(&tmp.path().join("layout"));
    (tmp, built)
}

#[test]
fn corruptions() {
    let blob_path =
        |tmp: &tempfile::TempDir, d: &str| tmp.path().join("layout/blobs/sha256").join(hex_of(d));

    let (tmp, b) = built_with(Corruption::TruncateLayer(1));
    let blob = std::fs::read(blob_path(&tmp, &b.layers[1].digest)).unwrap();
    assert_eq!(blob.len() as u64, b.layers[1].size / 2);
    assert_ne!(image::digest(&blob), b.layers[1].digest);

    let (tmp, b) = built_with(Corruption::FlipByteInLayer(0));
    let blob = std::fs::read(blob_path(&tmp, &b.layers[0].digest)).unwrap();
    assert_eq!(blob.len() as u64, b.layers[0].size);
    assert_ne!(image::digest(&blob), b.layers[0].digest);
    // Uncompressed: the tar still reads, only the digest is wrong.
    let plain = sample(Compression::None)
        .corrupt(Corruption::FlipByteInLayer(0))
        .build();
    assert_eq!(
        names(&plain.layers[0].blob),
        names(&base_layer().tar_bytes())
    );
    assert_ne!(image::digest(&plain.layers[0].blob), plain.layers[0].digest);

    let (tmp, b) = built_with(Corruption::MissingLayerBlob(0));
    assert!(!blob_path(&tmp, &b.layers[0].digest).exists());
    assert!(blob_path(&tmp, &b.layers[1].digest).exists());
    assert!(json(&b.manifest)["layers"][0]["digest"] == b.layers[0].digest);

    let (tmp, b) = built_with(Corruption::MissingConfigBlob);
    assert!(!blob_path(&tmp, &b.config_digest).exists());

    let (tmp, b) = built_with(Corruption::MissingManifestBlob);
    assert!(!blob_path(&tmp, &b.manifest_digest).exists());
    let index = std::fs::read_to_string(tmp.path().join("layout/index.json")).unwrap();
    assert!(index.contains(&b.manifest_digest));

    let (_tmp, b) = built_with(Corruption::WrongDiffId(1));
    let tar = decompress(&b.layers[1].blob);
    assert_ne!(image::digest(&tar), b.layers[1].diff_id);
    assert_eq!(
        json(&b.config)["rootfs"]["diff_ids"][1],
        b.layers[1].diff_id
    );

    let (_tmp, b) = built_with(Corruption::WrongLayerSize(0));
    assert_eq!(b.layers[0].size, b.layers[0].blob.len() as u64 + 1);
    assert_eq!(json(&b.manifest)["layers"][0]["size"], b.layers[0].size);

    // Legacy: the missing layer.tar is simply absent.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("legacy.tar");
    sample(Compression::None)
        .corrupt(Corruption::MissingLayerBlob(1))
        .corrupt(Corruption::MissingConfigBlob)
        .write_docker_legacy(&path);
    let files = tar_map(&std::fs::read(&path).unwrap());
    let manifest = json(&files["manifest.json"].data);
    assert!(!files.contains_key(manifest[0]["Config"].as_str().unwrap()));
    assert!(files.contains_key(manifest[0]["Layers"][0].as_str().unwrap()));
    assert!(!files.contains_key(manifest[0]["Layers"][1].as_str().unwrap()));
}

/// The raw 100-byte name field of each header in `tar`.
fn raw_names(tar: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut ar = tar::Archive::new(tar);
    for e in ar.entries().unwrap() {
        let e = e.unwrap();
        let name = &e.header().as_old().name;
        let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        out.push(name[..end].to_vec());
    }
    out
}

#[test]
fn hostile_layers() {
    assert_eq!(
        raw_names(&hostile::dotdot_entry().tar_bytes()),
        [b"etc/../../../tmp/evil".to_vec()]
    );
    assert_eq!(
        raw_names(&hostile::absolute_entry().tar_bytes()),
        [b"/etc/evil".to_vec()]
    );
    let dotslash = Layer::new().unchecked_file(b"./etc/passwd", 0o644, b"x".to_vec());
    assert_eq!(raw_names(&dotslash.tar_bytes()), [b"./etc/passwd".to_vec()]);
    let link = Layer::new().unchecked_link(EntryType::Link, b"bin/x", b"../../etc/shadow");
    let tar = link.tar_bytes();
    let entries = tar_entries(&tar);
    assert_eq!(entries[0].1.link.as_deref(), Some("../../etc/shadow"));

    // Huge claimed size: the header says 8 TiB, the data is not there.
    let tar = hostile::huge_size().tar_bytes();
    assert!(tar.len() < 4096);
    let mut ar = tar::Archive::new(tar.as_slice());
    let mut entries = ar.entries().unwrap();
    let first = entries.next().unwrap().unwrap();
    assert_eq!(first.header().size().unwrap(), 2);
    drop(first);
    let big = entries.next().unwrap().unwrap();
    assert_eq!(big.header().size().unwrap(), 8 << 40);
    assert_eq!(big.path_bytes().as_ref(), b"big");

    let loops = tar_map(&hostile::symlink_loop().tar_bytes());
    assert_eq!(loops["loop/a"].link.as_deref(), Some("b"));
    assert_eq!(loops["loop/b"].link.as_deref(), Some("a"));
    assert_eq!(loops["loop/self"].link.as_deref(), Some("self"));
    assert_eq!(loops["loop/dir"].link.as_deref(), Some("../loop"));

    let hard = tar_map(&hostile::dangling_hardlink().tar_bytes());
    assert_eq!(hard["bin/nc"].kind, EntryType::Link);
    assert!(!hard.contains_key("bin/missing"));

    let many = names(&hostile::many_files(2000).tar_bytes());
    assert_eq!(many.iter().filter(|n| !n.ends_with('/')).count(), 2000);

    let tmp = tempfile::tempdir().unwrap();
    let built = hostile::many_layers(500).write_oci_dir(&tmp.path().join("layout"));
    assert_eq!(
        json(&built.manifest)["layers"].as_array().unwrap().len(),
        500
    );
    let config = json(&built.config);
    assert_eq!(config["rootfs"]["diff_ids"].as_array().unwrap().len(), 500);
    assert_eq!(config["history"].as_array().unwrap().len(), 500);

    // Long names go through the GNU long-name extension.
    let long = "d/".repeat(80) + "file";
    let tar = Layer::new()
        .file(&long, 0o644, 0, 0, b"x".to_vec())
        .tar_bytes();
    assert_eq!(names(&tar), [long]);

    // A raw, unterminated tar is kept as is.
    let raw = Layer::from_tar_bytes(b"not a tar".to_vec());
    assert_eq!(raw.tar_bytes(), b"not a tar");
}

#[test]
fn gzip_bomb_expands_as_declared() {
    // Not a multiple of the internal 1 MiB chunk, to cover the tail.
    let size = (32 << 20) + 1234;
    let layer = Layer::gzip_bomb(size);
    let built = Image::new().layer(layer).build();
    let blob = &built.layers[0].blob;
    assert!(blob.len() < 64 * 1024, "{} bytes", blob.len());
    assert_eq!(built.layers[0].media_type, media::OCI_LAYER_GZIP);
    assert_eq!(gzip_members(blob), 1);

    // Stream it: the CRC and length in the trailer are checked by flate2.
    let mut d = flate2::read::GzDecoder::new(blob.as_slice());
    let mut head = [0u8; 512];
    d.read_exact(&mut head).unwrap();
    let h = tar::Header::from_byte_slice(&head);
    assert_eq!(h.path_bytes().as_ref(), b"bomb");
    assert_eq!(h.size().unwrap(), size);
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 512u64;
    loop {
        let n = d.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        assert!(buf[..n].iter().all(|&b| b == 0));
        total += n as u64;
    }
    let padding = (512 - size % 512) % 512;
    assert_eq!(total, 512 + size + padding + 1024);

    // The 1 GiB one is about 1 MiB and cheap to make.
    let built = hostile::gzip_bomb_image(1 << 30).build();
    assert!(built.layers[0].blob.len() < 2 << 20);
    let mut head = [0u8; 512];
    flate2::read::GzDecoder::new(built.layers[0].blob.as_slice())
        .read_exact(&mut head)
        .unwrap();
    assert_eq!(tar::Header::from_byte_slice(&head).size().unwrap(), 1 << 30);
}

// ---- content fixtures ---------------------------------------------------------------

#[test]
fn elf_payloads() {
    let elf = fixtures::elf_with(&[b"hello"]);
    assert_eq!(&elf[..7], b"\x7fELF\x02\x01\x01");
    assert_eq!(u16::from_le_bytes([elf[16], elf[17]]), 2);
    assert_eq!(u16::from_le_bytes([elf[18], elf[19]]), 0x3e);
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(has(&elf, b"hello\0"));
    assert!(has(
        &fixtures::netcat_traditional(),
        b"\t-e filename\t\tprogram to exec after connect [dangerous!!]"
    ));
    assert!(has(&fixtures::netcat_traditional(), b"[v1.10-47]"));
    let openbsd = fixtures::netcat_openbsd();
    assert!(has(&openbsd, b"OpenBSD netcat (Debian patchlevel 1.219-1)"));
    assert!(!has(&openbsd, b"-e "));
    assert!(has(&fixtures::gnu_netcat(), b"-e, --exec=PROGRAM"));
    assert!(has(&fixtures::ncat(), b"--lua-exec"));
    assert!(has(&fixtures::socat(), b"socat version %s on %s"));
    assert!(has(&fixtures::nmap(), b"Nmap %s"));
    assert!(has(&fixtures::tcpdump(), b"tcpdump version %s"));
}

/// Decodes every `BZh?1AY&SY` stream in `blob` the way image-peers.md §4.5
/// says to, returning the NUL-split entries of each.
fn busybox_streams(blob: &[u8]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for i in 0..blob.len().saturating_sub(8) {
        if blob[i] == b'h' && blob[i + 1].is_ascii_digit() && &blob[i + 2..i + 8] == b"1AY&SY" {
            let mut stream = b"BZ".to_vec();
            stream.extend_from_slice(&blob[i..]);
            let mut text = Vec::new();
            // Trailing bytes after the stream are ignored by the decoder.
            bzip2::read::BzDecoder::new(stream.as_slice())
                .read_to_end(&mut text)
                .unwrap();
            let entries = text
                .split(|&b| b == 0)
                .map(|s| String::from_utf8(s.to_vec()).unwrap())
                .collect();
            out.push(entries);
        }
    }
    out
}

#[test]
fn busybox_blob() {
    let applets = fixtures::BUSYBOX_APPLETS.len();
    let nc = fixtures::BUSYBOX_APPLETS
        .iter()
        .position(|&a| a == "nc")
        .unwrap();
    let mut sorted = fixtures::BUSYBOX_APPLETS.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, fixtures::BUSYBOX_APPLETS);
    for nc_exec in [true, false] {
        let blob = fixtures::busybox(nc_exec);
        let has = |needle: &[u8]| blob.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"BusyBox v1.36.1 (fixture)"));
        assert!(has(b"[\0[[\0ash\0"));
        assert!(has(b"\0nc\0ping\0sh\0su\0telnet\0wget\0"));
        assert!(!has(b"BZh"), "the BZ magic is dropped");
        assert!(!has(b"Run PROG"), "usage is compressed");
        let streams = busybox_streams(&blob);
        assert_eq!(streams.len(), 1);
        let entries = &streams[0];
        assert_eq!(entries.len(), applets + 1);
        assert_eq!(entries[applets], "");
        assert_eq!(
            entries[nc].contains("-e PROG\tRun PROG after connect"),
            nc_exec
        );
    }
    let with_decoy = fixtures::busybox_with(Busybox {
        nc_exec: true,
        compressed_usage: true,
        decoy_stream: true,
    });
    let streams = busybox_streams(&with_decoy);
    assert_eq!(streams.len(), 2);
    assert_ne!(streams[0].len(), applets + 1);
    assert_eq!(streams[1].len(), applets + 1);
    let plain = fixtures::busybox_with(Busybox {
        nc_exec: true,
        compressed_usage: false,
        decoy_stream: false,
    });
    assert!(busybox_streams(&plain).is_empty());
    assert!(
        plain
            .windows(b"-e PROG\tRun PROG after connect".len())
            .any(|w| w == b"-e PROG\tRun PROG after connect")
    );
}

#[test]
fn dpkg_database() {
    let nc = fixtures::netcat_traditional();
    let libc = b"libc".to_vec();
    let db = Dpkg::new()
        .package(
            DpkgPackage::new("netcat-traditional", "1.10-47", "amd64")
                .file("/bin/nc.traditional", &nc)
                .file_md5(
                    "usr/share/doc/netcat-traditional/README",
                    "0123456789abcdef0123456789abcdef",
                )
                .list_only("/bin"),
        )
        .package(
            DpkgPackage::new("libc6", "2.36-9", "amd64")
                .multi_arch("same")
                .file("/usr/lib/x86_64-linux-gnu/libc.so.6", &libc)
                .conffile("/etc/ld.so.conf.d/x86_64-linux-gnu.conf", b"conf")
                .conffile_md5("/etc/old.conf", "ffffffffffffffffffffffffffffffff", true),
        )
        .alternative(
            Alternative::new("nc", "/bin/nc")
                .slave("netcat", "/bin/netcat")
                .choice("/bin/nc.openbsd", 50, &["/bin/nc.openbsd"])
                .choice("/bin/nc.traditional", 10, &["/bin/nc.traditional"])
                .manual("/bin/nc.traditional"),
        )
        .diversion("/bin/sh", "/bin/sh.distrib", "dash");
    let files: BTreeMap<String, String> = db
        .files()
        .into_iter()
        .map(|(p, d)| (p, String::from_utf8(d).unwrap()))
        .collect();
    let status = &files["var/lib/dpkg/status"];
    assert!(status.starts_with("Package: netcat-traditional\nStatus: install ok installed\n"));
    assert!(status.contains("\n\nPackage: libc6\n"));
    assert!(status.contains("Multi-Arch: same\n"));
    assert!(status.contains(&format!(
        "Conffiles:\n /etc/ld.so.conf.d/x86_64-linux-gnu.conf {}\n /etc/old.conf ffffffffffffffffffffffffffffffff obsolete\n",
        fixtures::md5_hex(b"conf")
    )));
    assert_eq!(
        files["var/lib/dpkg/info/netcat-traditional.md5sums"],
        format!(
            "{}  bin/nc.traditional\n0123456789abcdef0123456789abcdef  usr/share/doc/netcat-traditional/README\n",
            fixtures::md5_hex(&nc)
        )
    );
    assert!(files.contains_key("var/lib/dpkg/info/libc6:amd64.md5sums"));
    assert!(!files["var/lib/dpkg/info/libc6:amd64.md5sums"].contains("ld.so.conf"));
    assert!(files["var/lib/dpkg/info/libc6:amd64.list"].contains("\n/etc/ld.so.conf.d\n"));
    assert_eq!(
        files["var/lib/dpkg/info/netcat-traditional.list"],
        "/.\n/bin\n/bin/nc.traditional\n/usr\n/usr/share\n/usr/share/doc\n/usr/share/doc/netcat-traditional\n/usr/share/doc/netcat-traditional/README\n"
    );
    assert_eq!(
        files["var/lib/dpkg/alternatives/nc"],
        "manual\n/bin/nc\nnetcat\n/bin/netcat\n\n/bin/nc.openbsd\n50\n/bin/nc.openbsd\n/bin/nc.traditional\n10\n/bin/nc.traditional\n\n"
    );
    assert_eq!(
        files["var/lib/dpkg/diversions"],
        "/bin/sh\n/bin/sh.distrib\ndash\n"
    );
    let alt = Alternative::new("nc", "/bin/nc")
        .choice("/bin/nc.openbsd", 50, &[])
        .choice("/bin/nc.traditional", 10, &[]);
    assert_eq!(alt.selected(), "/bin/nc.openbsd");
    assert_eq!(
        alt.symlinks(),
        [
            ("bin/nc".to_string(), "/etc/alternatives/nc".to_string()),
            (
                "etc/alternatives/nc".to_string(),
                "/bin/nc.openbsd".to_string()
            ),
        ]
    );

    let distroless: BTreeMap<String, Vec<u8>> = db.distroless_files().into_iter().collect();
    assert!(distroless.contains_key("var/lib/dpkg/status.d/libc6"));
    assert!(distroless.contains_key("var/lib/dpkg/status.d/libc6.md5sums"));
    assert!(!distroless.contains_key("var/lib/dpkg/status"));
}

#[test]
fn apk_database() {
    // Digests from Trivy's fixture quoted in image-peers.md §4.2.
    assert_eq!(
        fixtures::apk_q1(b"ld-musl-x86_64.so.1"),
        "Q17yJ3JFNypA4mxhJJr0ou6CzsJVI="
    );
    assert_eq!(
        fixtures::apk_q1(b"/bin/busybox"),
        "Q1pcfTfDNEbNKQc2s1tia7da05M8Q="
    );
    let bb = fixtures::busybox(true);
    let db = fixtures::apk_installed(&[
        ApkPackage::new("busybox", "1.36.1-r5", "x86_64")
            .field('D', "so:libc.musl-x86_64.so.1")
            .dir("bin", 0, 0, 0o755)
            .file("bin/busybox", 0o755, &bb)
            .symlink("bin/sh", "/bin/busybox")
            .file("bin/bbsuid", 0o4755, b"suid")
            .file_q2("etc/busybox.conf", 0o644, b"conf")
            .dir("var/empty", 0, 0, 0o555),
        ApkPackage::new("musl", "1.2.4-r2", "x86_64")
            .symlink("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1"),
    ]);
    let db = String::from_utf8(db).unwrap();
    let expected = format!(
        "F:bin\nR:busybox\na:0:0:755\nZ:{}\nR:sh\na:0:0:777\nZ:Q1pcfTfDNEbNKQc2s1tia7da05M8Q=\nR:bbsuid\na:0:0:4755\nZ:{}\nF:etc\nR:busybox.conf\nZ:{}\nF:var/empty\nM:0:0:555\n\n",
        fixtures::apk_q1(&bb),
        fixtures::apk_q1(b"suid"),
        fixtures::apk_q2(b"conf"),
    );
    assert!(db.contains(&expected), "{db}");
    assert!(db.starts_with("C:Q1"));
    assert!(db.contains("\nP:busybox\nV:1.36.1-r5\nA:x86_64\n"));
    assert!(db.contains("\n\nC:Q1"), "stanzas are blank-line separated");
    assert!(db.ends_with(
        "P:musl\nV:1.2.4-r2\nA:x86_64\nS:1024\nI:4096\nT:musl (fixture)\nU:https://example.invalid/\nL:GPL-2.0-only\no:musl\nm:Fixture <fixture@example.invalid>\nt:1704067200\nF:lib\nR:libc.musl-x86_64.so.1\na:0:0:777\nZ:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=\n\n"
    ));
}

#[test]
fn account_files() {
    assert_eq!(
        fixtures::passwd(&[("root", 0, 0, "/root", "/bin/sh")]),
        b"root:x:0:0:root:/root:/bin/sh\n"
    );
    assert_eq!(
        fixtures::group(&[("wheel", 10, &["root", "app"])]),
        b"wheel:x:10:root,app\n"
    );
    assert_eq!(
        fixtures::shadow(&[("root", "")]),
        b"root::19723:0:99999:7:::\n"
    );
    assert!(
        String::from_utf8(fixtures::base_passwd())
            .unwrap()
            .starts_with("root:x:0:0:")
    );
}

/// The §7 "alternatives chain" fixture, end to end: a usr-merged Debian-like
/// image whose `nc` resolves through alternatives to netcat-traditional.
#[test]
fn debian_netcat_example_image() {
    let nc = fixtures::netcat_traditional();
    let alt = Alternative::new("nc", "/bin/nc").choice("/bin/nc.traditional", 10, &[]);
    let db = Dpkg::new()
        .package(
            DpkgPackage::new("netcat-traditional", "1.10-47", "amd64")
                .file("/bin/nc.traditional", &nc),
        )
        .alternative(alt.clone());
    let mut base = Layer::new()
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .symlink("bin", "usr/bin")
        .dir("etc", 0o755, 0, 0)
        .dir("etc/alternatives", 0o755, 0, 0)
        .file("usr/bin/nc.traditional", 0o755, 0, 0, nc)
        .files(db.files());
    for (path, target) in alt.symlinks() {
        base = base.symlink(path.replacen("bin/", "usr/bin/", 1).as_str(), &target);
    }
    let img = Image::new()
        .layer(base.created_by("RUN apt-get install -y netcat-traditional"))
        .empty_layer("CMD [\"bash\"]");
    let tmp = tempfile::tempdir().unwrap();
    let built = img.write_docker_oci(&tmp.path().join("save.tar"));
    let files = tar_map(&decompress(&built.layers[0].blob));
    assert_eq!(
        files["usr/bin/nc"].link.as_deref(),
        Some("/etc/alternatives/nc")
    );
    assert_eq!(
        files["etc/alternatives/nc"].link.as_deref(),
        Some("/bin/nc.traditional")
    );
    assert!(files.contains_key("var/lib/dpkg/info/netcat-traditional.md5sums"));
}
