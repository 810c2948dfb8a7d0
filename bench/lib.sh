# Shared by the scripts in bench/: pinning measured processes to
# PIN_CPUS CPUs when the machine has more, the timer that runs a command as
# a child with a monotonic clock around spawn..exit (so start-up counts, as
# a user pays it; prints "seconds exit_code"), and a printf calculator.
# Source it after setting PIN_CPUS; it defines NCPU, PIN, PIN_NOTE,
# EFF_CPUS, TIMER_PY and calc.

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
