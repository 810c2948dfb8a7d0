ARG BASE=alpine
FROM ${BASE} AS one  # NOT OK severity=medium
FROM debian:latest AS two  # NOT OK severity=medium
FROM node:22-slim AS three  # NOT OK severity=info
FROM node:22-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS four  # OK
FROM one  # OK (a stage)
FROM scratch  # OK
COPY --from=two /etc/os-release /
USER 10001
