# syntax=docker/dockerfile:1-labs
# Every stage counts: the flags act on the build host, whichever stage asks.
FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS test
RUN --security=insecure mount -t tmpfs none /mnt && make check  # NOT OK severity=critical
RUN --mount=type=cache,target=/root/.cache \
    --network=host wget -qO /tmp/artifact http://localhost:8080/artifact  # NOT OK severity=medium
RUN --network=none make check  # OK
RUN --security=sandbox make check  # OK (the default)

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
ONBUILD RUN --network=host make  # NOT OK severity=medium
RUN --network=default apk add --no-cache ca-certificates  # OK
USER 10001
