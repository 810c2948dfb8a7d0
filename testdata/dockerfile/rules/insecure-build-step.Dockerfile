# syntax=docker/dockerfile:1-labs
# Every stage counts: the flags act on the build host, whichever stage asks.
FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS test
# NOT OK severity=critical
RUN --security=insecure mount -t tmpfs none /mnt && make check
RUN --mount=type=cache,target=/root/.cache \
    # NOT OK severity=medium
    --network=host wget -qO /tmp/artifact http://localhost:8080/artifact
# OK
RUN --network=none make check
# OK (the default)
RUN --security=sandbox make check

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
# NOT OK severity=medium
ONBUILD RUN --network=host make
# OK
RUN --network=default apk add --no-cache ca-certificates
USER 10001
