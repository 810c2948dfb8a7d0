#!/usr/bin/env bash
# Install pre-commit (PyPI) into a venv, for the test that runs this
# repository's hooks (.pre-commit-hooks.yaml) in a scratch git repository
# (tests/drydock/pre_commit.rs).
#
# Usage: scripts/install-pre-commit.sh [VENV_DIR]
#   VENV_DIR defaults to target/pre-commit-venv under the repository root.
#   Environment: PYTHON (default python3), PRE_COMMIT_VERSION (default pinned).
# Prints exactly one line on stdout: the pre-commit executable. Typical use:
#   export DRYDOCK_PRE_COMMIT="$(scripts/install-pre-commit.sh)"
set -euo pipefail

PRE_COMMIT_VERSION="${PRE_COMMIT_VERSION:-4.2.0}"
PYTHON="${PYTHON:-python3}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$repo_root/target/pre-commit-venv}"

if [[ ! -x "$venv/bin/pre-commit" ]] || ! "$venv/bin/pre-commit" --version | grep -q "$PRE_COMMIT_VERSION"; then
    "$PYTHON" -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION" >&2
fi
echo "$venv/bin/pre-commit"
