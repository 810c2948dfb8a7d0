# Shared by bench/engine.sh and bench/shared-layers.sh: the Debian + netcat
# bench image (built when missing), a throwaway dockerd when DOCKER_HOST
# does not answer, and the median wall time of a command. Source it from
# the repository root after `set -euo pipefail`; it defines DRYDOCK
# (after `cargo build --release`), engine_up, engine_down and median, and
# reads RUNS.

cargo build --release -q
DRYDOCK="$PWD/target/release/drydock"

# bench_image TAR: builds the Debian + netcat image at TAR if missing.
bench_image() {
    if [[ ! -f "$1" ]]; then
        mkdir -p "$(dirname "$1")"
        scripts/build-debian-image.sh "$1" >&2
    fi
}

ENGINE_STARTED=""
# engine_up: uses DOCKER_HOST when it answers, else starts a throwaway
# dockerd with scripts/test-engine.sh (root needed); engine_down stops
# the one started here.
engine_up() {
    if [[ -z "${DOCKER_HOST:-}" ]] || ! docker version >/dev/null 2>&1; then
        while IFS= read -r line; do export "${line?}"; done < <(scripts/test-engine.sh start)
        ENGINE_STARTED=1
    fi
}
engine_down() {
    if [[ -n "$ENGINE_STARTED" ]]; then
        scripts/test-engine.sh stop "$DRYDOCK_TEST_DOCKERD_DIR" >/dev/null 2>&1 || true
    fi
}

# median CMD...: the median wall time of RUNS runs after one warm-up (exit
# 0 and 1 are clean runs; anything else stops the benchmark).
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
