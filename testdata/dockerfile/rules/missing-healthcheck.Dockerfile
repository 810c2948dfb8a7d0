# One finding at most per Dockerfile: the image's. The other cases (a base
# stage's HEALTHCHECK, HEALTHCHECK NONE) are unit tests of the rule.
FROM golang:1.23@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
HEALTHCHECK CMD /bin/true  # OK (a build stage: not in the image)

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000  # NOT OK severity=info
COPY --from=build /go/bin/app /usr/local/bin/app
USER 10001
