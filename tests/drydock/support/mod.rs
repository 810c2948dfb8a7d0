//! Shared helpers for integration tests: reading `../shared/peers` in place,
//! and building container images (`image`) from generated content
//! (`fixtures`), among them the shared Debian-style image (`debian`).

pub mod debian;
pub mod fixtures;
pub mod image;

use std::path::{Path, PathBuf};

/// The peers folder, or `None` with a printed notice when it is absent.
/// With `DRYDOCK_REQUIRE_PEERS=1` (set in CI) absence is a failure.
#[allow(dead_code)] // not every test binary that includes `support` reads the peers
pub fn peers_dir(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/peers")
        .join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DRYDOCK_REQUIRE_PEERS").is_ok_and(|v| v == "1") {
        panic!("{} is missing and DRYDOCK_REQUIRE_PEERS=1", dir.display());
    }
    eprintln!("skipping: ../shared/peers/{sub} not found");
    None
}

/// Writes a conformance report (Markdown) next to the test binaries'
/// target directory, `target/NAME` (honouring `CARGO_TARGET_DIR`).
#[allow(dead_code)] // only the conformance tests write reports
pub fn write_report(name: &str, markdown: &str) {
    // CARGO_BIN_EXE_drydock is <target>/<profile>/drydock.
    let target = Path::new(env!("CARGO_BIN_EXE_drydock"))
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    let path = target.join(name);
    match std::fs::write(&path, markdown) {
        Ok(()) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}
