#!/usr/bin/env bash
# Shared-layer benchmark: many images of one engine built on one base.
#
# Builds, in a throwaway engine, IMAGES images (default 20) from the
# Debian + netcat bench image, each adding one application layer of its
# own (FILES small files, default 400), and one "union" image that stacks
# the base and all those application layers (the distinct layers of the
# set, in one image). Then times, in one invocation, median of RUNS:
#   - drydock image UNION                     (the union: the floor)
#   - drydock images 'drydock-bench/app-*'    (the IMAGES images)
#   - drydock scan DIR (a Compose project whose IMAGES services run them)
#   - docker save of the IMAGES images in one export (the engine's part)
# and prints the ratios to the union. Target: the images run <= 1.3x the
# union's time (a shared layer is exported, decompressed, hashed and
# indexed once in the run).
#
# Usage: bench/shared-layers.sh            (root: starts its own dockerd)
# Environment: BENCH_RUNS (3), BENCH_IMAGES (20), BENCH_FILES (400).
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${BENCH_RUNS:-3}"
IMAGES="${BENCH_IMAGES:-20}"
FILES="${BENCH_FILES:-400}"
BASE_TAR="target/bench-images/debian-netcat.tar"

# shellcheck source=bench/engine-lib.sh
source bench/engine-lib.sh
bench_image "$BASE_TAR"
WORK="$(mktemp -d)"
trap 'engine_down; rm -rf "$WORK"' EXIT
engine_up

base="$(docker load -i "$BASE_TAR" | sed -n 's/^Loaded image: //p' | head -n 1)"
[[ -n "$base" ]] || { echo "docker load printed no image name" >&2; exit 1; }

# The application layers: FILES files of 1-8 KiB of text each, different
# in every image (a seeded generator, so runs build the same images).
python3 - "$WORK/ctx" "$IMAGES" "$FILES" <<'PY'
import os, random, sys, string
root, images, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(images):
    rng = random.Random(i)
    app = os.path.join(root, f"app{i}")
    for f in range(files):
        d = os.path.join(app, f"pkg{f % 20}")
        os.makedirs(d, exist_ok=True)
        size = rng.randint(1024, 8192)
        text = "".join(rng.choices(string.ascii_letters + string.digits + " \n", k=size))
        with open(os.path.join(d, f"mod{f}.py"), "w") as out:
            out.write(f"# image {i} file {f}\n{text}\n")
PY
build() { # build TAG DOCKERFILE
    printf '%s' "$2" >"$WORK/ctx/Dockerfile"
    # The legacy builder, quiet (it warns that it is deprecated).
    DOCKER_BUILDKIT=0 docker build -q -t "$1" "$WORK/ctx" >/dev/null 2>"$WORK/build.err" \
        || { cat "$WORK/build.err" >&2; exit 1; }
}
union="FROM $base"$'\n'
services="services:"$'\n'
for ((i = 0; i < IMAGES; i++)); do
    build "drydock-bench/app-$i:1" "FROM $base"$'\n'"COPY app$i /srv/app$i"$'\n'
    union+="COPY app$i /srv/app$i"$'\n'
    services+="  app$i:"$'\n'"    image: drydock-bench/app-$i:1"$'\n'
done
build "drydock-bench/union:1" "$union"
mkdir -p "$WORK/project"
printf '%s' "$services" >"$WORK/project/compose.yaml"

apps=()
for ((i = 0; i < IMAGES; i++)); do apps+=("drydock-bench/app-$i:1"); done
t_union="$(median "$DRYDOCK" image drydock-bench/union:1 --format json)"
t_images="$(median "$DRYDOCK" images 'drydock-bench/app-*' --format json)"
t_scan="$(median "$DRYDOCK" scan "$WORK/project" --format json)"
t_save="$(median docker save "${apps[@]}")"
t_union_save="$(median docker save drydock-bench/union:1)"
# Exit 1 is a run with findings: the count is what matters here.
report="$("$DRYDOCK" images 'drydock-bench/app-*' --format json || true)"
count="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["images"])' <<<"$report")"
[[ "$count" == "$IMAGES" ]] || { echo "drydock images read $count images, not $IMAGES" >&2; exit 1; }

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
verdict() { python3 -c "print('PASS' if $1 / $2 <= 1.3 else 'MISS')"; }
echo "engine:  $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)"
echo "images:  $IMAGES on $base, $FILES files each in their own layer; union: base + the $IMAGES layers"
echo "docker save UNION                          $t_union_save s"
echo "docker save the $IMAGES images (one export)    $t_save s"
echo "drydock image UNION                        $t_union s   ratio to docker save $(ratio "$t_union" "$t_union_save")   (bench/engine.sh's target <= 1.1)"
echo "drydock images (the $IMAGES)                   $t_images s   ratio to union $(ratio "$t_images" "$t_union")   (target <= 1.3: $(verdict "$t_images" "$t_union"))"
echo "drydock scan (Compose, $IMAGES services)       $t_scan s   ratio to union $(ratio "$t_scan" "$t_union")   (target <= 1.3: $(verdict "$t_scan" "$t_union"))"
