#!/usr/bin/env bash
# Throughput benchmark: `drydock k8s` vs Checkov (Kubernetes framework) on copies of the
# Pod Security Standards fixtures.
#
# Usage (from the repo root):  bench/k8s.sh
#
# Corpus: the 148 PSS fixtures (`pss-fixtures/{baseline,restricted}/v1.37/{pass,fail}/*.yaml`,
# one `kind: Pod` per file) copied BENCH_COPIES times into separate folders copy-NN/ of a temp
# dir, removed on exit (20 copies = 2960 files).
#
# Environment (all optional):
#   DRYDOCK_PEERS        peer data dir holding pss-fixtures/ (default: <repo>/../shared/peers)
#   BENCH_VENV           venv for checkov (default: <repo>/target/bench-venv-checkov, created if missing)
#   CHECKOV_VERSION      pinned checkov version (default: 3.3.30, the one in the peer reference)
#   BENCH_COPIES         copies of the 148 fixtures (default: 20)
#   BENCH_RUNS           timed drydock runs per measurement, median reported (default: 3; plus 1 warm-up)
#   BENCH_CHECKOV_RUNS   timed checkov runs (default: 1; a run takes minutes), median reported
#   BENCH_CPUS           pin every measured process to this many CPUs when the machine has more
#                        (default: 2, the size the targets are stated for; 0 = no pinning)
#   PYTHON               interpreter used for the venv and the timer (default: python3)
#
# Exit: 0 when the benchmark ran (target met or not: see PASS/MISS), 1 on a build or setup
# failure, when a tool did not run cleanly or a sanity check failed, 2 when the fixtures are
# missing.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PEERS="${DRYDOCK_PEERS:-$ROOT/../shared/peers}"
FIX="$PEERS/pss-fixtures"
PSS_VERSION="v1.37"
VENV="${BENCH_VENV:-$ROOT/target/bench-venv-checkov}"
CK_VERSION="${CHECKOV_VERSION:-3.3.30}"
COPIES="${BENCH_COPIES:-20}"
RUNS="${BENCH_RUNS:-3}"
CK_RUNS="${BENCH_CHECKOV_RUNS:-1}"
PIN_CPUS="${BENCH_CPUS:-2}"
PYTHON="${PYTHON:-python3}"

TARGET_RATIO=200     # drydock throughput >= 200x checkov's

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/k8s.sh: %s\n' "$1" >&2; exit "${2:-1}"; }

[[ -d "$FIX" ]] || die "pss-fixtures not found at $FIX (set DRYDOCK_PEERS)" 2
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
[[ "$CK_RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CHECKOV_RUNS must be a positive integer"
[[ "$COPIES" =~ ^[1-9][0-9]*$ ]] || die "BENCH_COPIES must be a positive integer"

# Pinning, the timer, calc, stats, check_rc and the busy-machine notes: shared.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------- build drydock
if (( $(other_builds) > 0 )); then
    log "note: another cargo/rustc is running; cargo waits for its build-directory lock"
fi
log "cargo build --release"
cargo build --release || die "cargo build --release failed"
DRYDOCK="${CARGO_TARGET_DIR:-$ROOT/target}/release/drydock"
[[ -x "$DRYDOCK" ]] || die "no binary at $DRYDOCK after the build"
"$DRYDOCK" k8s --help >/dev/null 2>&1 || die "$DRYDOCK has no 'k8s' subcommand"

# ------------------------------------------------------------- checkov in a venv
if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating venv $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV" || die "could not create venv at $VENV"
fi
CHECKOV="$VENV/bin/checkov"
ck_version() { "$CHECKOV" --version 2>/dev/null | tail -n 1 || true; }
if [[ "$(ck_version)" != "$CK_VERSION" ]]; then
    log "pip install checkov==$CK_VERSION (takes a few minutes the first time)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CK_VERSION" \
        || die "pip install checkov==$CK_VERSION failed"
fi
CK_REPORTED="$(ck_version)"
[[ "$CK_REPORTED" == "$CK_VERSION" ]] || die "expected checkov $CK_VERSION, got: $CK_REPORTED"

# -------------------------------------------------------------------- the corpus
WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-bench-k8s.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

mapfile -t FIXTURES < <(cd "$FIX" && find baseline/"$PSS_VERSION" restricted/"$PSS_VERSION" \
    -type f -name '*.yaml' \( -path '*/pass/*' -o -path '*/fail/*' \) | sort)
PER_COPY="${#FIXTURES[@]}"
(( PER_COPY == 148 )) || log "warning: expected 148 fixtures, found $PER_COPY"
(( PER_COPY > 0 )) || die "no fixtures under $FIX/{baseline,restricted}/$PSS_VERSION" 2

CORPUS="$WORK/corpus"
log "building corpus: $PER_COPY fixtures x $COPIES in $CORPUS"
for (( i = 1; i <= COPIES; i++ )); do
    dest="$(printf '%s/copy-%02d' "$CORPUS" "$i")"
    for f in "${FIXTURES[@]}"; do
        mkdir -p "$dest/$(dirname "$f")"
        cp "$FIX/$f" "$dest/$f"
    done
done
FILES="$(find "$CORPUS" -type f -name '*.yaml' | wc -l)"
(( FILES == PER_COPY * COPIES )) || die "corpus has $FILES files, expected $((PER_COPY * COPIES))"
# The original 148, for checkov's warm-up (and its per-process floor).
SMALL="$WORK/small"
mkdir -p "$SMALL"
for f in "${FIXTURES[@]}"; do
    mkdir -p "$SMALL/$(dirname "$f")"
    cp "$FIX/$f" "$SMALL/$f"
done

# ----------------------------------------------------------------------- timing


# bench NAME WARMUPS RUNS CMD...: WARMUPS untimed runs, then RUNS timed runs (from $WORK);
# sets MEDIAN, MIN, MAX, RC (exit code of the last run). Output of the last run kept in
# $WORK/NAME.{out,err}.
bench() {
    local name="$1" warm="$2" runs="$3"; shift 3
    local i res secs rc times=()
    note_busy
    for (( i = 0; i < warm + runs; i++ )); do
        res="$(cd "$WORK" && "$PYTHON" -c "$TIMER_PY" "$WORK/$name.out" "$WORK/$name.err" "${PIN[@]}" "$@")"
        read -r secs rc <<<"$res"
        (( i < warm )) || times+=("$secs")
    done
    RC="$rc"
    note_busy
    read -r MEDIAN MIN MAX < <(stats "${times[@]}")
}

# Peak RSS from a `/usr/bin/time -v -o FILE` report.
rss_from() { awk -F': *' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$1"; }
HAVE_TIME=0
[[ -x /usr/bin/time ]] && HAVE_TIME=1
NO_TIME="n/a (no /usr/bin/time: apt-get install time)"

# drydock's JSON sanity: prints "workloads files findings errors exit_code".
DD_SANITY_PY='
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print(s["workloads"], s["files"], s["findings"], len(d.get("errors", [])), s["exit_code"])
'
# checkov's JSON sanity: prints "files_with_results resources passed failed parsing_errors
# failed_check_ids". With --quiet only failed checks are listed, so "files with results" =
# distinct file_path among failed checks (every fixture fails e.g. CKV_K8S_10 CPU requests).
CK_SANITY_PY='
import json, sys
d = json.load(open(sys.argv[1]))
reports = d if isinstance(d, list) else [d]
files, ids = set(), set()
res = passed = failed = perr = 0
for r in reports:
    if r.get("check_type") not in (None, "kubernetes"):
        continue
    s = r.get("summary", {})
    res += s.get("resource_count", 0); passed += s.get("passed", 0)
    failed += s.get("failed", 0); perr += s.get("parsing_errors", 0)
    for c in r.get("results", {}).get("failed_checks", []):
        files.add(c.get("file_path")); ids.add(c.get("check_id"))
print(len(files), res, passed, failed, perr, len(ids))
'

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

DD_ARGS=(k8s "$CORPUS" --format json)
DDR_ARGS=(k8s "$CORPUS" --policy pss-restricted --format json)
# As in the peer reference (k8s-peers.md 4.1), plus --skip-download: without it checkov first
# tries a remote guidelines API (no network here: a stack trace, same results, ~0.7 s slower).
CK_ARGS=(-d "$CORPUS" --framework kubernetes -o json --quiet --compact --skip-download)

log "drydock k8s --format json: $FILES files, 1 warm-up + $RUNS runs"
bench drydock 1 "$RUNS" "$DRYDOCK" "${DD_ARGS[@]}"
DD="$MEDIAN" DD_MIN="$MIN" DD_MAX="$MAX" DD_RC="$RC"
check_rc drydock "$DD_RC"
read -r DD_WL DD_FILES DD_FINDINGS DD_ERRS DD_EXIT < <("$PYTHON" -c "$DD_SANITY_PY" "$WORK/drydock.out") \
    || die "drydock output is not the expected JSON"

log "drydock k8s --policy pss-restricted --format json: $FILES files, 1 warm-up + $RUNS runs"
bench drydock-restricted 1 "$RUNS" "$DRYDOCK" "${DDR_ARGS[@]}"
DDR="$MEDIAN" DDR_MIN="$MIN" DDR_MAX="$MAX" DDR_RC="$RC"
check_rc drydock-restricted "$DDR_RC"
read -r DDR_WL DDR_FILES DDR_FINDINGS DDR_ERRS DDR_EXIT < <("$PYTHON" -c "$DD_SANITY_PY" "$WORK/drydock-restricted.out") \
    || die "drydock --policy output is not the expected JSON"

# Peak RSS of drydock: one extra run each, not timed.
if (( HAVE_TIME )); then
    (cd "$WORK" && /usr/bin/time -v -o "$WORK/rss-dd.txt" "${PIN[@]}" "$DRYDOCK" "${DD_ARGS[@]}" >/dev/null 2>&1) || true
    (cd "$WORK" && /usr/bin/time -v -o "$WORK/rss-ddr.txt" "${PIN[@]}" "$DRYDOCK" "${DDR_ARGS[@]}" >/dev/null 2>&1) || true
    RSS_DD="$(rss_from "$WORK/rss-dd.txt")"
    RSS_DDR="$(rss_from "$WORK/rss-ddr.txt")"
    CK_TIME=(/usr/bin/time -v -o "$WORK/rss-ck.txt")
else
    RSS_DD="$NO_TIME" RSS_DDR="$NO_TIME"
    CK_TIME=()
fi

# checkov: its warm-up is one run on the original 148 fixtures (loads the interpreter, the
# .pyc files and the checks into the page cache), timed as its per-process floor; then
# CK_RUNS timed runs on the corpus. Peak RSS is read from the timed run itself
# (/usr/bin/time's own cost is a fork and a wait4, nothing next to checkov's run time).
log "checkov warm-up on the $PER_COPY original fixtures"
CK_ARGS_SMALL=("${CK_ARGS[@]}")
CK_ARGS_SMALL[1]="$SMALL"
bench checkov-small 0 1 "$CHECKOV" "${CK_ARGS_SMALL[@]}"
CK_SMALL="$MEDIAN"
check_rc checkov-small "$RC"

log "checkov -d <corpus> --framework kubernetes: $FILES files, $CK_RUNS run(s) (slow)"
bench checkov 0 "$CK_RUNS" "${CK_TIME[@]}" "$CHECKOV" "${CK_ARGS[@]}"
CK="$MEDIAN" CK_MIN="$MIN" CK_MAX="$MAX" CK_RC="$RC"
check_rc checkov "$CK_RC"
RSS_CK="$NO_TIME"
(( HAVE_TIME )) && RSS_CK="$(rss_from "$WORK/rss-ck.txt")"
read -r CK_SEEN CK_RES CK_PASSED CK_FAILED CK_PERR CK_IDS < <("$PYTHON" -c "$CK_SANITY_PY" "$WORK/checkov.out") \
    || die "checkov output is not the expected JSON (see $WORK/checkov.err)"

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---------------------------------------------------------------------- sanity
SANITY_FAIL=()
(( DD_WL == FILES )) || SANITY_FAIL+=("drydock: summary.workloads = $DD_WL, expected $FILES")
(( DDR_WL == FILES )) || SANITY_FAIL+=("drydock --policy: summary.workloads = $DDR_WL, expected $FILES")
(( DD_ERRS == 0 )) || SANITY_FAIL+=("drydock: $DD_ERRS error(s) in its JSON")
(( DDR_ERRS == 0 )) || SANITY_FAIL+=("drydock --policy: $DDR_ERRS error(s) in its JSON")
(( DD_EXIT == DD_RC )) || SANITY_FAIL+=("drydock: exit $DD_RC but summary.exit_code $DD_EXIT")
(( DDR_EXIT == DDR_RC )) || SANITY_FAIL+=("drydock --policy: exit $DDR_RC but summary.exit_code $DDR_EXIT")
(( CK_RES == FILES )) || SANITY_FAIL+=("checkov: summary.resource_count = $CK_RES, expected $FILES")
(( CK_SEEN == FILES )) || SANITY_FAIL+=("checkov: results for $CK_SEEN files, expected $FILES")
(( CK_PERR == 0 )) || SANITY_FAIL+=("checkov: $CK_PERR parsing error(s)")

# ---------------------------------------------------------------------- report
s4() { printf '%.4f' "$1"; }
s2() { printf '%.2f' "$1"; }
row() { printf '%-40s %9s  %-20s %8s %5s  %s' "$@"; }
DD_FPS="$(calc '%.0f' "$FILES / $DD")"
DDR_FPS="$(calc '%.0f' "$FILES / $DDR")"
CK_FPS="$(calc '%.1f' "$FILES / $CK")"
RATIO="$(calc '%.0f' "$CK / $DD")"
RATIO_R="$(calc '%.0f' "$CK / $DDR")"
RATIO_OK="$(calc '%s' "($CK / $DD >= $TARGET_RATIO) ? \"PASS\" : \"MISS\"")"
RATIO_R_OK="$(calc '%s' "($CK / $DDR >= $TARGET_RATIO) ? \"PASS\" : \"MISS\"")"
CK_PER_FILE_MS="$(calc '%.1f' "($CK - $CK_SMALL) / ($FILES - $PER_COPY) * 1000")"

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
[[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] || COMMIT="$COMMIT (dirty tree)"
CPU_MODEL="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"
CK_PY="$("$VENV/bin/python" --version 2>&1)"
BUSY_NOTE="none seen ($BUSY_SAMPLES samples, before and after each measurement)"
(( BUSY_SEEN == 0 )) || BUSY_NOTE="YES, in $BUSY_SEEN of $BUSY_SAMPLES samples: timings disturbed, run again on a quiet machine"
CK_RUNS_NOTE="$CK_RUNS run"
(( CK_RUNS == 1 )) || CK_RUNS_NOTE="median of $CK_RUNS runs"

cat <<EOF

drydock k8s vs checkov -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: ${CPU_MODEL:-unknown CPU}, $NCPU CPUs, $PIN_NOTE; load $LOAD_BEFORE before, $LOAD_AFTER after
other cargo/rustc/clippy during the run: $BUSY_NOTE
drydock: commit $COMMIT, $RUSTC, $DRYDOCK
checkov: $CK_REPORTED (PyPI, venv $VENV, $CK_PY)
corpus: PSS fixtures $PSS_VERSION ($PER_COPY files: baseline + restricted, pass + fail; one Pod each) x $COPIES = $FILES files
timing: monotonic clock around spawn..exit (process start-up included);
        drydock: median of $RUNS runs after 1 warm-up; checkov: $CK_RUNS_NOTE (slow), after a warm-up run on the $PER_COPY originals

$(row "tool" "seconds" "(min..max)" "files/s" "exit" "peak RSS")
$(row "drydock k8s" "$(s4 "$DD")" "($(s4 "$DD_MIN")..$(s4 "$DD_MAX"))" "$DD_FPS" "$DD_RC" "$RSS_DD")
$(row "drydock k8s --policy pss-restricted" "$(s4 "$DDR")" "($(s4 "$DDR_MIN")..$(s4 "$DDR_MAX"))" "$DDR_FPS" "$DDR_RC" "$RSS_DDR")
$(row "checkov --framework kubernetes" "$(s2 "$CK")" "($(s2 "$CK_MIN")..$(s2 "$CK_MAX"))" "$CK_FPS" "$CK_RC" "$RSS_CK")

throughput ratio drydock/checkov:                         ${RATIO}x    target >= ${TARGET_RATIO}x: $RATIO_OK
throughput ratio drydock --policy pss-restricted/checkov: ${RATIO_R}x    target >= ${TARGET_RATIO}x: $RATIO_R_OK

invocations (run from the temp dir; the corpus path is absolute):
  drydock k8s <corpus> --format json                                 (walks the tree itself)
  drydock k8s <corpus> --policy pss-restricted --format json
  checkov ${CK_ARGS[*]/#$CORPUS/<corpus>}
sanity: drydock:           $DD_WL workloads, $DD_FILES files, $DD_FINDINGS findings, $DD_ERRS errors, exit $DD_RC
        drydock --policy:  $DDR_WL workloads, $DDR_FILES files, $DDR_FINDINGS findings, $DDR_ERRS errors, exit $DDR_RC
        checkov:           $CK_RES resources, results (failed checks) for $CK_SEEN of $FILES files, $CK_PASSED passed / $CK_FAILED failed checks, $CK_IDS distinct failing check IDs, $CK_PERR parsing errors, exit $CK_RC
checkov on the $PER_COPY originals: $(s2 "$CK_SMALL") s (start-up and check loading dominate);
        marginal cost on the corpus: about $CK_PER_FILE_MS ms per extra file
EOF

if (( ${#SANITY_FAIL[@]} )); then
    printf '\nSANITY CHECK FAILED:\n' >&2
    printf '  %s\n' "${SANITY_FAIL[@]}" >&2
    die "sanity checks failed; the numbers above are not comparable"
fi

cat <<EOF

---- summary for BENCHMARKS.md ----
### Kubernetes: drydock vs Checkov $CK_REPORTED (\`bench/k8s.sh\`)

$(date -u +%Y-%m-%d), ${CPU_MODEL:-unknown CPU}, $EFF_CPUS CPUs used; drydock $COMMIT, release build.
Corpus: the $PER_COPY Pod Security Standards fixtures ($PSS_VERSION, baseline and restricted, pass
and fail; one Pod per file) copied $COPIES times into separate folders: $FILES files.
Wall time from process spawn to exit. drydock: median of $RUNS runs after one warm-up.
Checkov (\`-d DIR --framework kubernetes -o json --quiet --compact --skip-download\`): one
process over the whole tree, $CK_RUNS_NOTE (it is slow), after a warm-up run on the
$PER_COPY originals (that run alone takes $(s2 "$CK_SMALL") s: start-up and check loading).

| tool | files | seconds | files/s | peak RSS |
| --- | ---: | ---: | ---: | ---: |
| drydock \`k8s --format json\` | $FILES | $(s4 "$DD") | $DD_FPS | $RSS_DD |
| drydock \`k8s --policy pss-restricted --format json\` | $FILES | $(s4 "$DDR") | $DDR_FPS | $RSS_DDR |
| checkov $CK_REPORTED \`--framework kubernetes\` | $FILES | $(s2 "$CK") | $CK_FPS | $RSS_CK |

- Throughput, drydock / Checkov: **${RATIO}×** (\`--policy pss-restricted\`: ${RATIO_R}×).
  Target ≥ ${TARGET_RATIO}×: **$( [[ $RATIO_OK == PASS ]] && echo met || echo missed )**.
- Sanity: drydock reported $DD_WL workloads and no errors; Checkov $CK_RES resources, with
  failed checks on all $CK_SEEN files and no parsing errors.$( (( BUSY_SEEN == 0 )) || printf '\n- Other builds were running during the measurements (%s of %s samples): disturbed.' "$BUSY_SEEN" "$BUSY_SAMPLES")
---- end summary ----
EOF
