# syntax=docker/dockerfile:1
# A build stage may hold any tool: only the stages the image is made of count.
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS debug
# OK (build stage only)
RUN apt-get update && apt-get install -y tcpdump nmap

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS base
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       # NOT OK severity=low severity=low
       curl dnsutils netcat-openbsd
# NOT OK severity=low
RUN apt-get install -y tcpdump

FROM base
# NOT OK severity=low
RUN apk add --no-cache bind-tools
# OK (exec-capable-netcat's)
RUN apt-get install -y netcat-traditional
# OK
RUN apt-get install -y iputils-ping ca-certificates
USER 10001
