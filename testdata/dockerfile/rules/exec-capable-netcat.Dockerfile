# syntax=docker/dockerfile:1
# A build stage may hold any tool: only the stages the image is made of count.
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS tools
RUN apt-get update && apt-get install -y socat  # OK (build stage only)

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS base
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       curl netcat-traditional  # NOT OK severity=high
RUN apk add --no-cache busybox-extras  # NOT OK severity=medium
RUN dnf -y install nmap-ncat  # NOT OK severity=high
RUN apt-get install -y netcat-openbsd  # OK (cannot run a program)
RUN echo "apt-get install socat"  # OK (not an install)

FROM base
RUN <<EOF
set -eu
apk add socat  # NOT OK severity=high
EOF
RUN sudo apt-get install -y ncat  # NOT OK severity=high
USER 10001
