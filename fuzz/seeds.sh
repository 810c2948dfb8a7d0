#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets under fuzz/corpus/<target>/
# (not committed) from the repository's fixtures, the peers' data beside
# the repository (../shared/peers, when there), and small inputs made
# here: layers and archives built with tar, credentials made up at run
# time (no key or token is written in this file), Debian's own package
# database when the machine has one.
#
#   fuzz/seeds.sh            # all targets
#   fuzz/seeds.sh secrets    # one
#
# The input format of each target is documented on its function in
# src/fuzzing/ (`drydock::fuzzing`). Needs bash, tar, gzip, sha256sum,
# awk, base64; zstd, openssl and ssh-keygen add seeds when present.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
peers="$root/../shared/peers"
corpus="$root/fuzz/corpus"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

only="${1:-}"
wanted() { [[ -z "$only" || "$only" == "$1" ]]; }

# seed TARGET FILE: a copy, named after its content as libFuzzer names it.
seed() {
    local dir="$corpus/$1" sum
    mkdir -p "$dir"
    sum="$(sha1sum "$2" | cut -d' ' -f1)"
    cp "$2" "$dir/$sum"
}

# seed_parts TARGET FILE...: the files joined by NUL bytes (`-` for an
# empty part), as the multi-file targets split them.
seed_parts() {
    local target="$1" out="$work/parts" first=1
    shift
    : >"$out"
    for part in "$@"; do
        [[ $first == 1 ]] || printf '\0' >>"$out"
        first=0
        [[ "$part" == - ]] || cat "$part" >>"$out"
    done
    seed "$target" "$out"
}

# seed_text TARGET TEXT
seed_text() {
    printf '%s' "$2" >"$work/text"
    seed "$1" "$work/text"
}

# Files below a directory, if it exists, at most 1 MiB each.
files() {
    local dir="$1"
    shift
    [[ -d "$dir" ]] || return 0
    find "$dir" -type f "$@" -size -1024k -print0 | sort -z | xargs -0 -r -n1 echo
}

# The fenced code blocks of one language in Markdown files.
fenced() {
    local lang="$1" prefix="$2"
    shift 2
    awk -v lang="$lang" -v prefix="$prefix" '
        $0 ~ "^```" lang "([,[:space:]].*)?$" { n++; out = prefix "-" n; inside = 1; next }
        /^```/ { if (inside) close(out); inside = 0; next }
        inside { print > out }
    ' "$@"
}

# A deterministic made-up string of `len` characters from `alphabet`.
made_up() {
    local alphabet="$1" len="$2" label="$3" out="" i=0 hex
    while ((${#out} < len)); do
        hex="$(printf '%s-%d' "$label" "$i" | sha256sum | cut -c1-64)"
        for ((j = 0; j < 64 && ${#out} < len; j += 2)); do
            out+="${alphabet:$((16#${hex:j:2} % ${#alphabet})):1}"
        done
        i=$((i + 1))
    done
    printf '%s' "$out"
}
ALNUM=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789
UPPER=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567
HEXL=0123456789abcdef

yaml_sources() {
    files "$root/testdata" \( -name '*.yaml' -o -name '*.yml' \)
    files "$root/policies" -name '*.yaml'
    files "$peers/kics-compose" \( -name '*.yaml' -o -name '*.yml' \)
    files "$peers/pss-fixtures" -name '*.yaml'
    files "$peers/compose-reference-fixtures" \( -name '*.yaml' -o -name '*.yml' \)
    files "$peers/awesome-compose" \( -name '*.yaml' -o -name '*.yml' \)
}

if wanted yaml; then
    yaml_sources | while read -r f; do seed yaml "$f"; done
    mkdir -p "$work/readme-yaml"
    fenced yaml "$work/readme-yaml/block" "$root/README.md"
    for f in "$work/readme-yaml"/block-*; do seed yaml "$f"; done
    if [[ -d "$peers/compose-spec" ]]; then
        mkdir -p "$work/spec"
        fenced yaml "$work/spec/block" "$peers/compose-spec"/*.md
        for f in "$work/spec"/block-*; do seed yaml "$f"; done
    fi
fi

if wanted k8s_manifests; then
    files "$root/testdata/k8s" -name '*.yaml' | while read -r f; do seed k8s_manifests "$f"; done
    files "$peers/pss-fixtures" -name '*.yaml' | while read -r f; do seed k8s_manifests "$f"; done
fi

if wanted policy; then
    { files "$root/policies" -name '*.yaml'; find "$root/testdata" -path '*/policies/*' -name '*.yaml'; } |
        while read -r f; do seed policy "$f"; done
    # The README's examples, and one applying to the target's manifest.
    mkdir -p "$work/readme"
    fenced yaml "$work/readme/block" "$root/README.md"
    for f in "$work/readme"/block-*; do seed policy "$f"; done
    cat >"$work/policy" <<'EOF'
extends: strict
fail-on: low
pod-security: restricted
rules:
  privileged: critical
  unpinned-image: off
  untrusted-registry:
    trusted: [docker.io/library]
exceptions:
  - rule: runtime-socket-mount
    path: "*.yaml"
    reason: reviewed in SEC-1
    expires: 2027-01-31
  - rule: host-namespace
    reason: expired
    expires: 2020-01-01
compound-rules:
  socket-as-root:
    title: Root container with the engine socket
    severity: high
    description: A socket is the host.
    when:
      - image: network-tool
      - user: root
      - any:
          - service: runtime-socket-mount
            note: the socket
    message: "{service} runs `{image}` as {user} with {parts}"
    fix: drop the socket
EOF
    seed policy "$work/policy"
    # With a baseline after a NUL: one that holds made-up fingerprints, an
    # empty one, one of another version, and one that is not JSON.
    printf '{"version":1,"findings":[{"fingerprint":"%s","rule":"privileged","message":"m"},{"fingerprint":"%s","rule":"host-namespace","message":"m"}]}' \
        "$(printf privileged | sha256sum | cut -c1-32)" "$(printf host | sha256sum | cut -c1-32)" >"$work/baseline"
    seed_parts policy "$work/policy" "$work/baseline"
    printf '{"version":1,"findings":[]}' >"$work/baseline"
    seed_parts policy "$work/policy" "$work/baseline"
    printf '{"version":2,"findings":[]}' >"$work/baseline"
    seed_parts policy "$work/policy" "$work/baseline"
    printf 'not json' >"$work/baseline"
    seed_parts policy "$work/policy" "$work/baseline"
fi

if wanted dockerfile; then
    { files "$root/testdata/dockerfile"; files "$peers/dockerfiles" -name '*Dockerfile*'; } |
        while read -r f; do seed dockerfile "$f"; done
fi

if wanted interpolation; then
    printf 'A=1\nB=${A}-x\nexport C="quoted $B"\nD='"'"'single $A'"'"'\n' >"$work/env"
    for t in '${A}' '${A:-default}' '${UNSET-dflt}' '${A:+alt}' '${A:?needed}' '$$A $A ${B}' \
        '${A:-${B:-${C}}}' 'image: "${REGISTRY:-docker.io}/app:${TAG:?set TAG}"'; do
        printf '%s' "$t" >"$work/template"
        seed_parts interpolation "$work/template" "$work/env"
    done
    files "$root/testdata" -name '.env' | while read -r f; do seed_parts interpolation - "$f"; done
    files "$peers/compose-reference-fixtures" -name '*.env' | while read -r f; do seed_parts interpolation - "$f"; done
fi

# A project using every fixed file name of the compose target
# (drydock::fuzzing::PROJECT_FILES).
compose_project_seed() {
    local p="$work/project"
    mkdir -p "$p"
    cat >"$p/compose.yaml" <<'EOF'
name: shop
include:
  - included.yaml
x-common: &common
  restart: unless-stopped
services:
  web:
    <<: *common
    build: .
    image: "${REGISTRY:-docker.io}/shop/web:${TAG:-latest}"
    ports: ["8080-8081:80-81", "127.0.0.1:9000:9000/udp"]
    env_file: app.env
    environment:
      DB_PASSWORD: ${DB_PASSWORD}
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
    security_opt: ["no-new-privileges:false"]
    secrets: [token]
    depends_on: [db]
  worker:
    extends:
      file: base.yaml
      service: base
    cap_add: [SYS_ADMIN]
    privileged: true
secrets:
  token:
    file: secret.txt
EOF
    cat >"$p/compose.override.yaml" <<'EOF'
services:
  web:
    ports: !reset []
    user: root
    network_mode: host
EOF
    printf 'TAG=1.4\nDB_PASSWORD=hunter2hunter2\nREGISTRY=ghcr.io\n' >"$p/env"
    cat >"$p/included.yaml" <<'EOF'
services:
  db:
    image: postgres:16
    pid: host
    volumes: [dbdata:/var/lib/postgresql/data]
volumes:
  dbdata: {}
EOF
    cat >"$p/base.yaml" <<'EOF'
services:
  base:
    image: busybox:1.36
    command: ["nc", "-l", "-p", "4444", "-e", "/bin/sh"]
    read_only: false
EOF
    printf 'API_KEY=%s\nLOG_LEVEL=debug\n' "$(made_up "$ALNUM" 32 api)" >"$p/app.env"
    printf 'ghp_%s\n' "$(made_up "$ALNUM" 36 ghp)" >"$p/secret.txt"
    cat >"$p/Dockerfile" <<'EOF'
FROM debian:12 AS builder
RUN apt-get update && apt-get install -y netcat-traditional curl
ADD https://example.com/tool.tgz /tmp/
FROM builder
USER root
RUN chmod 4755 /usr/bin/nc.traditional
EOF
    seed_parts compose_project "$p/compose.yaml" "$p/compose.override.yaml" "$p/env" \
        "$p/included.yaml" "$p/base.yaml" "$p/app.env" "$p/secret.txt" "$p/Dockerfile"
    seed_parts compose_project "$p/compose.yaml" - - "$p/included.yaml" "$p/base.yaml"
}

if wanted compose_project; then
    compose_project_seed
    # Each Compose file on its own, and each directory's compose.yaml with
    # its override and .env.
    yaml_sources | grep -v -e /k8s/ -e /pss-fixtures/ -e /policies/ | while read -r f; do
        seed_parts compose_project "$f"
    done
    find "$root/testdata/compose" "$peers/compose-reference-fixtures" "$peers/awesome-compose" \
        -name 'compose.yaml' -o -name 'docker-compose.yml' -o -name 'docker-compose.yaml' 2>/dev/null |
        while read -r f; do
            d="$(dirname "$f")"
            o=-
            e=-
            if [[ -f "$d/compose.override.yaml" ]]; then o="$d/compose.override.yaml"; fi
            if [[ -f "$d/.env" ]]; then e="$d/.env"; fi
            seed_parts compose_project "$f" "$o" "$e"
        done
fi

if wanted secrets; then
    s="$work/secrets"
    mkdir -p "$s"
    printf '\0' >"$s/feed-whole"
    printf '\x01\x03\x05\x02' >"$s/feed-deep"
    secret_seed() {
        # secret_seed PATH FILE: one seed fed whole, one fed deep in chunks
        printf '%s' "$1" >"$s/path"
        seed_parts secrets "$s/path" "$s/feed-whole" "$2"
        seed_parts secrets "$s/path" "$s/feed-deep" "$2"
    }
    t="$s/text"
    if command -v openssl >/dev/null; then
        for alg in RSA EC ED25519; do
            case $alg in
            RSA) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$t" 2>/dev/null ;;
            EC) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$t" 2>/dev/null ;;
            *) openssl genpkey -algorithm "$alg" -out "$t" 2>/dev/null ;;
            esac
            secret_seed "etc/ssl/private/server.key" "$t"
            if openssl pkey -in "$t" -traditional -out "$s/trad" 2>/dev/null; then secret_seed "root/key.pem" "$s/trad"; fi
            if openssl pkey -in "$t" -aes128 -passout pass:fuzz -out "$s/enc" 2>/dev/null; then secret_seed "app/enc.pem" "$s/enc"; fi
        done
    fi
    if command -v ssh-keygen >/dev/null; then
        rm -f "$s/id"
        if ssh-keygen -q -t ed25519 -N '' -C fuzz -f "$s/id"; then secret_seed "root/.ssh/id_ed25519" "$s/id"; fi
    fi
    printf 'aws_access_key_id = AKIA%s\naws_secret_access_key = %s\n' \
        "$(made_up "$UPPER" 16 akia)" "$(made_up "$ALNUM/+" 40 awss)" >"$t"
    secret_seed "root/.aws/credentials" "$t"
    {
        printf 'GITHUB_TOKEN=ghp_%s\n' "$(made_up "$ALNUM" 36 gh)"
        printf 'GITLAB=glpat-%s\n' "$(made_up "$ALNUM" 20 gl)"
        printf 'SLACK=xoxb-%s-%s-%s\n' "$(made_up 0123456789 12 s1)" "$(made_up 0123456789 12 s2)" "$(made_up "$ALNUM" 24 s3)"
        printf 'STRIPE=sk_live_%s\n' "$(made_up "$ALNUM" 24 st)"
        printf 'NPM=npm_%s\n' "$(made_up "$ALNUM" 36 npm)"
        printf 'DOCKER=dckr_pat_%s\n' "$(made_up "$ALNUM" 27 dh)"
        printf 'SENDGRID=SG.%s.%s\n' "$(made_up "$ALNUM" 22 sg1)" "$(made_up "$ALNUM" 43 sg2)"
        printf 'TWILIO=SK%s\n' "$(made_up "$HEXL" 32 tw)"
        printf 'OPENAI=sk-proj-%s\n' "$(made_up "$ALNUM" 48 oa)"
        printf 'ANTHROPIC=sk-ant-api03-%s\n' "$(made_up "$ALNUM" 93 an)"
        printf 'PYPI=pypi-AgEIcHlwaS5vcmc%s\n' "$(made_up "$ALNUM" 60 py)"
        printf 'SLACK_HOOK=https://hooks.slack.com/services/T%s/B%s/%s\n' \
            "$(made_up "$UPPER" 8 h1)" "$(made_up "$UPPER" 8 h2)" "$(made_up "$ALNUM" 24 h3)"
        printf 'DB_PASSWORD=%s\n' "$(made_up "$ALNUM" 20 db)"
    } >"$t"
    secret_seed "app/.env" "$t"
    secret_seed "app/settings.py" "$t"
    header="$(printf '{"alg":"HS256","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')"
    body="$(printf '{"sub":"%s"}' "$(made_up "$ALNUM" 12 jwt)" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
    printf 'token: %s.%s.%s\n' "$header" "$body" "$(made_up "$ALNUM" 43 sig)" >"$t"
    secret_seed "app/config.yaml" "$t"
    auth="$(printf 'fuzz:%s' "$(made_up "$ALNUM" 16 dc)" | base64 -w0)"
    printf '{"auths":{"registry.example.com":{"auth":"%s"}}}\n' "$auth" >"$t"
    secret_seed "root/.docker/config.json" "$t"
    # credential_file PATH FORMAT LENGTH: a file whose one secret is made up.
    credential_file() {
        # shellcheck disable=SC2059 # the format is the caller's
        printf "$2" "$(made_up "$ALNUM" "$3" "$1")" >"$t"
        secret_seed "$1" "$t"
    }
    credential_file root/.git-credentials 'https://fuzz:%s@git.example.com\n' 16
    credential_file root/.netrc 'machine ftp.example.com login fuzz password %s\n' 16
    credential_file root/.pgpass 'db.example.com:5432:shop:fuzz:%s\n' 16
    credential_file root/.kube/config 'apiVersion: v1\nkind: Config\nusers:\n- name: fuzz\n  user:\n    token: %s\n' 40
    credential_file root/.npmrc '//registry.npmjs.org/:_authToken=%s\n' 36
    credential_file app/appsettings.json 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=%s==\n' 86
fi

if wanted registry_responses; then
    r="$work/registry"
    mkdir -p "$r/docs"
    if [[ -d "$peers/oci-image-spec" ]]; then fenced json "$r/docs/doc" "$peers/oci-image-spec"/*.md; fi
    printf 'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:shop/web:pull"' >"$r/challenge"
    printf 'linux/arm64/v8' >"$r/platform"
    i=0
    for ref in nginx ghcr.io/org/app:1.4 localhost:5000/a/b@sha256:"$(printf x | sha256sum | cut -c1-64)" \
        '[::1]:5000/app:latest' docker.io/library/busybox:1.36; do
        printf '%s' "$ref" >"$r/ref"
        docs=("$r"/docs/doc-*)
        doc="${docs[$((i % ${#docs[@]}))]:--}"
        conf="${docs[$(((i + 1) % ${#docs[@]}))]:--}"
        [[ -f "$doc" ]] || doc=-
        [[ -f "$conf" ]] || conf=-
        seed_parts registry_responses "$r/ref" "$r/challenge" "$doc" "$conf" "$r/platform"
        i=$((i + 1))
    done
    for doc in "$r"/docs/doc-*; do
        if [[ -f "$doc" ]]; then seed_parts registry_responses - - "$doc" "$doc" -; fi
    done
fi

# Layers: a small tree with a netcat, links, a setuid file, whiteouts, an
# opaque directory and Debian's database files; plain, gzip and zstd.
make_layers() {
    local l="$work/layer"
    mkdir -p "$l/bin" "$l/usr/bin" "$l/etc/alternatives" "$l/var/lib/dpkg/info" "$l/lib/apk/db" "$l/app/cache" "$l/root/.ssh"
    printf '\177ELF\2\1\1\0 netcat 1.10 -e program to exec after connect' >"$l/bin/nc.traditional"
    chmod 755 "$l/bin/nc.traditional"
    ln -sf /etc/alternatives/nc "$l/bin/nc"
    ln -sf /bin/nc.traditional "$l/etc/alternatives/nc"
    ln -sf loop-b "$l/bin/loop-a"
    ln -sf loop-a "$l/bin/loop-b"
    ln -f "$l/bin/nc.traditional" "$l/usr/bin/nc-hard"
    printf '#!/bin/sh\n' >"$l/usr/bin/su"
    chmod 4755 "$l/usr/bin/su"
    chmod 777 "$l/app/cache"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$l/etc/passwd"
    printf 'Package: netcat-traditional\nStatus: install ok installed\n\n' >"$l/var/lib/dpkg/status"
    printf '%s  bin/nc.traditional\n' "$(md5sum <"$l/bin/nc.traditional" | cut -d' ' -f1)" \
        >"$l/var/lib/dpkg/info/netcat-traditional.md5sums"
    printf 'P:busybox\nF:bin\nR:busybox\nZ:Q1%s=\n\n' "$(made_up "$ALNUM" 27 apk)" >"$l/lib/apk/db/installed"
    : >"$l/app/.wh.deleted"
    : >"$l/app/cache/.wh..wh..opq"
    printf 'DB_PASSWORD=%s\n' "$(made_up "$ALNUM" 20 layer)" >"$l/app/.env"
    tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$l" -cf "$work/layer.tar" .
    tar --sort=name --mtime=@0 --owner=0 --group=0 --format=pax -C "$l" -cf "$work/layer-pax.tar" .
    gzip -9n <"$work/layer.tar" >"$work/layer.tar.gz"
    command -v zstd >/dev/null && zstd -q -19 <"$work/layer.tar" >"$work/layer.tar.zst"
    return 0
}

if wanted image_layer || wanted image_archive; then
    make_layers
fi

if wanted image_layer; then
    for f in "$work"/layer.tar "$work"/layer-pax.tar "$work"/layer.tar.gz "$work"/layer.tar.zst; do
        if [[ -f "$f" ]]; then seed image_layer "$f"; fi
    done
    # The layers of the demo image.
    mkdir -p "$work/demo"
    tar -C "$work/demo" -xf "$root/testdata/demo/images/toolbox.tar"
    find "$work/demo" -type f -size +200c | while read -r f; do
        if tar -tf "$f" >/dev/null 2>&1; then seed image_layer "$f"; fi
    done
fi

# image_archive: a selector byte (the member, drydock::fuzzing's Member
# order), then the member.
archive_seed() {
    printf "\\x$(printf '%02x' "$1")" >"$work/archive"
    cat "$2" >>"$work/archive"
    seed image_archive "$work/archive"
}

if wanted image_archive; then
    archive_seed 0 "$work/layer.tar"
    archive_seed 0 "$work/layer.tar.gz"
    if [[ -f "$work/layer.tar.zst" ]]; then archive_seed 0 "$work/layer.tar.zst"; fi
    printf '%s' '{"architecture":"amd64","os":"linux","config":{"User":"0","Env":["PASSWORD=x"],"Healthcheck":{"Test":["NONE"]}},"rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},"history":[{"created_by":"RUN apt-get install -y netcat"},{"empty_layer":true}]}' >"$work/config"
    archive_seed 1 "$work/config"
    printf '%s' '[{"Config":"$CONFIG","RepoTags":["fuzz:1"],"Layers":["$LAYER"]}]' >"$work/manifest"
    archive_seed 2 "$work/manifest"
    if [[ -f /var/lib/dpkg/status ]]; then
        awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 40' /var/lib/dpkg/status >"$work/status"
        archive_seed 3 "$work/status"
        find /var/lib/dpkg/info -name '*.md5sums' -size -4k | sort | sed -n 1,5p | while read -r f; do
            archive_seed 4 "$f"
        done
    fi
    printf 'P:busybox\nV:1.36.1-r2\nF:bin\nR:busybox\na:0:0:755\nZ:Q1%s=\nR:nc\na:0:0:777\nZ:X1%s\n\n' \
        "$(made_up "$ALNUM" 27 apk1)" "$(made_up "$HEXL" 40 apk2)" >"$work/apk"
    archive_seed 5 "$work/apk"
    archive_seed 6 /etc/passwd
    printf 'TOKEN=ghp_%s\n' "$(made_up "$ALNUM" 36 arch)" >"$work/dotenv"
    archive_seed 7 "$work/dotenv"
    archive_seed 8 "$root/testdata/demo/images/toolbox.tar"
    printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$MANIFEST","size":$MANIFEST_SIZE,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$MANIFEST","size":$MANIFEST_SIZE,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}' >"$work/index"
    archive_seed 9 "$work/index"
fi

if wanted package_databases; then
    p="$work/pkg"
    mkdir -p "$p"
    if [[ -f /var/lib/dpkg/status ]]; then
        awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 40' /var/lib/dpkg/status >"$p/status"
        f="$(find /var/lib/dpkg/info -name '*.md5sums' -size -4k | sort | sed -n 1p)"
        cp "$f" "$p/md5sums"
        cp "${f%.md5sums}.list" "$p/list" 2>/dev/null || : >"$p/list"
        seed_parts package_databases "$p/status" "$p/md5sums" "$p/list"
        a="$(find /var/lib/dpkg/alternatives -type f 2>/dev/null | sort | sed -n 1p)"
        if [[ -n "$a" ]]; then seed_parts package_databases - - - - - "$a"; fi
        if [[ -f /var/lib/dpkg/diversions ]]; then seed_parts package_databases - - - - - - /var/lib/dpkg/diversions; fi
    fi
    printf 'P:busybox\nF:bin\nR:busybox\nZ:Q1%s=\nR:sh\na:0:0:777\nZ:Q1%s=\n\nP:musl\nF:lib\nR:ld-musl-x86_64.so.1\nZ:X2%s\n\n' \
        "$(made_up "$ALNUM" 27 p1)" "$(made_up "$ALNUM" 27 p2)" "$(made_up "$HEXL" 64 p3)" >"$p/apk"
    seed_parts package_databases - - - "$p/apk"
    printf 'Package: base-files\nVersion: 12.4\n\n' >"$p/statusd"
    seed_parts package_databases - - - - "$p/statusd"
fi

for d in "$corpus"/*/; do
    printf '%-20s %5d inputs\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
