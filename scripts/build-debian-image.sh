#!/usr/bin/env bash
# Build a real Debian image tarball for `drydock image` tests and benchmarks, with no
# container registry and no container runtime: only the Debian mirror the machine's apt
# already uses.
#
# Usage (as root, on Debian):
#   scripts/build-debian-image.sh [--gzip] [--big N] OUT.tar
#
# Layers:
#   1  `debootstrap --variant=minbase --merged-usr SUITE ROOTFS MIRROR`, then what an image
#      build would drop: device nodes (/dev is left empty), apt lists and .deb caches,
#      bootstrap.log, and the host's /etc/hostname and /etc/resolv.conf, which debootstrap
#      copies in.
#   2  the real netcat-traditional .deb (`apt-get download`, same suite) installed with
#      `chroot ROOTFS dpkg -i`, so its postinst runs update-alternatives:
#      /usr/bin/nc -> /etc/alternatives/nc -> /bin/nc.traditional (/bin -> usr/bin).
#      The layer holds only what changed relative to layer 1 (new or changed entries and
#      their parent directories, `.wh.` whiteouts for deleted paths), like `docker diff`.
#   3  (--big N only) about N MB of real files: copies of layer 1's usr/lib and usr/share
#      under /opt/bulk/NNNN/ (not owned by any package), for memory benchmarks.
#
# Output formats:
#   default  legacy `docker save`: manifest.json, repositories, <config-hex>.json and
#            <layer-id>/{VERSION,json,layer.tar} with uncompressed layers.
#   --gzip   Docker >= 25 `docker save` (OCI layout in a tar): oci-layout, index.json,
#            manifest.json, repositories and blobs/sha256/<digest>, layers as
#            application/vnd.oci.image.layer.v1.tar+gzip.
# Either way the tag is drydock-test/debian-netcat:latest and the config has
# rootfs.diff_ids (sha256 of each uncompressed layer tar), history, architecture, os and
# config {Env: [PATH=...], Cmd: ["bash"], User: ""}.
#
# Environment (optional):
#   DEBIAN_MIRROR      mirror URL (default: the first Debian mirror in /etc/apt/sources.list*)
#   DEBIAN_SUITE       suite (default: VERSION_CODENAME from /etc/os-release, if it is configured)
#   SOURCE_DATE_EPOCH  `created` time in the config and history (default: now)
#   PYTHON             interpreter for the tar packing (default: python3)
#   TMPDIR             where the temporary root file system is built (default: /tmp)
#
# Exit: 0 on success, 1 on any failure, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

PROG="scripts/build-debian-image.sh"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

GZIP_LAYERS=0
BIG_MB=0
OUT=""
while (( $# )); do
    case "$1" in
        --gzip) GZIP_LAYERS=1 ;;
        --big) shift; [[ $# -gt 0 ]] || usage; BIG_MB="$1" ;;
        --big=*) BIG_MB="${1#--big=}" ;;
        -h|--help) usage ;;
        -*) printf '%s: unknown option %s\n' "$PROG" "$1" >&2; usage ;;
        *) [[ -z "$OUT" ]] || usage; OUT="$1" ;;
    esac
    shift
done
[[ -n "$OUT" ]] || usage
[[ "$BIG_MB" =~ ^[0-9]+$ ]] || die "--big takes a whole number of MB" 2
PYTHON="${PYTHON:-python3}"

(( EUID == 0 )) || die "must run as root (debootstrap, chroot, dpkg)"
{ command -v dpkg && command -v apt-get; } >/dev/null || die "needs a Debian machine (dpkg, apt-get)"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
command -v gzip >/dev/null || die "gzip not found"

OUT_DIR="$(dirname -- "$OUT")"
mkdir -p -- "$OUT_DIR"
OUT="$(cd -- "$OUT_DIR" && pwd)/$(basename -- "$OUT")"

# --------------------------------------------------------- mirror and suite from apt
# Prints "URI SUITE" for every enabled `deb` source (one-line .list and deb822 .sources).
apt_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f "$f" ]] || continue
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no")
                    for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
                types = ""; enabled = ""; nu = 0; ns = 0
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                key = tolower($1); sub(/:$/, "", key)
                if (key == "types:" || key == "types") { types = ""; for (i = 2; i <= NF; i++) types = types " " $i; sub(/^ /, "", types) }
                else if (key == "enabled") enabled = tolower($2)
                else if (key == "uris") { nu = 0; for (i = 2; i <= NF; i++) u[++nu] = $i }
                else if (key == "suites") { ns = 0; for (i = 2; i <= NF; i++) s[++ns] = $i }
            }
            END { flush() }
        ' "$f"
    done
}

# shellcheck disable=SC1091
CODENAME="$( . /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}" )"
SUITE="${DEBIAN_SUITE:-}"
MIRROR="${DEBIAN_MIRROR:-}"
# Release suites only: not -updates/-security/-backports, not the security archive.
mapfile -t MAIN_SOURCES < <(apt_sources | awk '$2 !~ /-/ && $1 !~ /security/' | awk '!seen[$0]++')
if [[ -z "$SUITE" ]]; then
    for s in "${MAIN_SOURCES[@]}"; do
        [[ "${s#* }" == "$CODENAME" ]] && { SUITE="$CODENAME"; break; }
    done
    [[ -n "$SUITE" || ${#MAIN_SOURCES[@]} -eq 0 ]] || SUITE="${MAIN_SOURCES[0]#* }"
fi
[[ -n "$SUITE" ]] || die "no Debian suite found in /etc/apt/sources.list* (set DEBIAN_SUITE)"
if [[ -z "$MIRROR" ]]; then
    for s in "${MAIN_SOURCES[@]}"; do
        [[ "${s#* }" == "$SUITE" ]] && { MIRROR="${s%% *}"; break; }
    done
fi
[[ -n "$MIRROR" ]] || die "no mirror for suite $SUITE in /etc/apt/sources.list* (set DEBIAN_MIRROR)"
DEB_ARCH="$(dpkg --print-architecture)"
log "suite $SUITE, mirror $MIRROR, architecture $DEB_ARCH"

# ------------------------------------------------------------------------ tools
log "apt-get update"
apt-get update -qq || die "apt-get update failed"
if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
        || die "apt-get install debootstrap failed"
fi

# ----------------------------------------------------------------- scratch space
WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-debian-image.XXXXXX")"
cleanup() {
    local m
    # Never delete through a mount: undo anything left mounted under the scratch dir first.
    while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done < <(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r)
    if awk -v w="$WORK/" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        printf '%s: something is still mounted under %s; not deleting it\n' "$PROG" "$WORK" >&2
        return
    fi
    rm -rf --one-file-system -- "$WORK"
}
trap cleanup EXIT
ROOTFS="$WORK/rootfs"
TOOL="$WORK/imgtool.py"

cat >"$TOOL" <<'PY'
"""Layer snapshots, diffs and image packing for build-debian-image.sh."""
import datetime
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import time

# Paths whose contents never go into a layer (the directories themselves do).
SKIP_CONTENTS = {"dev", "proc", "sys"}
CHUNK = 1 << 20


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(CHUNK)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def xattrs_of(path):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return {}
    out = {}
    for n in sorted(names):
        try:
            out[n] = os.getxattr(path, n, follow_symlinks=False).hex()
        except OSError:
            pass
    return out


def walk(root):
    """Relative paths under root, parents before children, sorted; no symlink following."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=True, followlinks=False):
        rel = os.path.relpath(dirpath, root)
        rel = "" if rel == "." else rel
        if rel in SKIP_CONTENTS:
            dirnames[:] = []
            continue
        names = sorted(dirnames + filenames)
        # os.walk lists symlinks to directories among dirnames but does not descend
        # into them (followlinks=False); descend into real directories in sorted order.
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        for n in names:
            yield f"{rel}/{n}" if rel else n


def meta(root, rel):
    """What `docker diff` compares: type, mode, owner, size, mtime, link target, xattrs,
    device numbers, plus the content hash of regular files."""
    p = os.path.join(root, rel)
    st = os.lstat(p)
    m = {
        "fmt": stat.S_IFMT(st.st_mode), "mode": stat.S_IMODE(st.st_mode),
        "uid": st.st_uid, "gid": st.st_gid, "mtime": st.st_mtime_ns,
        "xattrs": xattrs_of(p),
    }
    if stat.S_ISREG(st.st_mode):
        m["size"] = st.st_size
        m["sha256"] = sha256_file(p)
    elif stat.S_ISLNK(st.st_mode):
        m["link"] = os.readlink(p)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        m["rdev"] = st.st_rdev
    return m


def snapshot(root):
    return {rel: meta(root, rel) for rel in walk(root)}


def sort_key(rel):
    return rel.split("/")


class LayerWriter:
    """Writes a layer tar: numeric owners, modes, mtimes, symlinks, hardlinks (within the
    layer), device nodes and xattrs (as SCHILY.xattr PAX records)."""

    def __init__(self, path):
        self.tar = tarfile.open(path, "w", format=tarfile.PAX_FORMAT)
        self.inodes = {}
        self.files = 0
        self.entries = 0
        self.bytes = 0

    def add(self, root, rel, arcname=None):
        arcname = arcname or rel
        p = os.path.join(root, rel)
        st = os.lstat(p)
        ti = tarfile.TarInfo(arcname)
        ti.mode = stat.S_IMODE(st.st_mode)
        ti.uid, ti.gid = st.st_uid, st.st_gid
        ti.uname = ti.gname = ""
        ti.mtime = int(st.st_mtime)
        for k, v in xattrs_of(p).items():
            ti.pax_headers["SCHILY.xattr." + k] = bytes.fromhex(v).decode("utf-8", "surrogateescape")
        fobj = None
        if stat.S_ISREG(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if st.st_nlink > 1 and key in self.inodes:
                ti.type = tarfile.LNKTYPE
                ti.linkname = self.inodes[key]
            else:
                if st.st_nlink > 1:
                    self.inodes[key] = arcname
                ti.type = tarfile.REGTYPE
                ti.size = st.st_size
                fobj = open(p, "rb")
                self.files += 1
                self.bytes += st.st_size
        elif stat.S_ISDIR(st.st_mode):
            ti.type = tarfile.DIRTYPE
        elif stat.S_ISLNK(st.st_mode):
            ti.type = tarfile.SYMTYPE
            ti.linkname = os.readlink(p)
        elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            ti.type = tarfile.CHRTYPE if stat.S_ISCHR(st.st_mode) else tarfile.BLKTYPE
            ti.devmajor, ti.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
        elif stat.S_ISFIFO(st.st_mode):
            ti.type = tarfile.FIFOTYPE
        else:  # sockets do not go into images
            return
        try:
            self.tar.addfile(ti, fobj)
        finally:
            if fobj:
                fobj.close()
        self.entries += 1

    def whiteout(self, rel):
        d, b = os.path.split(rel)
        ti = tarfile.TarInfo(os.path.join(d, ".wh." + b) if d else ".wh." + b)
        ti.mode, ti.uname, ti.gname = 0o600, "", ""
        ti.mtime = int(time.time())
        self.tar.addfile(ti)
        self.entries += 1

    def close(self):
        self.tar.close()
        return {"entries": self.entries, "files": self.files, "bytes": self.bytes}


def cmd_base(root, out_tar, state_out, stats_out):
    state = snapshot(root)
    w = LayerWriter(out_tar)
    for rel in state:
        w.add(root, rel)
    stats = w.close()
    with open(state_out, "w") as f:
        json.dump(state, f)
    with open(stats_out, "w") as f:
        json.dump(stats, f)


def cmd_diff(root, state_in, out_tar, stats_out, list_out):
    with open(state_in) as f:
        old = json.load(f)
    new = snapshot(root)
    changed = {rel for rel, m in new.items() if old.get(rel) != m}
    deleted = {rel for rel in old if rel not in new}
    # Only the topmost deleted path needs a whiteout.
    deleted = {rel for rel in deleted if os.path.dirname(rel) not in deleted}
    # Like docker's differ: a directory with changes inside is added too, so extraction
    # restores its metadata and never has to invent a parent.
    parents = set()
    for rel in changed | deleted:
        d = os.path.dirname(rel)
        while d:
            parents.add(d)
            d = os.path.dirname(d)
    emit = sorted((changed | parents | deleted), key=sort_key)
    w = LayerWriter(out_tar)
    lines = []
    for rel in emit:
        if rel in deleted:
            w.whiteout(rel)
            lines.append(f"D {rel}")
        else:
            w.add(root, rel)
            tag = "A" if rel not in old else ("C" if rel in changed else "P")
            lines.append(f"{tag} {rel}")
    stats = w.close()
    stats["whiteouts"] = len(deleted)
    with open(stats_out, "w") as f:
        json.dump(stats, f)
    with open(list_out, "w") as f:
        f.write("\n".join(lines) + "\n")


def cmd_bulk(root, state_in, out_tar, stats_out, mb):
    """About MB megabytes of real files: copies of layer 1's usr/lib and usr/share (regular
    files and symlinks only) under opt/bulk/NNNN/."""
    with open(state_in) as f:
        old = json.load(f)
    src = [rel for rel in old
           if rel.startswith(("usr/lib/", "usr/share/"))
           and old[rel]["fmt"] in (stat.S_IFREG, stat.S_IFLNK, stat.S_IFDIR)]
    per_copy = sum(old[r].get("size", 0) for r in src)
    if per_copy == 0:
        sys.exit("no source files for --big")
    target = mb * 1000 * 1000
    w = LayerWriter(out_tar)
    for d in ("opt", "opt/bulk"):
        ti = tarfile.TarInfo(d)
        ti.type, ti.mode, ti.uname, ti.gname, ti.mtime = tarfile.DIRTYPE, 0o755, "", "", int(time.time())
        w.tar.addfile(ti)
        w.entries += 1
    copies = 0
    while w.bytes < target:
        copies += 1
        prefix = f"opt/bulk/{copies:04d}"
        ti = tarfile.TarInfo(prefix)
        ti.type, ti.mode, ti.uname, ti.gname, ti.mtime = tarfile.DIRTYPE, 0o755, "", "", int(time.time())
        w.tar.addfile(ti)
        w.entries += 1
        w.add(root, "usr", f"{prefix}/usr")
        w.inodes.clear()  # hardlinks only within one copy
        for rel in src:  # walk order: parents first
            if w.bytes >= target and old[rel]["fmt"] == stat.S_IFREG:
                break
            w.add(root, rel, f"{prefix}/{rel}")
    stats = w.close()
    stats["copies"] = copies
    with open(stats_out, "w") as f:
        json.dump(stats, f)


# ------------------------------------------------------------------------- packing
GOARCH = {"amd64": ("amd64", None), "arm64": ("arm64", "v8"), "armhf": ("arm", "v7"),
          "armel": ("arm", "v5"), "i386": ("386", None), "ppc64el": ("ppc64le", None),
          "s390x": ("s390x", None), "mips64el": ("mips64le", None), "riscv64": ("riscv64", None)}
REPO, TAG = "drydock-test/debian-netcat", "latest"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar"


def canon(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def cmd_pack(spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    epoch = int(spec["epoch"])
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    layers = spec["layers"]  # [{tar, created_by, comment}]
    for layer in layers:
        layer["diff_id"] = "sha256:" + sha256_file(layer["tar"])
        layer["tar_size"] = os.path.getsize(layer["tar"])
    arch, variant = GOARCH.get(spec["deb_arch"], (spec["deb_arch"], None))
    config = {
        "architecture": arch,
        "os": "linux",
        "created": created,
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": ["bash"],
            "User": "",
            "WorkingDir": "",
            "Labels": {"org.opencontainers.image.description": spec["description"]},
        },
        "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]},
        "history": [{"created": created, "created_by": l["created_by"], "comment": l["comment"]}
                    for l in layers],
    }
    if variant:
        config["variant"] = variant
    config_bytes = canon(config)
    config_hex = hashlib.sha256(config_bytes).hexdigest()

    files = {}  # archive name -> bytes or path of a file on disk

    if spec["gzip"]:
        descs = []
        for i, layer in enumerate(layers):
            gz = layer["tar"] + ".gz"
            with open(gz, "wb") as out:
                subprocess.run(["gzip", "-n", "-6", "-c", layer["tar"]], stdout=out, check=True)
            os.unlink(layer["tar"])
            d = sha256_file(gz)
            layer["blob"] = f"blobs/sha256/{d}"
            layer["blob_size"] = os.path.getsize(gz)
            files[layer["blob"]] = gz
            descs.append({"mediaType": MT_LAYER_GZ, "digest": "sha256:" + d, "size": layer["blob_size"]})
        files[f"blobs/sha256/{config_hex}"] = config_bytes
        manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                    "config": {"mediaType": MT_CONFIG, "digest": "sha256:" + config_hex,
                               "size": len(config_bytes)},
                    "layers": descs}
        manifest_bytes = canon(manifest)
        manifest_hex = hashlib.sha256(manifest_bytes).hexdigest()
        files[f"blobs/sha256/{manifest_hex}"] = manifest_bytes
        index = {"schemaVersion": 2, "mediaType": MT_INDEX,
                 "manifests": [{"mediaType": MT_MANIFEST, "digest": "sha256:" + manifest_hex,
                                "size": len(manifest_bytes),
                                "annotations": {"io.containerd.image.name": f"docker.io/{REPO}:{TAG}",
                                                "org.opencontainers.image.ref.name": TAG}}]}
        files["index.json"] = canon(index)
        files["oci-layout"] = canon({"imageLayoutVersion": "1.0.0"})
        files["manifest.json"] = canon([{"Config": f"blobs/sha256/{config_hex}",
                                         "RepoTags": [f"{REPO}:{TAG}"],
                                         "Layers": [l["blob"] for l in layers]}])
        top = layers[-1]["blob"].rsplit("/", 1)[1]
        files["repositories"] = canon({REPO: {TAG: top}})
    else:
        parent, chain = None, None
        for layer in layers:
            # The legacy layer directory id: derived from the chain, as docker's v1 ids are.
            chain = layer["diff_id"] if chain is None else \
                "sha256:" + hashlib.sha256(f"{chain} {layer['diff_id']}".encode()).hexdigest()
            lid = hashlib.sha256(f"{chain} {parent or ''}".encode()).hexdigest()
            layer["blob"] = f"{lid}/layer.tar"
            layer["blob_size"] = layer["tar_size"]
            files[layer["blob"]] = layer["tar"]
            files[f"{lid}/VERSION"] = b"1.0"
            v1 = {"id": lid, "created": created, "os": "linux", "architecture": arch,
                  "container_config": {"Cmd": [layer["created_by"]]}}
            if parent:
                v1["parent"] = parent
            files[f"{lid}/json"] = canon(v1)
            parent = lid
        files[f"{config_hex}.json"] = config_bytes
        files["manifest.json"] = canon([{"Config": f"{config_hex}.json",
                                         "RepoTags": [f"{REPO}:{TAG}"],
                                         "Layers": [l["blob"] for l in layers]}])
        files["repositories"] = canon({REPO: {TAG: parent}})

    # Lexical order with directory entries, like `docker save` (it tars a directory).
    names = set(files)
    for n in list(files):
        d = os.path.dirname(n)
        while d:
            names.add(d + "/")
            d = os.path.dirname(d)
    with tarfile.open(spec["out"] + ".part", "w", format=tarfile.PAX_FORMAT) as tar:
        for n in sorted(names, key=lambda s: s.rstrip("/").split("/")):
            ti = tarfile.TarInfo(n.rstrip("/"))
            ti.mtime, ti.uname, ti.gname = epoch, "", ""
            if n.endswith("/"):
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(ti)
                continue
            ti.mode = 0o644
            v = files[n]
            if isinstance(v, bytes):
                ti.size = len(v)
                tar.addfile(ti, io.BytesIO(v))
            else:
                ti.size = os.path.getsize(v)
                with open(v, "rb") as f:
                    tar.addfile(ti, f)
                os.unlink(v)
    os.replace(spec["out"] + ".part", spec["out"])
    report = {"config": config, "layers": [{k: l[k] for k in ("blob", "blob_size", "tar_size", "diff_id", "created_by")}
                                           for l in layers]}
    with open(spec["report"], "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "base":
        cmd_base(*args)
    elif cmd == "diff":
        cmd_diff(*args)
    elif cmd == "bulk":
        cmd_bulk(args[0], args[1], args[2], args[3], int(args[4]))
    elif cmd == "pack":
        cmd_pack(*args)
    else:
        sys.exit(f"unknown command {cmd}")
PY

# ------------------------------------------------------------------------ layer 1
DEBOOTSTRAP_CMD=(debootstrap --variant=minbase --merged-usr "$SUITE" "$ROOTFS" "$MIRROR")
log "layer 1: ${DEBOOTSTRAP_CMD[*]} (log in the scratch dir, shown on failure)"
if ! "${DEBOOTSTRAP_CMD[@]}" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    [[ -f "$ROOTFS/debootstrap/debootstrap.log" ]] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
    die "debootstrap failed"
fi
DEBOOTSTRAP_VERSION="$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)"

# What an image build drops: the host's name and resolver (the runtime provides both),
# apt's package lists and downloaded .debs, and debootstrap's own log.
rm -f -- "$ROOTFS/etc/hostname" "$ROOTFS/etc/resolv.conf" "$ROOTFS/var/log/bootstrap.log"
find "$ROOTFS/var/cache/apt/archives" -maxdepth 1 -type f -name '*.deb' -delete
find "$ROOTFS/var/cache/apt" -maxdepth 1 -type f -name '*.bin' -delete
find "$ROOTFS/var/lib/apt/lists" -mindepth 1 -maxdepth 1 ! -name partial ! -name lock -exec rm -rf -- {} +
# /dev keeps debootstrap's device nodes for the dpkg run below, but the layers only hold
# the empty directory (as in every image); same for /proc and /sys.

"$PYTHON" "$TOOL" base "$ROOTFS" "$WORK/layer1.tar" "$WORK/state1.json" "$WORK/stats1.json"
MD5SUMS_FILES="$(find "$ROOTFS/var/lib/dpkg/info" -name '*.md5sums' | wc -l)"
MD5SUMS_ENTRIES="$(cat "$ROOTFS"/var/lib/dpkg/info/*.md5sums | wc -l)"
PACKAGES_1="$(dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')"

# ------------------------------------------------------------------------ layer 2
log "layer 2: apt-get download netcat-traditional; chroot dpkg -i"
mkdir -p "$WORK/debs"
(cd "$WORK/debs" && apt-get download -q netcat-traditional >/dev/null 2>"$WORK/download.err") \
    || { cat "$WORK/download.err" >&2; die "apt-get download netcat-traditional failed"; }
shopt -s nullglob
DEBS=("$WORK"/debs/netcat-traditional_*.deb)
shopt -u nullglob
(( ${#DEBS[@]} == 1 )) || die "expected one netcat-traditional .deb, got ${#DEBS[@]}"
DEB_NAME="$(basename -- "${DEBS[0]}")"
NC_VERSION="$(dpkg-deb -f "${DEBS[0]}" Version)"
[[ "$(dpkg-deb -f "${DEBS[0]}" Architecture)" == "$DEB_ARCH" ]] || die "$DEB_NAME is not for $DEB_ARCH"
# As a Dockerfile would: COPY the .deb into /tmp, RUN dpkg -i it, delete it. The
# maintainer scripts (update-alternatives in postinst) run inside the chroot.
cp -- "${DEBS[0]}" "$ROOTFS/tmp/$DEB_NAME"
chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LC_ALL=C DEBIAN_FRONTEND=noninteractive HOME=/root dpkg -i "/tmp/$DEB_NAME" >"$WORK/dpkg.log" 2>&1 \
    || { cat "$WORK/dpkg.log" >&2; die "dpkg -i $DEB_NAME failed in the chroot"; }
rm -f -- "$ROOTFS/tmp/$DEB_NAME"
[[ "$(readlink "$ROOTFS/usr/bin/nc")" == /etc/alternatives/nc ]] || die "usr/bin/nc is not -> /etc/alternatives/nc"
[[ "$(readlink "$ROOTFS/etc/alternatives/nc")" == /bin/nc.traditional ]] || die "etc/alternatives/nc is not -> /bin/nc.traditional"
[[ -f "$ROOTFS/usr/bin/nc.traditional" && -x "$ROOTFS/usr/bin/nc.traditional" ]] || die "usr/bin/nc.traditional missing"
"$PYTHON" "$TOOL" diff "$ROOTFS" "$WORK/state1.json" "$WORK/layer2.tar" "$WORK/stats2.json" "$WORK/layer2.changes"

# ------------------------------------------------------------------ layer 3 (--big)
if (( BIG_MB > 0 )); then
    log "layer 3: about $BIG_MB MB of copies of usr/lib and usr/share under /opt/bulk"
    "$PYTHON" "$TOOL" bulk "$ROOTFS" "$WORK/state1.json" "$WORK/layer3.tar" "$WORK/stats3.json" "$BIG_MB"
fi

# --------------------------------------------------------------------- pack
log "packing $( ((GZIP_LAYERS)) && echo 'OCI-in-tar (Docker >= 25), gzip layers' || echo 'legacy docker save, uncompressed layers')"
EPOCH="${SOURCE_DATE_EPOCH:-$(date +%s)}"
"$PYTHON" - "$WORK" "$OUT" "$EPOCH" "$GZIP_LAYERS" "$DEB_ARCH" "$SUITE" "$MIRROR" "$DEB_NAME" "$BIG_MB" \
    "$DEBOOTSTRAP_VERSION" <<'PY'
import json, sys
work, out, epoch, gz, arch, suite, mirror, deb, big, dbver = sys.argv[1:]
layers = [
    {"tar": f"{work}/layer1.tar",
     "created_by": f"debootstrap --variant=minbase --merged-usr {suite} / {mirror}",
     "comment": f"debootstrap {dbver}; /dev emptied, apt lists and caches, bootstrap.log, "
                "etc/hostname and etc/resolv.conf removed"},
    {"tar": f"{work}/layer2.tar",
     "created_by": f"dpkg -i {deb}",
     "comment": "netcat-traditional from apt-get download, installed in a chroot"},
]
if int(big):
    layers.append({"tar": f"{work}/layer3.tar",
                   "created_by": f"COPY bulk /opt/bulk  # ~{big} MB: copies of usr/lib and usr/share",
                   "comment": "benchmark filler, not owned by any package"})
spec = {"out": out, "epoch": epoch, "gzip": bool(int(gz)), "deb_arch": arch, "layers": layers,
        "report": f"{work}/report.json",
        "description": f"Debian {suite} minbase + {deb} (drydock test image)"}
with open(f"{work}/spec.json", "w") as f:
    json.dump(spec, f)
PY
"$PYTHON" "$TOOL" pack "$WORK/spec.json"

# ------------------------------------------------------------------------ report
"$PYTHON" - "$WORK" "$OUT" "$SUITE" "$MIRROR" "$NC_VERSION" "$MD5SUMS_FILES" "$MD5SUMS_ENTRIES" \
    "$PACKAGES_1" "$GZIP_LAYERS" <<'PY'
import json, os, sys
work, out, suite, mirror, ncv, md5files, md5entries, pkgs, gz = sys.argv[1:]
rep = json.load(open(f"{work}/report.json"))
mib = lambda n: f"{n / 1048576:.1f} MiB"
print(out)
print(f"  image tarball: {mib(os.path.getsize(out))} ({os.path.getsize(out)} bytes), "
      f"{'OCI-in-tar, gzip layers' if int(gz) else 'legacy docker save, uncompressed layers'}, "
      f"tag drydock-test/debian-netcat:latest, {rep['config']['os']}/{rep['config']['architecture']}")
print(f"  Debian {suite} from {mirror}; {pkgs} packages in layer 1, "
      f"{md5files} md5sums files with {md5entries} entries; netcat-traditional {ncv} in layer 2")
for i, l in enumerate(rep["layers"], 1):
    st = json.load(open(f"{work}/stats{i}.json"))
    extra = f", {st['whiteouts']} whiteouts" if "whiteouts" in st else ""
    extra += f", {st['copies']} copies" if "copies" in st else ""
    comp = f", blob {mib(l['blob_size'])}" if l["blob_size"] != l["tar_size"] else ""
    print(f"  layer {i}: {l['blob']}: tar {mib(l['tar_size'])}{comp}; {st['entries']} entries, "
          f"{st['files']} regular files ({mib(st['bytes'])}){extra}")
    print(f"           diff_id {l['diff_id']}  <- {l['created_by']}")
PY
printf '  layer 2 entries (A added, C changed, D whiteout, P unchanged parent of a change):\n'
sed 's/^/    /' "$WORK/layer2.changes"
