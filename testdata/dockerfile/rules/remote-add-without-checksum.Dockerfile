# syntax=docker/dockerfile:1
# Every stage counts: what a build stage fetches ends up in what it builds.
FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS fetch
ARG TOOL_URL=https://downloads.example.com/tool/v1.2.3/tool.tgz
# NOT OK severity=medium
ADD https://downloads.example.com/tool/v1.2.3/tool.tgz /opt/
# NOT OK severity=medium
ADD ${TOOL_URL} /opt/tool.tgz
# OK (pinned)
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://downloads.example.com/tool/v1.2.3/tool.tgz /opt/
# NOT OK severity=medium
ADD git@github.com:example/lib.git#v2.0 /src/lib
# OK (a full commit id)
ADD https://github.com/example/lib.git#3f6e1c2b9a0d4e5f60718293a4b5c6d7e8f90123 /src/pinned

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
# OK (a local archive)
ADD rootfs.tar.gz /
COPY --from=fetch /opt /opt
USER 10001
