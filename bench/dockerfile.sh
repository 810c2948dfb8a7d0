#!/usr/bin/env bash
# Throughput benchmark: `drydock dockerfile` vs hadolint 2.15 and Trivy 0.76 (`trivy config`,
# Dockerfile checks only) on copies of the official-image Dockerfiles, all three in one run.
#
# Usage (from anywhere):  bench/dockerfile.sh
#
# Corpus: the Dockerfiles of ../shared/peers/dockerfiles (481 files from 22 repositories) but
# the mysql repo's `Dockerfile.oracle` template (`{{ }}` placeholders: not a Dockerfile, every
# tool refuses it), so 480 per copy, copied BENCH_COPIES times into separate folders copy-NN/ of
# a temp dir, removed on exit (3 copies = 1440 files).
#
# Measured (wall time from spawn to exit, each process run from the temp dir):
#   drydock   `drydock dockerfile <corpus> --format json`      (walks the tree itself)
#   hadolint  `hadolint -f json --no-fail FILE...`             (every file in one process, paths
#             relative to the corpus; in xargs batches only if the list exceeds half of ARG_MAX)
#   trivy     `trivy config --misconfig-scanners dockerfile -f json <corpus>` with its embedded
#             checks (--skip-check-update, a cache dir in the temp dir, no telemetry, no
#             version check, no config or ignore file)
# The peers run with an empty environment and HOME in the temp dir, as in the conformance test
# (tests/drydock/dockerfile_peers.rs). drydock: median of BENCH_RUNS runs after 1 warm-up.
# Each peer: a warm-up run on copy-01 alone (timed: its per-process floor), then
# BENCH_PEER_RUNS timed runs on the whole corpus (median).
# Targets: drydock throughput >= 50x hadolint's and >= 50x Trivy's.
#
# Environment (all optional):
#   DRYDOCK_PEERS     peer data dir holding dockerfiles/ (default: <repo>/../shared/peers)
#   DRYDOCK           binary to measure (default: target/release/drydock after `cargo build --release`)
#   DRYDOCK_HADOLINT, DRYDOCK_TRIVY
#                     the peers' binaries (default: installed by scripts/install-dockerfile-peers.sh)
#   BENCH_COPIES      copies of the corpus (default: 3)
#   BENCH_RUNS        timed drydock runs, median reported (default: 5; plus 1 warm-up)
#   BENCH_PEER_RUNS   timed runs of each peer on the whole corpus (default: 1; hadolint takes minutes)
#   BENCH_CPUS        pin every measured process to this many CPUs when the machine has more
#                     (default: 2, the size the targets are stated for; 0 = no pinning)
#   PYTHON            interpreter for the timer and the sanity checks (default: python3)
#
# Exit: 0 when the benchmark ran (targets met or not: see PASS/MISS), 1 on a build or setup
# failure, when a tool did not run cleanly or a sanity check failed, 2 when the corpus is missing.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PEERS="${DRYDOCK_PEERS:-$ROOT/../shared/peers}"
SRC="$PEERS/dockerfiles"
COPIES="${BENCH_COPIES:-3}"
RUNS="${BENCH_RUNS:-5}"
PEER_RUNS="${BENCH_PEER_RUNS:-1}"
PIN_CPUS="${BENCH_CPUS:-2}"
PYTHON="${PYTHON:-python3}"
TEMPLATE="docker-library-mysql/Dockerfile.oracle"

TARGET_RATIO=50      # drydock throughput >= 50x hadolint's and >= 50x Trivy's

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/dockerfile.sh: %s\n' "$1" >&2; exit "${2:-1}"; }

[[ -d "$SRC" ]] || die "dockerfiles corpus not found at $SRC (set DRYDOCK_PEERS)" 2
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
[[ "$COPIES" =~ ^[1-9][0-9]*$ ]] || die "BENCH_COPIES must be a positive integer"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
[[ "$PEER_RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_PEER_RUNS must be a positive integer"

# Pinning, the timer, calc, stats, check_rc and the busy-machine notes: shared.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------- build drydock
if [[ -n "${DRYDOCK:-}" ]]; then
    log "drydock: $DRYDOCK (from DRYDOCK, not rebuilt)"
else
    log "cargo build --release"
    cargo build --release || die "cargo build --release failed"
    DRYDOCK="${CARGO_TARGET_DIR:-$ROOT/target}/release/drydock"
fi
[[ -x "$DRYDOCK" ]] || die "no binary at $DRYDOCK"
"$DRYDOCK" dockerfile --help >/dev/null 2>&1 || die "$DRYDOCK has no 'dockerfile' subcommand"

# ------------------------------------------------------------------- the peers
if [[ -z "${DRYDOCK_HADOLINT:-}" || -z "${DRYDOCK_TRIVY:-}" ]]; then
    log "scripts/install-dockerfile-peers.sh"
    PEER_LINES="$("$ROOT/scripts/install-dockerfile-peers.sh")" \
        || die "scripts/install-dockerfile-peers.sh failed"
    while IFS= read -r line; do
        case "$line" in
            DRYDOCK_HADOLINT=*) [[ -n "${DRYDOCK_HADOLINT:-}" ]] || DRYDOCK_HADOLINT="${line#*=}" ;;
            DRYDOCK_TRIVY=*) [[ -n "${DRYDOCK_TRIVY:-}" ]] || DRYDOCK_TRIVY="${line#*=}" ;;
        esac
    done <<<"$PEER_LINES"
fi
HADOLINT="$DRYDOCK_HADOLINT"
TRIVY="$DRYDOCK_TRIVY"
[[ -x "$HADOLINT" ]] || die "no hadolint at $HADOLINT"
[[ -x "$TRIVY" ]] || die "no trivy at $TRIVY"
HL_VERSION="$("$HADOLINT" --version | awk '{print $NF}')"
TV_VERSION="$("$TRIVY" --version | awk '/^Version:/ {print $2; exit}')"

# -------------------------------------------------------------------- the corpus
WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-bench-dockerfile.XXXXXX")"
trap 'rm -rf -- "$WORK"' EXIT

mapfile -t FIXTURES < <(cd "$SRC" && find . -type f \( -name Dockerfile -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \) \
    | sed 's|^\./||' | grep -vxF "$TEMPLATE" | sort)
PER_COPY="${#FIXTURES[@]}"
(( PER_COPY > 0 )) || die "no Dockerfiles under $SRC" 2
(( PER_COPY == 480 )) || log "warning: expected 480 Dockerfiles besides the template, found $PER_COPY"

CORPUS="$WORK/corpus"
log "building corpus: $PER_COPY Dockerfiles x $COPIES in $CORPUS"
for (( i = 1; i <= COPIES; i++ )); do
    dest="$(printf '%s/copy-%02d' "$CORPUS" "$i")"
    for f in "${FIXTURES[@]}"; do
        mkdir -p "$dest/$(dirname "$f")"
        cp "$SRC/$f" "$dest/$f"
    done
done
mapfile -t ALL < <(cd "$CORPUS" && find . -type f | sed 's|^\./||' | sort)
FILES="${#ALL[@]}"
(( FILES == PER_COPY * COPIES )) || die "corpus has $FILES files, expected $((PER_COPY * COPIES))"
mapfile -t FIRST < <(printf '%s\n' "${ALL[@]}" | grep '^copy-01/')

# hadolint's argument list: one invocation unless it is too long for one exec.
ARG_MAX="$(getconf ARG_MAX 2>/dev/null || echo 131072)"
ARGV_BYTES="$(printf '%s\n' "${ALL[@]}" | wc -c)"
mkdir -p "$WORK/home"
PEER_ENV=(env -i "HOME=$WORK/home" "XDG_CONFIG_HOME=$WORK/home/config" "TMPDIR=$WORK" "PATH=$PATH")
# hadolint_cmd FILE...: the command that lints FILEs (relative to the corpus) in as few processes
# as the argument limit allows.
hadolint_cmd() {
    if (( ARGV_BYTES * 2 < ARG_MAX )); then
        HL_CMD=("${PEER_ENV[@]}" "$HADOLINT" -f json --no-fail "$@")
        HL_NOTE="one process"
    else
        printf '%s\0' "$@" >"$WORK/hadolint-files"
        # shellcheck disable=SC2016  # $0, $1 and $@ are the inner sh's
        HL_CMD=(sh -c 'cd "$1" && shift && exec xargs -0 "$@" <"$0"' "$WORK/hadolint-files" "$CORPUS"
                "${PEER_ENV[@]}" "$HADOLINT" -f json --no-fail)
        HL_NOTE="xargs batches"
    fi
}
TRIVY_ARGS=(config --cache-dir "$WORK/trivy-cache" --skip-check-update --skip-version-check
            --disable-telemetry --misconfig-scanners dockerfile --ignorefile "" --config "" -f json)
# For the report: empty arguments shown as "", the temp dir as <tmp>.
TRIVY_SHOWN=""
for a in "${TRIVY_ARGS[@]}"; do
    [[ -n "$a" ]] || a='""'
    TRIVY_SHOWN+=" ${a/#$WORK/<tmp>}"
done

# ----------------------------------------------------------------------- timing

# bench NAME DIR WARMUPS RUNS CMD...: WARMUPS untimed runs, then RUNS timed runs, from DIR;
# sets MEDIAN, MIN, MAX, RC (exit code of the last run). Output of the last run kept in
# $WORK/NAME.{out,err}.
bench() {
    local name="$1" dir="$2" warm="$3" runs="$4"; shift 4
    local i res secs rc times=()
    note_busy
    for (( i = 0; i < warm + runs; i++ )); do
        res="$(cd "$dir" && "$PYTHON" -c "$TIMER_PY" "$WORK/$name.out" "$WORK/$name.err" "${PIN[@]}" "$@")"
        read -r secs rc <<<"$res"
        (( i < warm )) || times+=("$secs")
    done
    RC="$rc"
    note_busy
    read -r MEDIAN MIN MAX < <(stats "${times[@]}")
}

rss_from() { awk -F': *' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$1"; }
HAVE_TIME=0
[[ -x /usr/bin/time ]] && HAVE_TIME=1
NO_TIME="n/a (no /usr/bin/time: apt-get install time)"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# drydock
DD_ARGS=(dockerfile "$CORPUS" --format json)
log "drydock dockerfile --format json: $FILES files, 1 warm-up + $RUNS runs"
bench drydock "$WORK" 1 "$RUNS" "$DRYDOCK" "${DD_ARGS[@]}"
DD="$MEDIAN" DD_MIN="$MIN" DD_MAX="$MAX" DD_RC="$RC"
check_rc drydock "$DD_RC"
RSS_DD="$NO_TIME"
if (( HAVE_TIME )); then
    (cd "$WORK" && /usr/bin/time -v -o "$WORK/rss-dd.txt" "${PIN[@]}" "$DRYDOCK" "${DD_ARGS[@]}" >/dev/null 2>&1) || true
    RSS_DD="$(rss_from "$WORK/rss-dd.txt")"
fi

# hadolint: warm-up on copy-01, then the corpus.
hadolint_cmd "${FIRST[@]}"
log "hadolint warm-up on copy-01 ($PER_COPY files)"
bench hadolint-one "$CORPUS" 0 1 "${HL_CMD[@]}"
HL_ONE="$MEDIAN"
check_rc hadolint-one "$RC"
hadolint_cmd "${ALL[@]}"
HL_TIME=()
(( HAVE_TIME )) && HL_TIME=(/usr/bin/time -v -o "$WORK/rss-hl.txt")
log "hadolint -f json --no-fail ($HL_NOTE): $FILES files, $PEER_RUNS run(s) (slow)"
bench hadolint "$CORPUS" 0 "$PEER_RUNS" "${HL_TIME[@]}" "${HL_CMD[@]}"
HL="$MEDIAN" HL_MIN="$MIN" HL_MAX="$MAX" HL_RC="$RC"
check_rc hadolint "$HL_RC"
RSS_HL="$NO_TIME"
(( HAVE_TIME )) && RSS_HL="$(rss_from "$WORK/rss-hl.txt")"

# trivy: warm-up on copy-01 (fills its cache dir with the embedded checks' state), then the corpus.
log "trivy config warm-up on copy-01 ($PER_COPY files)"
bench trivy-one "$WORK" 0 1 "${PEER_ENV[@]}" "$TRIVY" "${TRIVY_ARGS[@]}" "$CORPUS/copy-01"
TV_ONE="$MEDIAN"
check_rc trivy-one "$RC"
TV_TIME=()
(( HAVE_TIME )) && TV_TIME=(/usr/bin/time -v -o "$WORK/rss-tv.txt")
log "trivy config --misconfig-scanners dockerfile: $FILES files, $PEER_RUNS run(s)"
bench trivy "$WORK" 0 "$PEER_RUNS" "${TV_TIME[@]}" "${PEER_ENV[@]}" "$TRIVY" "${TRIVY_ARGS[@]}" "$CORPUS"
TV="$MEDIAN" TV_MIN="$MIN" TV_MAX="$MAX" TV_RC="$RC"
check_rc trivy "$TV_RC"
RSS_TV="$NO_TIME"
(( HAVE_TIME )) && RSS_TV="$(rss_from "$WORK/rss-tv.txt")"

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---------------------------------------------------------------------- sanity
# drydock: "dockerfiles findings errors exit_code"
read -r DD_FILES DD_FINDINGS DD_ERRS DD_EXIT < <("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print(s["dockerfiles"], s["findings"], len(d.get("errors") or []), s["exit_code"])
' "$WORK/drydock.out") || die "drydock output is not the expected JSON"
# hadolint (one JSON array per process): "files_reported findings parse_errors"
read -r HL_SEEN HL_FINDINGS HL_PERR < <("$PYTHON" -c '
import json, sys
text, dec, pos, items = open(sys.argv[1]).read(), json.JSONDecoder(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    chunk, pos = dec.raw_decode(text, pos)
    items += chunk
print(len({i["file"] for i in items}), sum(i["code"] != "DL1000" for i in items),
      sum(i["code"] == "DL1000" for i in items))
' "$WORK/hadolint.out") || die "hadolint output is not the expected JSON"
# trivy: "targets failures"
read -r TV_TARGETS TV_FAILS < <("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d.get("Results") or []
print(len(r), sum(1 for t in r for m in (t.get("Misconfigurations") or []) if m.get("Status") == "FAIL"))
' "$WORK/trivy.out") || die "trivy output is not the expected JSON"
TV_PERR="$(grep -c 'Failed to parse file' "$WORK/trivy.err" || true)"

SANITY_FAIL=()
(( DD_FILES == FILES )) || SANITY_FAIL+=("drydock: summary.dockerfiles = $DD_FILES, expected $FILES")
(( DD_ERRS == 0 )) || SANITY_FAIL+=("drydock: $DD_ERRS error(s) in its JSON")
(( DD_EXIT == DD_RC )) || SANITY_FAIL+=("drydock: exit $DD_RC but summary.exit_code $DD_EXIT")
(( DD_FINDINGS > 0 )) || SANITY_FAIL+=("drydock: no findings")
(( HL_SEEN >= FILES * 9 / 10 )) || SANITY_FAIL+=("hadolint: output for $HL_SEEN of $FILES files")
(( TV_TARGETS == FILES )) || SANITY_FAIL+=("trivy: $TV_TARGETS targets, expected $FILES")
(( TV_PERR == 0 )) || SANITY_FAIL+=("trivy: $TV_PERR parse error(s)")

# ---------------------------------------------------------------------- report
s4() { printf '%.4f' "$1"; }
s2() { printf '%.2f' "$1"; }
row() { printf '%-40s %9s  %-20s %8s %5s  %s' "$@"; }
DD_FPS="$(calc '%.0f' "$FILES / $DD")"
HL_FPS="$(calc '%.1f' "$FILES / $HL")"
TV_FPS="$(calc '%.1f' "$FILES / $TV")"
RATIO_HL="$(calc '%.0f' "$HL / $DD")"
RATIO_TV="$(calc '%.0f' "$TV / $DD")"
OK_HL="$(calc '%s' "($HL / $DD >= $TARGET_RATIO) ? \"PASS\" : \"MISS\"")"
OK_TV="$(calc '%s' "($TV / $DD >= $TARGET_RATIO) ? \"PASS\" : \"MISS\"")"
met() { [[ "$1" == PASS ]] && echo met || echo missed; }

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
[[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] || COMMIT="$COMMIT (dirty tree)"
CPU_MODEL="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"
BUSY_NOTE="none seen ($BUSY_SAMPLES samples, before and after each measurement)"
(( BUSY_SEEN == 0 )) || BUSY_NOTE="YES, in $BUSY_SEEN of $BUSY_SAMPLES samples: timings disturbed, run again on a quiet machine"
PEER_RUNS_NOTE="$PEER_RUNS run"
(( PEER_RUNS == 1 )) || PEER_RUNS_NOTE="median of $PEER_RUNS runs"

cat <<EOF

drydock dockerfile vs hadolint $HL_VERSION and Trivy $TV_VERSION -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: ${CPU_MODEL:-unknown CPU}, $NCPU CPUs, $PIN_NOTE; load $LOAD_BEFORE before, $LOAD_AFTER after
other cargo/rustc/clippy during the run: $BUSY_NOTE
drydock: commit $COMMIT, $RUSTC, $DRYDOCK
hadolint: $HL_VERSION ($HADOLINT); trivy: $TV_VERSION ($TRIVY)
corpus: official-image Dockerfiles ($PER_COPY files, the mysql template left out) x $COPIES = $FILES files
timing: monotonic clock around spawn..exit (process start-up included);
        drydock: median of $RUNS runs after 1 warm-up; each peer: $PEER_RUNS_NOTE after a warm-up on copy-01

$(row "tool" "seconds" "(min..max)" "files/s" "exit" "peak RSS")
$(row "drydock dockerfile --format json" "$(s4 "$DD")" "($(s4 "$DD_MIN")..$(s4 "$DD_MAX"))" "$DD_FPS" "$DD_RC" "$RSS_DD")
$(row "hadolint -f json --no-fail" "$(s2 "$HL")" "($(s2 "$HL_MIN")..$(s2 "$HL_MAX"))" "$HL_FPS" "$HL_RC" "$RSS_HL")
$(row "trivy config (dockerfile)" "$(s2 "$TV")" "($(s2 "$TV_MIN")..$(s2 "$TV_MAX"))" "$TV_FPS" "$TV_RC" "$RSS_TV")

throughput ratio drydock/hadolint: ${RATIO_HL}x    target >= ${TARGET_RATIO}x: $OK_HL
throughput ratio drydock/Trivy:    ${RATIO_TV}x    target >= ${TARGET_RATIO}x: $OK_TV

invocations (the corpus path is absolute; hadolint runs from the corpus with relative paths):
  drydock dockerfile <corpus> --format json
  hadolint -f json --no-fail FILE... ($HL_NOTE, $ARGV_BYTES bytes of paths, ARG_MAX $ARG_MAX)
  trivy${TRIVY_SHOWN} <corpus>
sanity: drydock:  $DD_FILES Dockerfiles, $DD_FINDINGS findings, $DD_ERRS errors, exit $DD_RC
        hadolint: output for $HL_SEEN files, $HL_FINDINGS findings, $HL_PERR parse errors (DL1000), exit $HL_RC
        trivy:    $TV_TARGETS targets, $TV_FAILS failed checks, $TV_PERR parse errors, exit $TV_RC
on copy-01 alone ($PER_COPY files): hadolint $(s2 "$HL_ONE") s, trivy $(s2 "$TV_ONE") s (trivy's start-up and
        check loading are most of its time)
EOF

if (( ${#SANITY_FAIL[@]} )); then
    printf '\nSANITY CHECK FAILED:\n' >&2
    printf '  %s\n' "${SANITY_FAIL[@]}" >&2
    die "sanity checks failed; the numbers above are not comparable"
fi

cat <<EOF

---- summary for BENCHMARKS.md ----
### Dockerfiles: drydock vs hadolint $HL_VERSION and Trivy $TV_VERSION (\`bench/dockerfile.sh\`)

$(date -u +%Y-%m-%d), ${CPU_MODEL:-unknown CPU}, $EFF_CPUS CPUs used; drydock $COMMIT, release build.
Corpus: the official-image Dockerfiles of \`../shared/peers/dockerfiles\` ($PER_COPY files, the
mysql \`Dockerfile.oracle\` template left out) copied $COPIES times into separate folders: $FILES files.
Wall time from process spawn to exit. drydock: median of $RUNS runs after one warm-up. hadolint
(\`-f json --no-fail FILE...\`, $HL_NOTE) and Trivy (\`config --misconfig-scanners dockerfile
-f json DIR\`, embedded checks, no update): $PEER_RUNS_NOTE each, after a warm-up on one copy
($PER_COPY files: hadolint $(s2 "$HL_ONE") s, Trivy $(s2 "$TV_ONE") s).

| tool | files | seconds | files/s | peak RSS |
| --- | ---: | ---: | ---: | ---: |
| drydock \`dockerfile --format json\` | $FILES | $(s4 "$DD") | $DD_FPS | $RSS_DD |
| hadolint $HL_VERSION | $FILES | $(s2 "$HL") | $HL_FPS | $RSS_HL |
| Trivy $TV_VERSION \`config\` | $FILES | $(s2 "$TV") | $TV_FPS | $RSS_TV |

- Throughput, drydock / hadolint: **${RATIO_HL}×**; target ≥ ${TARGET_RATIO}×: **$(met "$OK_HL")**.
- Throughput, drydock / Trivy: **${RATIO_TV}×**; target ≥ ${TARGET_RATIO}×: **$(met "$OK_TV")**.
- Sanity: drydock read $DD_FILES Dockerfiles ($DD_FINDINGS findings, no errors); hadolint reported
  on $HL_SEEN files ($HL_PERR parse errors: the mongo nanoserver files it cannot parse); Trivy
  scanned $TV_TARGETS targets with no parse error.$( (( BUSY_SEEN == 0 )) || printf '\n- Other builds were running during the measurements (%s of %s samples): disturbed.' "$BUSY_SEEN" "$BUSY_SAMPLES")
---- end summary ----
EOF
