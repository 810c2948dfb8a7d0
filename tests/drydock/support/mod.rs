//! Shared helpers for the integration tests: running the binary (`run`,
//! re-exported as [`drydock`]), saying what was skipped ([`skip`]),
//! reading `../shared/peers` in place, and building container images
//! (`image`) from generated content (`fixtures`), among them the shared
//! Debian-style image (`debian`), and serving them from a fake registry
//! (`fake_registry`; `http` holds what it shares with the fake engine).

pub mod debian;
pub mod fake_registry;
pub mod fixtures;
pub mod http;
pub mod image;
pub mod peers;
pub mod run;
pub mod secrets;

pub use run::{demo_scan, drydock};

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Whether the `DRYDOCK_REQUIRE_*` variable `var` is set (`1` or `true`):
/// then what it names must be there, and a skip is a failure.
pub fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// A suite (or part of one) cannot run here because `why`: a failure when
/// `require` (a `DRYDOCK_REQUIRE_*` variable) is set, else a visible skip
/// line (see [`skipped`]).
pub fn skip(require: &str, why: &str) {
    if required(require) {
        panic!("{why}, and {require}=1");
    }
    skipped(&format!("{why} (set {require}=1 to fail instead)"));
}

/// Writes `SKIPPED <test>: <why>` on the terminal. libtest captures
/// `eprintln!` of a passing test and shows it only with `--nocapture`;
/// writes to the `Stderr` handle itself are not captured, so the line shows
/// in every `cargo test` run.
pub fn skipped(why: &str) {
    let thread = std::thread::current();
    let test = thread.name().filter(|n| *n != "main").unwrap_or("a test");
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {why}");
}

/// The peers folder, or `None` after [`skip`] when it is absent (a failure
/// with `DRYDOCK_REQUIRE_PEERS=1`, set in CI).
pub fn peers_dir(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(run::ROOT).join("../shared/peers").join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    skip(
        "DRYDOCK_REQUIRE_PEERS",
        &format!("../shared/peers/{sub} not found"),
    );
    None
}

/// A table of `rows` under `header`, columns aligned with spaces and a
/// dashed rule under the header: how the conformance tests print their
/// tables in a failure message.
pub fn text_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    use std::fmt::Write as _;
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(header);
    let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&dashes.iter().map(String::as_str).collect::<Vec<_>>());
    for row in rows {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

/// Text for a Markdown table cell (`|` escaped).
pub fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Writes a conformance report (Markdown) next to the test binaries'
/// target directory, `target/NAME` (honouring `CARGO_TARGET_DIR`).
pub fn write_report(name: &str, markdown: &str) {
    // BIN is <target>/<profile>/drydock.
    let target = Path::new(run::BIN)
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    let path = target.join(name);
    match std::fs::write(&path, markdown) {
        Ok(()) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}
