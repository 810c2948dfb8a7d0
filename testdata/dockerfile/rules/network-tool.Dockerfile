# syntax=docker/dockerfile:1
# A build stage may hold any tool: only the stages the image is made of count.
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS debug
RUN apt-get update && apt-get install -y tcpdump nmap  # OK (build stage only)

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS base
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       curl dnsutils netcat-openbsd  # NOT OK severity=low severity=low
RUN apt-get install -y tcpdump  # NOT OK severity=low

FROM base
RUN apk add --no-cache bind-tools  # NOT OK severity=low
RUN apt-get install -y netcat-traditional  # OK (exec-capable-netcat's)
RUN apt-get install -y iputils-ping ca-certificates  # OK
USER 10001
