#!/usr/bin/env python3
"""Before and after: two drydock binaries on the same inputs, alternated in
one invocation, median wall and CPU time (user + system) and peak RSS, and
the ratio after/before. For changes that must not cost anything (a
refactor): run it with the binary of the commit before and the one after.

    bench/before-after.py OLD_BINARY NEW_BINARY [RUNS]

Corpora are built under a temporary directory from the peers' data
(DRYDOCK_PEERS, default ../shared/peers): awesome-compose copied 26 and 260
times (1014 and 10 140 Compose files) and the Pod Security fixtures 20
times. Image archives are included when BENCH_IMAGES names a directory of
them (bench/image.sh makes them). Nothing here is a pass or fail: it
prints figures.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("DRYDOCK_PEERS", os.path.join(ROOT, "..", "shared", "peers"))


def corpus(work, name, source, copies):
    target = os.path.join(work, name)
    for i in range(copies):
        shutil.copytree(source, os.path.join(target, f"c{i}"))
    return target


def run(binary, args, cwd):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [binary] + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    before, after = (os.path.abspath(b) for b in sys.argv[1:3])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    work = tempfile.mkdtemp(prefix="drydock-before-after.")
    try:
        compose = os.path.join(PEERS, "awesome-compose")
        pss = os.path.join(PEERS, "pss-fixtures")
        small = corpus(work, "small", compose, 26)
        large = os.path.join(work, "large")
        for i in range(10):
            shutil.copytree(small, os.path.join(large, f"s{i}"))
        cases = [
            ("Compose, 1014 files", small, ["scan", ".", "--images", "none", "--format", "json"]),
            ("Compose, 10 140 files", large, ["scan", ".", "--images", "none", "--format", "json"]),
            ("Kubernetes, PSS fixtures x20", corpus(work, "k8s", pss, 20), ["k8s", ".", "--format", "json"]),
        ]
        images = os.environ.get("BENCH_IMAGES")
        if images and os.path.isdir(images):
            for name in sorted(os.listdir(images)):
                path = os.path.join(images, name)
                cases.append((f"image {name}", work, ["image", "--input", path, "--format", "json"]))
        print(f"before: {before}\nafter:  {after}\n{runs} alternated runs each, medians\n")
        print("| input | wall before | wall after | ratio | CPU before | CPU after | ratio | peak RSS before → after |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, cwd, args in cases:
            run(before, args, cwd)
            run(after, args, cwd)
            got = {before: [], after: []}
            for i in range(runs):
                for binary in (before, after) if i % 2 == 0 else (after, before):
                    got[binary].append(run(binary, args, cwd))
            med = {b: [statistics.median(x[k] for x in got[b]) for k in range(3)] for b in got}
            (wb, cb, rb), (wa, ca, ra) = med[before], med[after]
            print(
                f"| {name} | {wb:.3f} s | {wa:.3f} s | {wa / wb:.3f} | {cb:.3f} s | {ca:.3f} s "
                f"| {ca / cb:.3f} | {rb:.1f} → {ra:.1f} MiB |",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
