//! Running the peer tools drydock is compared with (hadolint and Trivy,
//! installed by `scripts/install-dockerfile-peers.sh`): finding their
//! binaries, running them with no configuration of the user's, and reading
//! what the reports share (JSON values, Trivy's version).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Set to `1` (as `.ci/run` does) to make a missing peer a failure.
pub const REQUIRE: &str = "DRYDOCK_REQUIRE_DOCKERFILE_PEERS";
/// The hadolint binary `scripts/install-dockerfile-peers.sh` prints.
pub const HADOLINT_VAR: &str = "DRYDOCK_HADOLINT";
/// The Trivy binary `scripts/install-dockerfile-peers.sh` prints.
pub const TRIVY_VAR: &str = "DRYDOCK_TRIVY";

/// The peer binary named by the variable `var`, if it is set; panics when
/// it names no file.
pub fn binary(var: &str) -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os(var).filter(|v| !v.is_empty())?);
    assert!(
        path.is_file(),
        "{var}={} is not a file (run scripts/install-dockerfile-peers.sh)",
        path.display()
    );
    Some(path)
}

/// A peer's command with an empty environment and `HOME` in `scratch`: no
/// configuration file of the user's applies.
pub fn command(bin: &Path, scratch: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("HOME", scratch)
        .env("XDG_CONFIG_HOME", scratch.join("config"))
        .env("TMPDIR", scratch);
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd
}

/// Runs `cmd` and returns its standard output and error; panics, with the
/// start of its error output, when it fails.
pub fn output_of(cmd: &mut Command, what: &str) -> (String, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}",
        out.status,
        stderr.chars().take(4000).collect::<String>()
    );
    (stdout, stderr)
}

/// Trivy's version (`0.76.0`), from `trivy --version`.
pub fn trivy_version(bin: &Path, scratch: &Path) -> String {
    let (version, _) = output_of(command(bin, scratch).arg("--version"), "trivy --version");
    version
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("Version: "))
        .unwrap_or("?")
        .to_owned()
}

/// A JSON string as owned text (empty when it is not one).
pub fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A JSON number as a `u32`, if it is one that fits.
pub fn u32_of(v: &Value) -> Option<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok())
}

/// Which tool alone reports what the other does not.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Side {
    /// The peer reports it, drydock does not.
    PeerOnly,
    /// drydock reports it, the peer does not.
    DrydockOnly,
}

/// The table cell for the disagreements with `peer`, each given as its
/// side and whether it is listed (covered by an entry of the test's list
/// of expected disagreements): `0`, or how many each side has alone and,
/// in brackets, how many of those are listed (`Trivy only 2 (2), drydock
/// only 1 (0)`).
pub fn disagreements_cell(peer: &str, disagreements: impl Iterator<Item = (Side, bool)>) -> String {
    let mut counts = [[0usize; 2]; 2];
    for (side, listed) in disagreements {
        let tally = &mut counts[usize::from(side == Side::DrydockOnly)];
        tally[0] += 1;
        tally[1] += usize::from(listed);
    }
    let [[peer_only, peer_listed], [dd_only, dd_listed]] = counts;
    if peer_only + dd_only == 0 {
        "0".to_owned()
    } else {
        format!("{peer} only {peer_only} ({peer_listed}), drydock only {dd_only} ({dd_listed})")
    }
}
