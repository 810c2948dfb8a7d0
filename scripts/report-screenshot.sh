#!/usr/bin/env bash
# Regenerate docs/report.png, the README's picture of the HTML report: the
# demo's report (`drydock scan testdata/demo --images testdata/demo/images
# --format html`) rendered by Debian's Chromium, headless, at 1280x1700 —
# the window `tests/drydock/browser.rs` takes its screenshot at, and checks
# this file's size against.
#
# Usage (from anywhere):  scripts/report-screenshot.sh
# Needs: cargo, and `chromium` (apt-get install chromium).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
command -v chromium > /dev/null || { echo "report-screenshot: chromium is not installed" >&2; exit 2; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cargo build --release --quiet
# Exit 1 is the demo's failed gate, as expected.
target/release/drydock scan testdata/demo --images testdata/demo/images \
    --format html --output "$scratch/demo.html" 2> /dev/null || [ $? -eq 1 ]

chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$scratch/profile" --window-size=1280,1700 \
    --screenshot="$repo_root/docs/report.png" "file://$scratch/demo.html" 2> "$scratch/chromium.log" \
    || { cat "$scratch/chromium.log" >&2; exit 1; }
echo "report-screenshot: wrote docs/report.png" >&2
