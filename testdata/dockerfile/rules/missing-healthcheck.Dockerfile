# One finding at most per Dockerfile: the image's. The other cases (a base
# stage's HEALTHCHECK, HEALTHCHECK NONE) are unit tests of the rule.
FROM golang:1.23@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
# OK (a build stage: not in the image)
HEALTHCHECK CMD /bin/true

# NOT OK severity=info
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
COPY --from=build /go/bin/app /usr/local/bin/app
USER 10001
