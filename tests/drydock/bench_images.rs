//! Images for the benchmarks, written by the test-support builder on
//! demand (ignored tests: `bench/image.sh --many-files` runs them).
//!
//! ```sh
//! DRYDOCK_BENCH_IMAGE=/tmp/many.tar DRYDOCK_BENCH_FILES=300000 \
//!   cargo test --release --test drydock -- --ignored --exact bench_images::many_files_image
//! ```

use std::path::PathBuf;

use crate::support::image::{Compression, Image, Layer};

/// An image of `DRYDOCK_BENCH_FILES` small files (default 300 000) laid out
/// like a large Python or CUDA image: three gzip layers (a base, the
/// installed packages with nine tenths of the files, the application),
/// paths four to seven directories deep with names like a package's
/// modules, 40 to 120 bytes of text per file. Written to
/// `DRYDOCK_BENCH_IMAGE` as a `docker save` archive.
#[test]
#[ignore = "writes a benchmark image: run by bench/image.sh --many-files"]
fn many_files_image() {
    let out = PathBuf::from(
        std::env::var("DRYDOCK_BENCH_IMAGE")
            .expect("DRYDOCK_BENCH_IMAGE: where to write the image"),
    );
    let files: usize = std::env::var("DRYDOCK_BENCH_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300_000);
    let base = files / 20;
    let app = files / 20;
    let packages = files - base - app;
    let image = Image::new()
        .user("app")
        .compression(Compression::Gzip)
        .layer(tree_layer(
            "usr/share/locale",
            base,
            "/bin/sh -c #(nop) ADD rootfs.tar.xz /",
        ))
        .layer(tree_layer(
            "usr/local/lib/python3.12/site-packages",
            packages,
            "RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt",
        ))
        .layer(tree_layer("srv/app", app, "COPY . /srv/app"));
    image.write_docker_legacy(&out);
}

/// `n` files under `root`, in packages of 500 files and modules of 25.
fn tree_layer(root: &str, n: usize, created_by: &str) -> Layer {
    let mut layer = Layer::new().created_by(created_by);
    let mut dirs = std::collections::BTreeSet::new();
    for i in 0..n {
        let package = format!("{root}/package_{:04}", i / 500);
        let module = format!("{package}/submodule_{:02}/internal", (i / 25) % 20);
        for dir in [&package, &module] {
            if dirs.insert(dir.clone()) {
                layer = layer.dir(dir, 0o755, 0, 0);
            }
        }
        let text = format!("# generated module {i}\n{}\n", "x = 1\n".repeat(i % 15));
        layer = layer.file(&format!("{module}/module_{i:06}.py"), 0o644, 0, 0, text);
    }
    layer
}
