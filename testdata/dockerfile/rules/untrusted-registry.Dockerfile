ARG MIRROR=quay.io/acme
# NOT OK severity=high
FROM ${MIRROR}/builder:1.4 AS build
# OK (docker.io/library is trusted)
FROM golang:1.23 AS tools
# NOT OK severity=high
FROM gcr.io/distroless/static-debian12:nonroot
# OK (a stage)
FROM build AS again
# OK
FROM registry.example.com/base/app:2.1
# OK
FROM ghcr.io/acme/runtime:3
USER 10001
