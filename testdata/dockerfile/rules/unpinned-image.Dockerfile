ARG BASE=alpine
# NOT OK severity=medium
FROM ${BASE} AS one
# NOT OK severity=medium
FROM debian:latest AS two
# NOT OK severity=info
FROM node:22-slim AS three
# OK
FROM node:22-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS four
# OK (a stage)
FROM one
# OK
FROM scratch
COPY --from=two /etc/os-release /
USER 10001
