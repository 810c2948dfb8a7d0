#!/usr/bin/env bash
# Engine benchmark: `drydock image REF` against `docker save REF > /dev/null`
# on the same engine and image, in the same run.
#
# Usage: bench/engine.sh [IMAGE.tar]
#   IMAGE.tar defaults to target/bench-images/debian-netcat.tar (built with
#   scripts/build-debian-image.sh when missing). Uses DOCKER_HOST when it
#   answers; otherwise starts a throwaway dockerd with scripts/test-engine.sh
#   (root needed) and stops it at the end.
# Target: drydock / docker save <= 1.1.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${BENCH_RUNS:-3}"
IMAGE_TAR="${1:-target/bench-images/debian-netcat.tar}"

cargo build --release -q
DRYDOCK="$ROOT/target/release/drydock"

if [[ ! -f "$IMAGE_TAR" ]]; then
    mkdir -p "$(dirname "$IMAGE_TAR")"
    scripts/build-debian-image.sh "$IMAGE_TAR" >&2
fi

started=""
if [[ -z "${DOCKER_HOST:-}" ]] || ! docker version >/dev/null 2>&1; then
    while IFS= read -r line; do export "${line?}"; done < <(scripts/test-engine.sh start)
    started=1
fi
cleanup() {
    if [[ -n "$started" ]]; then
        scripts/test-engine.sh stop "$DRYDOCK_TEST_DOCKERD_DIR" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

ref="$(docker load -i "$IMAGE_TAR" | sed -n 's/^Loaded image: //p' | head -n 1)"
[[ -n "$ref" ]] || { echo "docker load printed no image name" >&2; exit 1; }

# Median wall time of a command (stdout discarded), after one warm-up.
median() {
    python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL)
times = []
for _ in range(runs):
    t = time.monotonic()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    times.append(time.monotonic() - t)
    if code not in (0, 1):
        sys.exit(f"{cmd[0]} exited {code}")
times.sort()
print(f"{times[len(times) // 2]:.3f}")
PY
}

save="$(median docker save "$ref")"
scan="$(median "$DRYDOCK" image "$ref" --format json)"
ratio="$(python3 -c "print(f'{$scan / $save:.2f}')")"
verdict="$(python3 -c "print('PASS' if $scan / $save <= 1.1 else 'MISS')")"

echo "engine:  $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown) at $DOCKER_HOST"
echo "image:   $ref ($(du -h "$IMAGE_TAR" | cut -f1) saved)"
echo "docker save REF > /dev/null   $save s"
echo "drydock image REF             $scan s"
echo "ratio drydock / docker save   $ratio   (target <= 1.1: $verdict)"
