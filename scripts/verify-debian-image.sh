#!/usr/bin/env bash
# Check `drydock image` against an image built by scripts/build-debian-image.sh, and check
# the image itself against dpkg's own records.
#
# Usage (from anywhere; root recommended so extraction keeps owners):
#   scripts/verify-debian-image.sh IMAGE.tar
#
# 1. Ground truth, without drydock: the layers are applied in order (whiteouts honoured)
#    in a temporary directory, deleted at exit. After every layer, every md5sums entry
#    present is checked twice: with `md5sum -c` run in the tree (`cat
#    var/lib/dpkg/info/*.md5sums | md5sum -c --quiet`; the usr-merge symlinks /bin, /lib,
#    /sbin -> usr/... make md5sums' `bin/...` entries resolve) and by a resolver that
#    follows symlinks inside the tree only and names the layer each file came from. On the
#    final tree `dpkg --root=TREE --verify` runs too (it also covers conffiles), and
#    /usr/bin/nc is resolved through the alternatives chain.
# 2. drydock: `drydock image --input IMAGE.tar --format json` (binary: $DRYDOCK, default
#    target/release/drydock, built with `cargo build --release` when missing). Passes when
#    there is an `exec-capable-netcat` finding whose location.path is the real nc.traditional
#    (the end of /usr/bin/nc -> /etc/alternatives/nc -> /bin/nc.traditional, in the layer
#    that wrote it), and the `modified-package-file` and `missing-package-file` findings
#    name exactly the files the ground truth found differing or missing: for an image from
#    build-debian-image.sh that is none at all (layer 1 is the untouched debootstrap base).
#    A finding with the wrong path or layer, or one the ground truth lacks, is printed.
#
# Environment (optional): DRYDOCK (binary), PYTHON (default python3), TMPDIR.
#
# Exit: 0 all checks passed; 1 a check failed or drydock did not run cleanly; 2 usage;
# 3 drydock has no `image` subcommand yet (the ground truth ran, was printed and passed).
set -euo pipefail
export LC_ALL=C

PROG="scripts/verify-debian-image.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }

[[ $# -eq 1 && "$1" != -* ]] || { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
IMAGE="$(cd "$(dirname -- "$1")" && pwd)/$(basename -- "$1")"
[[ -f "$IMAGE" ]] || die "no such file: $1" 2
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
command -v md5sum >/dev/null || die "md5sum not found"
(( EUID == 0 )) || log "not root: extracted files get your uid; md5 checks are unaffected"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-verify.XXXXXX")"
trap 'rm -rf --one-file-system -- "$WORK"' EXIT
TREE="$WORK/rootfs"

# ------------------------------------------------------------------ ground truth
log "ground truth: applying the layers of $IMAGE in $WORK"
"$PYTHON" - "$IMAGE" "$TREE" "$WORK/truth.json" <<'PY'
import hashlib, json, os, posixpath, shutil, stat, subprocess, sys, tarfile

image, tree, out = sys.argv[1:]
os.makedirs(tree)
outer = tarfile.open(image, "r:")
names = {(m.name[2:] if m.name.startswith("./") else m.name): m for m in outer.getmembers()}

def read(name):
    return outer.extractfile(names[name]).read()

# Layers in order: docker's manifest.json (legacy and Docker >= 25) or a plain OCI index.
if "manifest.json" in names:
    man = json.loads(read("manifest.json"))[0]
    layers = man["Layers"]
    config = json.loads(read(man["Config"]))
    tags = man.get("RepoTags") or []
elif "index.json" in names:
    idx = json.loads(read("index.json"))
    desc = idx["manifests"][0]
    m = json.loads(read("blobs/sha256/" + desc["digest"].split(":", 1)[1]))
    layers = ["blobs/sha256/" + l["digest"].split(":", 1)[1] for l in m["layers"]]
    config = json.loads(read("blobs/sha256/" + m["config"]["digest"].split(":", 1)[1]))
    tags = [desc.get("annotations", {}).get("org.opencontainers.image.ref.name", "")]
else:
    sys.exit("neither manifest.json nor index.json in the image")

def resolve(rel, follow_last=True, hops=0):
    """Resolve rel inside tree: symlinks (absolute ones too) never leave it."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    cur = []
    while parts:
        p = parts.pop(0)
        if p == "..":
            if cur:
                cur.pop()
            continue
        cand = os.path.join(tree, *cur, p)
        if os.path.islink(cand) and (parts or follow_last):
            hops += 1
            if hops > 40:
                raise OSError("symlink loop at " + "/".join(cur + [p]))
            t = os.readlink(cand)
            if t.startswith("/"):
                cur = []
            parts = [x for x in t.split("/") if x not in ("", ".")] + parts
            continue
        cur.append(p)
    return "/".join(cur)

def clean(name):
    n = posixpath.normpath("/" + name).lstrip("/")
    return "" if n == "." else n

def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)

origin = {}  # resolved rel path -> layer number that last wrote it
trusted = {"filter": "fully_trusted"} if hasattr(tarfile, "data_filter") else {}
stages = []

def md5_check(layer_no):
    info = os.path.join(tree, "var/lib/dpkg/info")
    sums = sorted(f for f in os.listdir(info) if f.endswith(".md5sums")) if os.path.isdir(info) else []
    entries, bad = 0, []
    for f in sums:
        pkg = f[:-len(".md5sums")]
        for line in open(os.path.join(info, f), "rb").read().decode("utf-8", "surrogateescape").splitlines():
            if not line.strip():
                continue
            digest, rel = line.split(None, 1)
            rel = rel.strip()
            entries += 1
            try:
                r = resolve(rel)
                h = hashlib.md5()
                with open(os.path.join(tree, r), "rb") as fh:
                    for b in iter(lambda: fh.read(1 << 20), b""):
                        h.update(b)
                ok = h.hexdigest() == digest
                why = "checksum differs"
            except OSError as e:
                ok, r, why = False, rel, f"unreadable: {e.strerror or e}"
            if not ok:
                bad.append({"package": pkg, "path": rel, "resolved": r, "layer": origin.get(r), "why": why})
    # The same through coreutils, run in the tree (symlinks followed by the kernel).
    cmd = "cat var/lib/dpkg/info/*.md5sums | md5sum -c --quiet"
    p = subprocess.run(["sh", "-c", cmd], cwd=tree, capture_output=True, text=True) if sums else None
    return {"after_layer": layer_no, "md5sums_files": len(sums), "entries": entries,
            "failures": bad,
            "md5sum_c": {"exit": p.returncode if p else None,
                         "output": (p.stdout + p.stderr).strip().splitlines()[:50] if p else []}}

def digests(member):
    """sha256 of the blob as stored and of the uncompressed layer tar (the diff_id)."""
    import zlib
    raw, plain, f = hashlib.sha256(), hashlib.sha256(), outer.extractfile(member)
    head = f.read(2)
    f.seek(0)
    z = zlib.decompressobj(wbits=31) if head == b"\x1f\x8b" else None
    for b in iter(lambda: f.read(1 << 20), b""):
        raw.update(b)
        plain.update(z.decompress(b) if z else b)
    return raw.hexdigest(), plain.hexdigest(), z is not None

diff_ids = config.get("rootfs", {}).get("diff_ids", [])
layer_info = []
for no, lname in enumerate(layers, 1):
    raw, plain, gz = digests(names[lname])
    dig = {"gzip": gz, "diff_id_ok": no <= len(diff_ids) and diff_ids[no - 1] == "sha256:" + plain,
           "blob_name_ok": (not lname.startswith("blobs/sha256/")) or lname.rsplit("/", 1)[1] == raw}
    f = outer.extractfile(names[lname])
    lt = tarfile.open(fileobj=f, mode="r:*")  # gzip or plain
    members = lt.getmembers()
    files = sum(1 for m in members if m.isreg())
    # Whiteouts remove lower-layer content only, so apply them before this layer's entries.
    for m in members:
        n = clean(m.name)
        d, b = posixpath.split(n)
        if b == ".wh..wh..opq":
            target = os.path.join(tree, resolve(d))
            if os.path.isdir(target):
                for c in os.listdir(target):
                    remove(os.path.join(target, c))
        elif b.startswith(".wh."):
            gone = posixpath.join(resolve(d), b[4:]) if d else b[4:]
            remove(os.path.join(tree, gone))
            origin[gone] = f"{no} (whiteout)"
    for m in members:
        n = clean(m.name)
        if not n or posixpath.basename(n).startswith(".wh."):
            continue
        d, b = posixpath.split(n)
        rel = posixpath.join(resolve(d), b) if d else b
        target = os.path.join(tree, rel)
        if os.path.lexists(target) and not (m.isdir() and os.path.isdir(target) and not os.path.islink(target)):
            remove(target)
        m.name = rel
        if m.islnk():
            ld, lb = posixpath.split(clean(m.linkname))
            m.linkname = posixpath.join(resolve(ld), lb) if ld else lb
        lt.extract(m, tree, set_attrs=True, numeric_owner=True, **trusted)
        origin[rel] = no
    layer_info.append({"layer": no, "blob": lname, "entries": len(members), "regular_files": files, **dig})
    stages.append(md5_check(no))

# Final tree: dpkg's own verification (also covers conffiles), and the nc chain.
dpkg = None
if shutil.which("dpkg"):
    p = subprocess.run(["dpkg", "--root=" + tree, "--verify"], capture_output=True, text=True)
    dpkg = {"exit": p.returncode, "output": (p.stdout + p.stderr).strip().splitlines()[:50]}
chain, cur = [], "usr/bin/nc"
for _ in range(10):
    p = os.path.join(tree, cur)
    if not os.path.islink(p):
        break
    t = os.readlink(p)
    chain.append(f"/{cur} -> {t}")
    d = posixpath.dirname(cur)
    cur = resolve(t if t.startswith("/") else posixpath.join(d, t), follow_last=False)
nc_real = resolve("usr/bin/nc") if os.path.lexists(os.path.join(tree, "usr/bin/nc")) else None
nc_ok = bool(nc_real) and os.path.isfile(os.path.join(tree, nc_real)) \
    and os.access(os.path.join(tree, nc_real), os.X_OK)
json.dump({"layers": layer_info, "stages": stages, "dpkg_verify": dpkg, "tags": tags,
           "history": [h.get("created_by", "") for h in config.get("history", [])],
           "nc": {"chain": chain, "real": nc_real, "ok": nc_ok,
                  "layer": origin.get(nc_real) if nc_real else None}},
          open(out, "w"))
PY

TRUTH_OK=1
"$PYTHON" - "$WORK/truth.json" <<'PY' || TRUTH_OK=0
import json, sys
t = json.load(open(sys.argv[1]))
ok = True
print("ground truth (no drydock):")
print(f"  image {', '.join(t['tags'])}: {len(t['layers'])} layers")
for l, h in zip(t["layers"], t["history"] + [""] * len(t["layers"])):
    dig = ("gzip, " if l["gzip"] else "uncompressed, ") \
        + ("diff_id matches" if l["diff_id_ok"] else "diff_id MISMATCH") \
        + ("" if l["blob_name_ok"] else ", blob digest MISMATCH")
    print(f"    layer {l['layer']}: {l['entries']} entries, {l['regular_files']} regular files, {dig}  <- {h}")
    ok = ok and l["diff_id_ok"] and l["blob_name_ok"]
for s in t["stages"]:
    c = s["md5sum_c"]
    fails = len(s["failures"])
    print(f"  after layer {s['after_layer']}: {s['md5sums_files']} md5sums files, {s['entries']} entries; "
          f"in-tree resolver: {fails} failing; `md5sum -c`: exit {c['exit']}"
          + (f", {len(c['output'])} lines of complaints" if c["output"] else ", silent"))
    for f in s["failures"][:20]:
        print(f"      FAIL {f['package']}: {f['path']} ({f['why']}; from layer {f['layer']})")
    for line in c["output"][:20]:
        print(f"      md5sum: {line}")
    if fails or c["exit"] not in (0, None):
        ok = False
d = t["dpkg_verify"]
if d is None:
    print("  dpkg --verify: dpkg not installed, skipped")
else:
    print(f"  dpkg --root=TREE --verify: exit {d['exit']}, {len(d['output'])} problems")
    for line in d["output"][:20]:
        print(f"      {line}")
    ok = ok and d["exit"] == 0 and not d["output"]
n = t["nc"]
print(f"  nc: {' ; '.join(n['chain']) or 'no /usr/bin/nc symlink'}; real file /{n['real']} "
      f"(layer {n['layer']}): {'executable regular file' if n['ok'] else 'NOT an executable regular file'}")
ok = ok and n["ok"] and (n["real"] or "").endswith("nc.traditional")
print(f"  ground truth: {'OK' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
PY

# ------------------------------------------------------------------------ drydock
DRYDOCK="${DRYDOCK:-${CARGO_TARGET_DIR:-$ROOT/target}/release/drydock}"
if [[ ! -x "$DRYDOCK" ]]; then
    log "no $DRYDOCK: cargo build --release"
    (cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
fi
[[ -x "$DRYDOCK" ]] || die "no binary at $DRYDOCK"
if ! "$DRYDOCK" image --help >/dev/null 2>&1; then
    printf '%s: drydock image subcommand not available yet (%s image --help fails)\n' "$PROG" "$DRYDOCK" >&2
    (( TRUTH_OK )) || { printf '%s: and the ground truth check FAILED\n' "$PROG" >&2; exit 1; }
    exit 3
fi

log "$DRYDOCK image --input $IMAGE --format json"
set +e
"$DRYDOCK" image --input "$IMAGE" --format json >"$WORK/drydock.json" 2>"$WORK/drydock.err"
RC=$?
set -e
if [[ $RC -ne 0 && $RC -ne 1 ]]; then
    head -n 20 "$WORK/drydock.err" >&2
    die "drydock image exited $RC (0 or 1 expected)"
fi

DD_OK=1
"$PYTHON" - "$WORK/drydock.json" "$WORK/truth.json" "$TREE" "$RC" <<'PY' || DD_OK=0
import collections, json, os, re, sys
out, truth, tree, rc = sys.argv[1:]
t = json.load(open(truth))
try:
    d = json.load(open(out))
except ValueError as e:
    print(f"drydock: output is not JSON ({e})"); sys.exit(1)
findings = d.get("findings", [])
by_rule = collections.Counter(f.get("rule") for f in findings)

def strings(v, key=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x, f"{key}.{k}" if key else k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from strings(x, f"{key}[{i}]")
    elif isinstance(v, str):
        yield key, v

def resolve(rel):
    parts, cur, hops = [p for p in rel.split("/") if p not in ("", ".")], [], 0
    while parts:
        p = parts.pop(0)
        if p == "..":
            cur = cur[:-1]; continue
        c = os.path.join(tree, *cur, p)
        if os.path.islink(c) and hops < 40:
            hops += 1
            l = os.readlink(c)
            cur = [] if l.startswith("/") else cur
            parts = [x for x in l.split("/") if x not in ("", ".")] + parts
            continue
        cur.append(p)
    return "/".join(cur)

def path_of(f):
    """location.path when drydock gives one, else the first path-like string in the finding."""
    p = (f.get("location") or {}).get("path")
    if isinstance(p, str):
        return p
    for k, s in strings(f):
        if "path" in k.lower():
            return s
    return None

def layer_of(f):
    """1-based layer number from location.layer.index (0-based), if present."""
    l = (f.get("location") or {}).get("layer")
    if isinstance(l, dict) and isinstance(l.get("index"), int):
        return l["index"] + 1
    return None

real = t["nc"]["real"]
ok = True
print(f"drydock (exit {rc}): {len(findings)} findings: "
      + (", ".join(f"{r} {n}" for r, n in sorted(by_rule.items(), key=str)) or "none"))

# exec-capable-netcat naming the real file at the end of the alternatives chain.
nc = [f for f in findings if f.get("rule") == "exec-capable-netcat"]
good = [f for f in nc if path_of(f) and os.path.basename(path_of(f)) == os.path.basename(real or "-")
        and resolve(path_of(f)) == real]
if not good:  # schema fallback: any string in the finding naming nc.traditional
    good = [f for f in nc if any(real and resolve(m) == real
                                 for _, s in strings(f) for m in re.findall(r"[\w./+-]*nc\.traditional\b", s))]
if good:
    f = good[0]
    via = sorted({r.get("path") for r in f.get("related") or [] if isinstance(r, dict) and r.get("path")})
    lay, want = layer_of(f), t["nc"]["layer"]
    lay_note = "" if lay is None else (f", layer {lay}" + ("" if lay == want else f" (ground truth: layer {want})"))
    print(f"  exec-capable-netcat: OK, {path_of(f)!r} is the real /{real}{lay_note}"
          + (f"; reached as {', '.join(via)}" if via else ""))
    if lay is not None and lay != want:
        ok = False
        print("  exec-capable-netcat: FAIL, wrong layer")
elif nc:
    ok = False
    print(f"  exec-capable-netcat: FAIL, {len(nc)} finding(s) but none names the real /{real}:")
    for f in nc[:3]:
        print("    " + json.dumps(f)[:400])
else:
    ok = False
    print(f"  exec-capable-netcat: FAIL, no such finding (ground truth: /{real})")

# modified-/missing-package-file against the ground truth of the final tree.
last = t["stages"][-1]
want_mod = {x["resolved"] for x in last["failures"] if x["why"] == "checksum differs"}
want_miss = {x["resolved"] for x in last["failures"] if x["why"] != "checksum differs"}
for rule, want in (("modified-package-file", want_mod), ("missing-package-file", want_miss)):
    got = [f for f in findings if f.get("rule") == rule]
    got_paths = {resolve(p) if rule == "modified-package-file" else p.strip("/")
                 for p in (path_of(f) or "" for f in got)}
    if rule == "missing-package-file":  # a missing file cannot be resolved; compare as named
        want = {w.strip("/") for w in want}
    base = [f for f in got if layer_of(f) == 1]
    if got_paths == want:
        print(f"  {rule}: OK, {len(got)} finding(s), as the ground truth "
              f"({last['entries']} md5sums entries, {len(want)} {'differing' if rule.startswith('mod') else 'missing'})")
    else:
        ok = False
        extra, lacking = sorted(got_paths - want), sorted(want - got_paths)
        print(f"  {rule}: FAIL, {len(got)} finding(s); ground truth has {len(want)}"
              + (f"; {len(base)} of them in layer 1, the untouched debootstrap base" if base else ""))
        for f in got[:10]:
            if (resolve(path_of(f) or "") if rule.startswith("mod") else (path_of(f) or "").strip("/")) in extra:
                print(f"    not in ground truth: {path_of(f)} (layer {layer_of(f)}): {f.get('message', '')[:160]}")
        for p in lacking[:10]:
            print(f"    missed: /{p}")
errs = d.get("errors") or []
if errs:
    ok = False
    print(f"  errors reported: {len(errs)}: {json.dumps(errs)[:300]}")
sys.exit(0 if ok else 1)
PY

if (( TRUTH_OK && DD_OK )); then
    echo "verify: PASS"
else
    echo "verify: FAIL ($( ((TRUTH_OK)) || printf 'ground truth'; ((TRUTH_OK || DD_OK)) || printf ', '; ((DD_OK)) || printf 'drydock'))"
    exit 1
fi
