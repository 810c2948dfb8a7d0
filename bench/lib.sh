# Shared by the scripts in bench/: pinning measured processes to
# PIN_CPUS CPUs when the machine has more, the timer that runs a command as
# a child with a monotonic clock around spawn..exit (so start-up counts, as
# a user pays it; prints "seconds exit_code"), a printf calculator, the
# median of timed runs, the check that a measured run exited cleanly, and
# notes on other builds disturbing the timings (other_builds, note_busy,
# BUSY_SEEN of BUSY_SAMPLES). Source it after setting PIN_CPUS and defining
# log and die (WORK is read only when the functions run); it defines NCPU,
# PIN, PIN_NOTE, EFF_CPUS, TIMER_PY, calc, stats, check_rc, other_builds,
# note_busy, and rss and mib (peak memory of one run, as MiB).

NCPU="$(nproc)"
PIN=()
PIN_NOTE="not pinned ($NCPU CPUs)"
if [[ "$PIN_CPUS" =~ ^[1-9][0-9]*$ ]] && (( NCPU > PIN_CPUS )); then
    if command -v taskset >/dev/null; then
        PIN=(taskset -c "0-$((PIN_CPUS - 1))")
        PIN_NOTE="pinned to $PIN_CPUS of $NCPU CPUs (taskset)"
    else
        PIN_NOTE="NOT pinned: $NCPU CPUs and no taskset"
    fi
fi
EFF_CPUS=$NCPU
(( ${#PIN[@]} )) && EFF_CPUS=$PIN_CPUS

TIMER_PY='
import subprocess, sys, time
out, err, *cmd = sys.argv[1:]
with open(out, "wb") as o, open(err, "wb") as e:
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
    t1 = time.monotonic()
print(f"{t1 - t0:.6f} {rc}")
'

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# stats SECONDS...: "median min max" of the runs, six decimals.
stats() {
    printf '%s\n' "$@" | sort -g \
        | awk '{a[NR]=$1} END {m = (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.6f %.6f %.6f\n", m, a[1], a[NR]}'
}

# check_rc NAME RC: exit 0 (clean) and 1 (findings at or above the gate)
# are both normal runs; anything else stops the benchmark, showing the
# start of $WORK/NAME.err.
check_rc() {
    case "$2" in
        0|1) ;;
        *) printf '%s exited %s; stderr:\n' "$1" "$2" >&2
           head -n 20 "$WORK/$1.err" >&2
           die "$1 did not run cleanly (exit $2); numbers would be meaningless" ;;
    esac
}

# other_builds: other cargo/rustc/clippy processes (they share the 2 cores and skew timings).
other_builds() {
    { pgrep -x cargo; pgrep -x rustc; pgrep -x clippy-driver; } 2>/dev/null | wc -l || true
}
# note_busy: sampled before and after each measurement; BUSY_SEEN counts samples that saw any.
BUSY_SEEN=0
BUSY_SAMPLES=0
note_busy() {
    local n
    n="$(other_builds)"
    BUSY_SAMPLES=$((BUSY_SAMPLES + 1))
    if (( n > 0 )); then
        BUSY_SEEN=$((BUSY_SEEN + 1))
        log "warning: $n other cargo/rustc/clippy process(es) running: timings will be disturbed"
    fi
}

# rss CMD...: peak RSS in KiB of one run (not timed), or empty.
rss() {
    [[ -x /usr/bin/time ]] || return 0
    /usr/bin/time -v -o "$WORK/rss.txt" "${PIN[@]}" "$@" >/dev/null 2>"$WORK/rss.err" || true
    awk -F': *' '/Maximum resident set size/ {print $2}' "$WORK/rss.txt"
}
mib() { [[ -n "$1" ]] && calc '%.1f MiB' "$1 / 1024" || printf 'n/a'; }
