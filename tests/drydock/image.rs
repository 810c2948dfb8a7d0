//! `drydock image --input PATH`: what the image rules report for images
//! built by `tests/drydock/support/image.rs`, in every layout and compression.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::debian::*;
use crate::support::fixtures::*;
use crate::support::image::*;
use serde_json::Value;

use crate::support::drydock;

// ---- running drydock ------------------------------------------------------------

/// A JSON report of one clean input (no errors, exit 0 or 1).
fn report(input: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "--fail-on", "critical"];
    all.extend_from_slice(args);
    let run = drydock().image_inputs(&[input]).args(&all).run();
    let json = run.json();
    assert!(
        matches!(run.code(), Some(0 | 1)),
        "exit {:?} for {}:\n{json:#}\nstderr:\n{}",
        run.code(),
        input.display(),
        run.stderr
    );
    assert_eq!(json["errors"], Value::Array(Vec::new()), "{json:#}");
    json
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().unwrap()
}

/// Findings of `rule`.
fn of_rule<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    findings(json)
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// Findings of `rule` at `path`.
fn at<'a>(json: &'a Value, rule: &str, path: &str) -> Vec<&'a Value> {
    of_rule(json, rule)
        .into_iter()
        .filter(|f| f["location"]["path"] == path)
        .collect()
}

/// The one finding of `rule` at `path`.
fn one<'a>(json: &'a Value, rule: &str, path: &str) -> &'a Value {
    let found = at(json, rule, path);
    assert_eq!(
        found.len(),
        1,
        "want one {rule} at {path}, report:\n{json:#}"
    );
    found[0]
}

fn none_of(json: &Value, rule: &str) {
    let found = of_rule(json, rule);
    assert!(found.is_empty(), "want no {rule}, got:\n{found:#?}");
}

fn none_at(json: &Value, rule: &str, path: &str) {
    let found = at(json, rule, path);
    assert!(
        found.is_empty(),
        "want no {rule} at {path}, got:\n{found:#?}"
    );
}

/// (rule, location path) of every finding.
fn rule_paths(json: &Value) -> BTreeSet<(String, String)> {
    findings(json)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn related_paths(f: &Value) -> Vec<&str> {
    f["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect()
}

fn message(f: &Value) -> &str {
    f["message"].as_str().unwrap()
}

/// Writes `image` as an OCI layout directory under `tmp` and reports it.
fn scan(image: &Image) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("oci");
    image.write_oci_dir(&dir);
    report(&dir, &[])
}

// ---- images -----------------------------------------------------------------------

fn netcat_image() -> Image {
    Image::new()
        .user("app")
        .healthcheck(&["CMD", "/usr/bin/true"])
        .layer(debian_base())
        .empty_layer("CMD [\"bash\"]")
        .layer(netcat_layer())
}

/// A one-layer image with `data` at `path` (mode 0755), no package database.
fn single_file(path: &str, data: Vec<u8>) -> Image {
    Image::new().user("0").layer(
        Layer::new()
            .file(path, 0o755, 0, 0, data)
            .created_by("COPY tool /"),
    )
}

// ---- 1. layouts x compressions ------------------------------------------------------

fn check_netcat_report(json: &Value, what: &str) {
    let nc = of_rule(json, "exec-capable-netcat");
    assert_eq!(
        nc.len(),
        1,
        "{what}: want one exec-capable-netcat:\n{json:#}"
    );
    let f = nc[0];
    assert_eq!(f["severity"], "high", "{what}");
    assert_eq!(f["subject"]["kind"], "image", "{what}");
    let loc = &f["location"];
    assert_eq!(loc["kind"], "image", "{what}");
    assert_eq!(loc["path"], "/usr/bin/nc.traditional", "{what}");
    assert_eq!(loc["layer"]["index"], 1, "{what}");
    assert_eq!(loc["layer"]["created_by"], NC_HISTORY, "{what}");
    assert!(
        loc["layer"]["diff_id"]
            .as_str()
            .unwrap()
            .starts_with("sha256:"),
        "{what}"
    );
    assert!(
        loc["digest"].as_str().unwrap().starts_with("sha256:"),
        "{what}"
    );
    let m = message(f);
    assert!(m.contains("netcat-traditional"), "{what}: {m}");
    // `/usr/bin/nc` itself, not only as the start of `/usr/bin/nc.traditional`.
    let names_nc = m
        .split(|c: char| c.is_whitespace() || ",;`()".contains(c))
        .any(|word| word == "/usr/bin/nc");
    assert!(names_nc, "{what}: {m}");
    let related = related_paths(f);
    for want in ["/usr/bin/nc", "/etc/alternatives/nc"] {
        assert!(related.contains(&want), "{what}: {want} not in {related:?}");
    }
    for rule in [
        "modified-package-file",
        "missing-package-file",
        "unowned-executable",
        "secret-in-image-file",
    ] {
        assert!(of_rule(json, rule).is_empty(), "{what}: {rule}:\n{json:#}");
    }
}

#[test]
fn netcat_in_every_layout_and_compression() {
    let tmp = tempfile::tempdir().unwrap();
    let mut first: Option<(String, BTreeSet<(String, String)>)> = None;
    for c in Compression::ALL {
        let image = netcat_image().compression(c);
        let inputs: [(&str, PathBuf); 4] = [
            (
                "docker-legacy",
                tmp.path().join(format!("{c:?}-legacy.tar")),
            ),
            (
                "docker-oci",
                tmp.path().join(format!("{c:?}-docker-oci.tar")),
            ),
            ("oci-dir", tmp.path().join(format!("{c:?}-oci"))),
            ("oci-archive", tmp.path().join(format!("{c:?}-oci.tar"))),
        ];
        image.write_docker_legacy(&inputs[0].1);
        image.write_docker_oci(&inputs[1].1);
        image.write_oci_dir(&inputs[2].1);
        image.write_oci_archive(&inputs[3].1);
        for (layout, path) in &inputs {
            let what = format!("{layout} {c:?}");
            let json = report(path, &[]);
            check_netcat_report(&json, &what);
            let set = rule_paths(&json);
            match &first {
                None => first = Some((what, set)),
                Some((w, s)) => assert_eq!(s, &set, "{what} differs from {w}"),
            }
        }
    }
}

// ---- 2. variants by content ---------------------------------------------------------

#[test]
fn exec_capable_variants_by_content() {
    for (name, path, data) in [
        ("gnu netcat", "usr/bin/netcat", gnu_netcat()),
        ("ncat", "usr/bin/ncat", ncat()),
        ("socat", "usr/bin/socat", socat()),
        // Content, not name: a netcat-traditional renamed.
        (
            "renamed netcat-traditional",
            "usr/local/bin/helper",
            netcat_traditional(),
        ),
    ] {
        let json = scan(&single_file(path, data));
        let f = one(&json, "exec-capable-netcat", &format!("/{path}"));
        assert_eq!(f["severity"], "high", "{name}");
        assert_eq!(of_rule(&json, "exec-capable-netcat").len(), 1, "{name}");
    }
}

#[test]
fn netcat_openbsd_is_a_network_tool() {
    let json = scan(&single_file("usr/bin/nc.openbsd", netcat_openbsd()));
    none_of(&json, "exec-capable-netcat");
    one(&json, "network-tool", "/usr/bin/nc.openbsd");
}

/// Content decides: a plain binary called `nc` is no exec-capable netcat.
/// On the default `PATH` its name alone is a (low) `network-tool` finding,
/// as that rule documents (Falco's `network_tool_binaries` list matches by
/// name); elsewhere nothing netcat-related is reported.
#[test]
fn plain_binary_named_nc_is_not_a_netcat() {
    let json = scan(&single_file("usr/bin/nc", plain_elf("nc")));
    none_of(&json, "exec-capable-netcat");
    let by_name = one(&json, "network-tool", "/usr/bin/nc");
    assert_eq!(by_name["severity"], "low");
    assert_eq!(of_rule(&json, "network-tool").len(), 1, "{json:#}");

    let json = scan(&single_file("opt/app/nc", plain_elf("nc")));
    none_of(&json, "exec-capable-netcat");
    none_of(&json, "network-tool");
}

// ---- 3. busybox ------------------------------------------------------------------------

fn busybox_layer(nc_exec: bool) -> Layer {
    Layer::new()
        .dir("bin", 0o755, 0, 0)
        .file("bin/busybox", 0o755, 0, 0, busybox(nc_exec))
        .symlink("bin/nc", "busybox")
        .symlink("bin/sh", "busybox")
        .created_by("ADD busybox.tar /")
}

fn app_layer() -> Layer {
    Layer::new()
        .file("app/run", 0o755, 0, 0, plain_elf("run"))
        .created_by("COPY run /app/run # buildkit")
}

#[test]
fn busybox_in_the_base_image_is_low() {
    let image = Image::new()
        .user("0")
        .layer(busybox_layer(true))
        .empty_layer("CMD [\"sh\"]")
        .layer(app_layer());
    let json = scan(&image);
    let f = one(&json, "exec-capable-netcat", "/bin/busybox");
    assert_eq!(f["severity"], "low", "{json:#}");
    assert_eq!(f["location"]["layer"]["index"], 0);
    assert!(related_paths(f).contains(&"/bin/nc"), "{f:#}");
}

#[test]
fn busybox_added_by_the_image_is_medium() {
    let image = Image::new()
        .user("0")
        .layer(app_layer())
        .empty_layer("CMD [\"sh\"]")
        .layer(busybox_layer(true));
    let json = scan(&image);
    let f = one(&json, "exec-capable-netcat", "/bin/busybox");
    assert_eq!(f["severity"], "medium", "{json:#}");
    assert_eq!(f["location"]["layer"]["index"], 1);
}

#[test]
fn busybox_without_nc_exec_is_not_exec_capable() {
    let image = Image::new()
        .user("0")
        .layer(busybox_layer(false))
        .empty_layer("CMD [\"sh\"]")
        .layer(app_layer());
    let json = scan(&image);
    none_of(&json, "exec-capable-netcat");
}

// ---- 4. dpkg --------------------------------------------------------------------------------

#[test]
fn dpkg_modified_file_through_usr_merge() {
    let dpkg = Dpkg::new().package(
        DpkgPackage::new("coreutils", "9.1-1", "amd64")
            .file_md5("bin/true", &md5_hex(b"something else"))
            .file("bin/cat", &plain_elf("cat")),
    );
    let layer = Layer::new()
        .dir("usr/bin", 0o755, 0, 0)
        .symlink("bin", "usr/bin")
        .file("usr/bin/true", 0o755, 0, 0, plain_elf("true"))
        .file("usr/bin/cat", 0o755, 0, 0, plain_elf("cat"))
        .files(dpkg.files())
        .created_by("ADD rootfs.tar /");
    let json = scan(&Image::new().user("0").layer(layer));
    let f = one(&json, "modified-package-file", "/usr/bin/true");
    assert_eq!(f["severity"], "high");
    assert_eq!(of_rule(&json, "modified-package-file").len(), 1, "{json:#}");
    none_of(&json, "missing-package-file");
}

#[test]
fn dpkg_multi_arch_md5sums_name() {
    let libc = b"\x7fELF libc".to_vec();
    let dpkg = Dpkg::new().package(
        DpkgPackage::new("libc6", "2.36-9", "amd64")
            .multi_arch("same")
            .file_md5("usr/lib/x86_64-linux-gnu/libc.so.6", &md5_hex(b"other")),
    );
    let files = dpkg.files();
    assert!(
        files
            .iter()
            .any(|(p, _)| p == "var/lib/dpkg/info/libc6:amd64.md5sums"),
        "fixture uses the multi-arch name"
    );
    let layer = Layer::new()
        .file("usr/lib/x86_64-linux-gnu/libc.so.6", 0o755, 0, 0, libc)
        .files(files);
    let json = scan(&Image::new().user("0").layer(layer));
    one(
        &json,
        "modified-package-file",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
    );
}

#[test]
fn dpkg_changed_conffile_is_not_reported() {
    let dpkg = Dpkg::new().package(
        DpkgPackage::new("base-files", "12.4", "amd64")
            .conffile("etc/issue", b"Debian GNU/Linux 12\n")
            .file("usr/bin/locale-check", b"#!/bin/sh\n"),
    );
    let layer = Layer::new()
        .file("etc/issue", 0o644, 0, 0, b"Welcome to my box\n".to_vec())
        .file("usr/bin/locale-check", 0o755, 0, 0, b"#!/bin/sh\n".to_vec())
        .files(dpkg.files());
    let json = scan(&Image::new().user("0").layer(layer));
    none_of(&json, "modified-package-file");
    none_of(&json, "missing-package-file");
}

#[test]
fn dpkg_missing_files_one_finding_per_package() {
    let dpkg = Dpkg::new().package(
        DpkgPackage::new("passwd", "4.13", "amd64")
            .file("usr/sbin/useradd", b"useradd")
            .file("usr/sbin/userdel", b"userdel")
            .file("usr/sbin/usermod", b"usermod")
            .file("usr/share/doc/passwd/changelog.gz", b"log"),
    );
    let layer = Layer::new()
        .file("usr/sbin/usermod", 0o755, 0, 0, b"usermod".to_vec())
        .files(dpkg.files());
    let json = scan(&Image::new().user("0").layer(layer));
    let missing = of_rule(&json, "missing-package-file");
    assert_eq!(missing.len(), 1, "{json:#}");
    let text = missing[0].to_string();
    assert!(text.contains("passwd"), "{text}");
    assert!(text.contains("/usr/sbin/useradd"), "{text}");
    assert!(text.contains("/usr/sbin/userdel"), "{text}");
    assert!(
        !text.contains("changelog.gz"),
        "usr/share/doc is exempt: {text}"
    );
}

#[test]
fn dpkg_missing_doc_file_is_not_reported() {
    let dpkg = Dpkg::new().package(
        DpkgPackage::new("passwd", "4.13", "amd64")
            .file("usr/sbin/usermod", b"usermod")
            .file("usr/share/doc/passwd/changelog.gz", b"log"),
    );
    let layer = Layer::new()
        .file("usr/sbin/usermod", 0o755, 0, 0, b"usermod".to_vec())
        .files(dpkg.files());
    let json = scan(&Image::new().user("0").layer(layer));
    none_of(&json, "missing-package-file");
}

#[test]
fn dpkg_distroless_status_d_is_verified() {
    let dpkg = Dpkg::new().package(
        DpkgPackage::new("base-files", "12.4", "amd64")
            .file("usr/bin/ok", b"ok")
            .file_md5("usr/bin/changed", &md5_hex(b"original")),
    );
    let layer = Layer::new()
        .file("usr/bin/ok", 0o755, 0, 0, b"ok".to_vec())
        .file("usr/bin/changed", 0o755, 0, 0, b"replaced".to_vec())
        .files(dpkg.distroless_files());
    let json = scan(&Image::new().user("0").layer(layer));
    one(&json, "modified-package-file", "/usr/bin/changed");
    none_at(&json, "modified-package-file", "/usr/bin/ok");
}

// ---- 5. apk ----------------------------------------------------------------------------------

#[test]
fn apk_digests() {
    let pkg = ApkPackage::new("tools", "1.0-r0", "x86_64")
        .file("usr/bin/good", 0o755, b"good")
        .file_z("usr/bin/bad", 0, 0, 0o755, &apk_q1(b"original bad"))
        .file_z("usr/bin/bad2", 0, 0, 0o755, &apk_q2(b"original bad2"))
        .file_q2("usr/bin/good2", 0o755, b"good2")
        .symlink("usr/bin/link", "good");
    let layer = Layer::new()
        .dir("usr/bin", 0o755, 0, 0)
        .file("usr/bin/good", 0o755, 0, 0, b"good".to_vec())
        .file("usr/bin/bad", 0o755, 0, 0, b"tampered".to_vec())
        .file("usr/bin/bad2", 0o755, 0, 0, b"tampered2".to_vec())
        .file("usr/bin/good2", 0o755, 0, 0, b"good2".to_vec())
        .symlink("usr/bin/link", "good")
        .file(APK_INSTALLED, 0o644, 0, 0, apk_installed(&[pkg]));
    let json = scan(&Image::new().user("0").layer(layer));
    one(&json, "modified-package-file", "/usr/bin/bad");
    one(&json, "modified-package-file", "/usr/bin/bad2");
    none_at(&json, "modified-package-file", "/usr/bin/good");
    none_at(&json, "modified-package-file", "/usr/bin/good2");
    none_at(&json, "modified-package-file", "/usr/bin/link");
    assert_eq!(of_rule(&json, "modified-package-file").len(), 2, "{json:#}");
    none_of(&json, "missing-package-file");
}

// ---- 6. whiteouts ------------------------------------------------------------------------------

fn setuid_tool_layer() -> Layer {
    Layer::new()
        .dir("opt/tool", 0o755, 0, 0)
        .file("opt/tool/su", 0o4755, 0, 0, plain_elf("su"))
        .file("opt/tool/evil-suid", 0o4755, 0, 0, plain_elf("evil"))
        .created_by("COPY tool /opt/tool")
}

#[test]
fn opaque_whiteout_hides_setuid_files() {
    let visible = scan(&Image::new().user("0").layer(setuid_tool_layer()));
    one(&visible, "setuid-file", "/opt/tool/su");
    let f = one(&visible, "setuid-file", "/opt/tool/evil-suid");
    assert_eq!(f["severity"], "high");

    let hidden = scan(
        &Image::new().user("0").layer(setuid_tool_layer()).layer(
            Layer::new()
                .dir("opt/tool", 0o755, 0, 0)
                .opaque("opt/tool")
                .file("opt/tool/readme", 0o644, 0, 0, b"gone".to_vec())
                .created_by("RUN /bin/sh -c rm -rf /opt/tool/*"),
        ),
    );
    none_of(&hidden, "setuid-file");
}

#[test]
fn whiteout_removes_netcat() {
    let image = netcat_image().layer(
        Layer::new()
            .whiteout("usr/bin/nc.traditional")
            .created_by("RUN /bin/sh -c rm /usr/bin/nc.traditional"),
    );
    let json = scan(&image);
    none_of(&json, "exec-capable-netcat");
}

// ---- 7. hard links ---------------------------------------------------------------------------------

#[test]
fn setuid_hard_links_are_reported_under_each_name() {
    let layer = Layer::new()
        .dir("usr/local/bin", 0o755, 0, 0)
        .file(
            "usr/local/bin/escalate",
            0o4755,
            0,
            0,
            plain_elf("escalate"),
        )
        .hardlink("usr/local/bin/escalate2", "usr/local/bin/escalate")
        .created_by("COPY escalate /usr/local/bin/");
    let json = scan(&Image::new().user("0").layer(layer));
    let a = one(&json, "setuid-file", "/usr/local/bin/escalate");
    let b = one(&json, "setuid-file", "/usr/local/bin/escalate2");
    assert_eq!(a["severity"], "high");
    assert_eq!(b["severity"], "high");
    assert!(message(b).contains("hard link"), "{b:#}");
}

// ---- 8. overwrite ----------------------------------------------------------------------------------

#[test]
fn overwritten_package_binary() {
    let image = Image::new().user("0").layer(debian_base()).layer(
        Layer::new()
            .file("usr/bin/true", 0o755, 0, 0, plain_elf("not true"))
            .created_by("COPY true /usr/bin/true # buildkit"),
    );
    let json = scan(&image);
    let f = one(&json, "overwritten-binary", "/usr/bin/true");
    assert_eq!(f["location"]["layer"]["index"], 1, "{f:#}");
    let related = f["related"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["layer"]["index"] == 0),
        "no related location in layer 0: {f:#}"
    );
    let m = one(&json, "modified-package-file", "/usr/bin/true");
    assert_eq!(m["location"]["layer"]["index"], 1, "{m:#}");
}

// ---- 9. config ---------------------------------------------------------------------------------------

fn accounts_layer(users: &[(&str, u32, u32, &str, &str)]) -> Layer {
    Layer::new()
        .dir("etc", 0o755, 0, 0)
        .file("etc/passwd", 0o644, 0, 0, passwd(users))
        .created_by("ADD rootfs.tar /")
}

#[test]
fn root_user_by_default() {
    let json = scan(&Image::new().layer(accounts_layer(&[("root", 0, 0, "/root", "/bin/sh")])));
    let f = of_rule(&json, "root-user");
    assert_eq!(f.len(), 1, "{json:#}");
    assert_eq!(f[0]["severity"], "medium");
}

#[test]
fn root_user_through_passwd() {
    let json = scan(
        &Image::new()
            .user("app")
            .layer(accounts_layer(&[("app", 0, 0, "/app", "/bin/sh")])),
    );
    assert_eq!(of_rule(&json, "root-user").len(), 1, "{json:#}");
}

#[test]
fn non_root_user() {
    let json = scan(
        &Image::new()
            .user("app")
            .layer(accounts_layer(&[("app", 1000, 1000, "/app", "/bin/sh")])),
    );
    none_of(&json, "root-user");
}

#[test]
fn executable_owned_by_runtime_user() {
    let image = Image::new().user("app").layer(
        accounts_layer(&[
            ("root", 0, 0, "/root", "/bin/sh"),
            ("app", 1000, 1000, "/app", "/bin/sh"),
        ])
        .file("app/server", 0o755, 1000, 1000, plain_elf("server")),
    );
    let json = scan(&image);
    let f = one(&json, "writable-executable", "/app/server");
    assert_eq!(f["severity"], "high");
}

#[test]
fn world_writable_executable() {
    let image = Image::new().user("app").layer(
        accounts_layer(&[("app", 1000, 1000, "/app", "/bin/sh")]).file(
            "usr/local/bin/tool",
            0o777,
            0,
            0,
            plain_elf("tool"),
        ),
    );
    let json = scan(&image);
    let f = one(&json, "writable-executable", "/usr/local/bin/tool");
    assert_eq!(f["severity"], "high");
}

#[test]
fn secret_in_env() {
    let image = Image::new()
        .user("0")
        .env(["PATH=/usr/bin", "DB_PASSWORD=hunter2"])
        .layer(accounts_layer(&[("root", 0, 0, "/root", "/bin/sh")]));
    let json = scan(&image);
    let f = of_rule(&json, "secret-in-image-config");
    assert_eq!(f.len(), 1, "{json:#}");
    assert_eq!(f[0]["severity"], "high");
    assert!(f[0].to_string().contains("DB_PASSWORD"), "{:#}", f[0]);
}

#[test]
fn secret_in_history_is_redacted() {
    let image = Image::new()
        .user("0")
        .layer(accounts_layer(&[("root", 0, 0, "/root", "/bin/sh")]))
        .layer(
            Layer::new()
                .file("usr/local/bin/app", 0o755, 0, 0, plain_elf("app"))
                .created_by("|1 API_TOKEN=s3cr3t /bin/sh -c make"),
        );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("oci");
    image.write_oci_dir(&dir);
    let json = report(&dir, &[]);
    let f = of_rule(&json, "secret-in-image-config");
    assert_eq!(f.len(), 1, "{json:#}");
    assert!(f[0].to_string().contains("API_TOKEN"), "{:#}", f[0]);
    let text = json.to_string();
    assert!(!text.contains("s3cr3t"), "secret leaked:\n{json:#}");
    for format in ["human", "sarif"] {
        let run = drydock()
            .image_inputs(&[&dir])
            .args(["--format", format, "--fail-on", "critical"])
            .run();
        assert_eq!(run.code(), Some(0), "{format}: {}", run.stderr);
        assert!(!run.stdout.contains("s3cr3t"), "{format}:\n{}", run.stdout);
    }
}

#[test]
fn healthcheck() {
    let layer = || accounts_layer(&[("root", 0, 0, "/root", "/bin/sh")]);
    let json = scan(&Image::new().user("0").layer(layer()));
    let f = of_rule(&json, "missing-healthcheck");
    assert_eq!(f.len(), 1, "{json:#}");
    assert_eq!(f[0]["severity"], "info");

    let json = scan(
        &Image::new()
            .user("0")
            .healthcheck(&["CMD-SHELL", "curl -f http://localhost/ || exit 1"])
            .layer(layer()),
    );
    none_of(&json, "missing-healthcheck");
}

// ---- 10. multi-arch ----------------------------------------------------------------------------------

#[test]
fn multi_arch_platform_selection() {
    let amd64 = single_file("usr/bin/nc.traditional", netcat_traditional());
    let arm64 = single_file("usr/bin/socat", socat());
    let host_is_amd64 = std::env::consts::OS == "linux" && std::env::consts::ARCH == "x86_64";
    if !host_is_amd64 {
        crate::support::skipped(&format!(
            "the default platform: host is {}/{}, not linux/amd64",
            std::env::consts::OS,
            std::env::consts::ARCH
        ));
    }
    for style in [IndexStyle::Nested, IndexStyle::Flat] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("multi");
        write_oci_dir_multiarch(
            &dir,
            &[("linux", "amd64", &amd64), ("linux", "arm64", &arm64)],
            style,
        );
        if host_is_amd64 {
            let json = report(&dir, &[]);
            one(&json, "exec-capable-netcat", "/usr/bin/nc.traditional");
            none_at(&json, "exec-capable-netcat", "/usr/bin/socat");
        }
        let json = report(&dir, &["--platform", "linux/arm64"]);
        one(&json, "exec-capable-netcat", "/usr/bin/socat");
        none_at(&json, "exec-capable-netcat", "/usr/bin/nc.traditional");

        let run = drydock()
            .image_inputs(&[&dir])
            .args(["--format", "json", "--platform", "linux/s390x"])
            .run();
        assert_eq!(run.code(), Some(2), "{style:?}: {}", run.stdout);
        let json = run.json();
        let error = json["errors"][0]["message"].as_str().unwrap();
        assert!(
            error.contains("linux/amd64") && error.contains("linux/arm64"),
            "{style:?}: {error}"
        );
    }
}

// ---- 11. formats -------------------------------------------------------------------------------------------

#[test]
fn sarif_and_human_name_the_layer_and_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("oci");
    let built = netcat_image().write_oci_dir(&dir);
    let path = "/usr/bin/nc.traditional";

    let run = drydock()
        .image_inputs(&[&dir])
        .args(["--format", "sarif", "--fail-on", "critical"])
        .run();
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let sarif = run.json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let nc: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "exec-capable-netcat")
        .collect();
    assert_eq!(nc.len(), 1, "{sarif:#}");
    let loc = &nc[0]["locations"][0];
    let fqn = loc["logicalLocations"][0]["fullyQualifiedName"]
        .as_str()
        .unwrap();
    assert!(fqn.contains(&built.config_digest), "{fqn}");
    assert!(fqn.contains("/layers/1"), "{fqn}");
    assert!(fqn.contains(path), "{fqn}");
    let props = &nc[0]["properties"]["image"];
    assert_eq!(props["path"], path, "{:#}", nc[0]);

    let run = drydock()
        .image_inputs(&[&dir])
        .args(["--format", "human", "--fail-on", "critical"])
        .run();
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let text = &run.stdout;
    let line = text
        .lines()
        .position(|l| l.contains("exec-capable-netcat"))
        .unwrap_or_else(|| panic!("no exec-capable-netcat in:\n{text}"));
    let block: String = text
        .lines()
        .skip(line)
        .take(12)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(block.contains("layer 1"), "{block}");
    assert!(block.contains(path), "{block}");
}

// ---- several images in one archive ----------------------------------------------------

/// `docker save shop/netcat:1 shop/socat:1`: two images on one Debian base
/// (its layer written once in the archive), each audited under its own
/// name, in Docker's legacy layout, Docker 25's, the gzipped stream and
/// an OCI layout holding both tags.
#[test]
fn every_image_of_a_multi_image_archive_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let images = [
        netcat_image().tag("shop/netcat:1"),
        Image::new()
            .tag("shop/socat:1")
            .user("0")
            .layer(debian_base())
            .layer(
                Layer::new()
                    .file("usr/bin/socat", 0o755, 0, 0, socat())
                    .created_by("COPY socat /usr/bin/"),
            ),
    ];
    let legacy = tmp.path().join("legacy.tar");
    let docker_oci = tmp.path().join("docker-oci.tar");
    let gzipped = tmp.path().join("legacy.tar.gz");
    let layout = tmp.path().join("layout");
    Image::write_docker_legacy_many(&images, &legacy);
    Image::write_docker_oci_many(&images, &docker_oci);
    gzip_file(&legacy, &gzipped);
    Image::write_oci_dir_many(&images, &layout);
    for input in [&legacy, &docker_oci, &gzipped, &layout] {
        let what = input.file_name().unwrap().to_string_lossy();
        let json = report(input, &[]);
        assert_eq!(json["summary"]["images"], 2, "{what}:\n{json:#}");
        let netcat_in = |image: &str, path: &str| {
            of_rule(&json, "exec-capable-netcat")
                .into_iter()
                .filter(|f| {
                    f["location"]["image"]
                        .as_str()
                        .is_some_and(|i| i.ends_with(image))
                        && f["location"]["path"] == path
                })
                .count()
        };
        assert_eq!(
            netcat_in("shop/netcat:1", "/usr/bin/nc.traditional"),
            1,
            "{what}:\n{json:#}"
        );
        assert_eq!(
            netcat_in("shop/socat:1", "/usr/bin/socat"),
            1,
            "{what}:\n{json:#}"
        );
        assert_eq!(
            netcat_in("shop/netcat:1", "/usr/bin/socat"),
            0,
            "{what}:\n{json:#}"
        );
        assert!(
            !json["warnings"].to_string().contains("only the first"),
            "{what}: {}",
            json["warnings"]
        );
    }
}

/// Docker writes a layer that two images of one `docker save` hold under
/// different ids once, the second as `<id>/layer.tar ->
/// ../<first id>/layer.tar`: the second image is read through the link
/// (seekable and as a stream), as `docker load` reads it.
#[test]
fn a_layer_saved_under_two_ids_is_read_through_its_link() {
    let tmp = tempfile::tempdir().unwrap();
    let images = [
        netcat_image().tag("shop/netcat:1"),
        // The same netcat layer, on no base: another id, the same blob.
        Image::new()
            .tag("shop/bare:1")
            .user("0")
            .layer(netcat_layer()),
    ];
    let legacy = tmp.path().join("linked.tar");
    let gzipped = tmp.path().join("linked.tar.gz");
    Image::write_docker_legacy_many(&images, &legacy);
    gzip_file(&legacy, &gzipped);
    let listing = {
        let mut archive = tar::Archive::new(std::fs::File::open(&legacy).unwrap());
        archive
            .entries()
            .unwrap()
            .filter_map(|e| {
                let e = e.unwrap();
                (e.header().entry_type() == tar::EntryType::Symlink).then(|| {
                    e.link_name()
                        .unwrap()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
            })
            .collect::<Vec<_>>()
    };
    assert!(
        listing.iter().any(|target| target.starts_with("../")),
        "the fixture holds no ../ link: {listing:?}"
    );
    for input in [&legacy, &gzipped] {
        let what = input.file_name().unwrap().to_string_lossy();
        let json = report(input, &[]);
        assert_eq!(json["summary"]["images"], 2, "{what}:\n{json:#}");
        for image in ["shop/netcat:1", "shop/bare:1"] {
            let found = of_rule(&json, "exec-capable-netcat")
                .into_iter()
                .filter(|f| {
                    f["location"]["image"]
                        .as_str()
                        .is_some_and(|i| i.ends_with(image))
                })
                .count();
            assert_eq!(found, 1, "{what}: {image}:\n{json:#}");
        }
    }
}
