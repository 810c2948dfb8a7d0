//! One function per fuzz target: what the target feeds and how. The
//! targets under `fuzz/` are one line each, calling these; the tests
//! replay every input committed under `fuzz/` through them
//! (`tests/drydock/fuzz_corpus.rs`), so a crash once found stays fixed
//! on a machine without a nightly toolchain.
//!
//! Each function takes the raw bytes libFuzzer gives and goes through the
//! same entry points a run does, as far as a run would (the rules, the
//! policy's verdict and the three report formats), reading nothing from
//! the machine but what it writes itself into a scratch directory (the
//! Compose loader and the seekable image reader open files). A function
//! returns normally for any input: a panic, an overflow, a hang or an
//! allocation past the fuzzer's limit is the bug it looks for. A few
//! properties are asserted besides (a secret hit holds no more of its
//! value than its preview; spans of a parsed file lie within its text;
//! the JSON and SARIF reports are JSON).
//!
//! Inputs made of several files are the files' bytes separated by NUL
//! bytes ([`parts`]), so seeds stay readable and a NUL inside a text file
//! is no loss (drydock's text readers refuse it or stop there). The image
//! archive target takes a selector byte first ([`image::image_archive`]).
//!
//! Nothing else in the crate uses this module.

mod compose;
mod dockerfile;
mod harness;
mod image;
mod manifests;
mod registry;
mod secrets;

pub use compose::{PROJECT_FILES, compose_project, interpolation};
pub use dockerfile::dockerfile;
pub use harness::parts;
pub use image::{image_archive, image_layer, package_databases};
pub use manifests::{k8s_manifests, policy, yaml};
pub use registry::registry_responses;
pub use secrets::secrets;

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn splits_parts_at_nul_bytes_and_pads_missing_ones() {
        assert_eq!(
            parts(b"a\0b\0c\0d", 3),
            vec![&b"a"[..], &b"b"[..], &b"c\0d"[..]]
        );
        assert_eq!(parts(b"a", 3), vec![&b"a"[..], &b""[..], &b""[..]]);
    }
}
