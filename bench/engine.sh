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

# shellcheck source=bench/engine-lib.sh
source bench/engine-lib.sh
bench_image "$IMAGE_TAR"
trap engine_down EXIT
engine_up

ref="$(docker load -i "$IMAGE_TAR" | sed -n 's/^Loaded image: //p' | head -n 1)"
[[ -n "$ref" ]] || { echo "docker load printed no image name" >&2; exit 1; }

save="$(median docker save "$ref")"
scan="$(median "$DRYDOCK" image "$ref" --format json)"
ratio="$(python3 -c "print(f'{$scan / $save:.2f}')")"
verdict="$(python3 -c "print('PASS' if $scan / $save <= 1.1 else 'MISS')")"

echo "engine:  $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown) at $DOCKER_HOST"
echo "image:   $ref ($(du -h "$IMAGE_TAR" | cut -f1) saved)"
echo "docker save REF > /dev/null   $save s"
echo "drydock image REF             $scan s"
echo "ratio drydock / docker save   $ratio   (target <= 1.1: $verdict)"
