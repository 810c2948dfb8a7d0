#!/usr/bin/env bash
# Fetch the JUnit XML schema that Jenkins and Maven Surefire publish
# (`junit-10.xsd`), for validating `drydock --format junit` with xmllint
# (tests/drydock/formats.rs). The file ships in pytest's source
# distribution on PyPI (testing/example_scripts/junit-10.xsd); it is
# unpacked under target/junit-schema/ and nothing of it is committed.
#
# Usage: scripts/install-junit-schema.sh
#   Environment: PYTHON (default python3), PYTEST_SDIST_VERSION (default pinned).
# Prints exactly one line on stdout: the schema's absolute path. Typical use:
#   export DRYDOCK_JUNIT_XSD="$(scripts/install-junit-schema.sh)"
set -euo pipefail

PYTEST_SDIST_VERSION="${PYTEST_SDIST_VERSION:-8.3.4}"
PYTHON="${PYTHON:-python3}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo_root/target/junit-schema"
schema="$dir/junit-10.xsd"

if [[ ! -s "$schema" ]]; then
    mkdir -p "$dir"
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: \
        "pytest==$PYTEST_SDIST_VERSION" -d "$scratch" >&2
    tar -xzf "$scratch/pytest-$PYTEST_SDIST_VERSION.tar.gz" -C "$scratch" \
        "pytest-$PYTEST_SDIST_VERSION/testing/example_scripts/junit-10.xsd"
    mv "$scratch/pytest-$PYTEST_SDIST_VERSION/testing/example_scripts/junit-10.xsd" "$schema"
fi
echo "$schema"
