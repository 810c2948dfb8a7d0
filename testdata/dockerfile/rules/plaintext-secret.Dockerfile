FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
ARG GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB  # NOT OK severity=high
ARG NPM_TOKEN  # OK (no default: passed at build time)
ENV DB_PASSWORD=Xk9-trombone-meadow-41  # NOT OK severity=high
ENV DB_PASSWORD_FILE=/run/secrets/db  # OK (a path)
ENV API_KEY=changeme  # OK (a placeholder)
ENV LOG_LEVEL=debug
RUN curl -fsSL -u deploy:Hunter2-s3cret https://artifacts.example/tool.tgz -o /tmp/t.tgz  # NOT OK severity=high
RUN curl -fsSL https://user:Pa55w0rd-xyz@artifacts.example/tool.tgz -o /tmp/t.tgz  # NOT OK severity=high
RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci  # OK
USER 10001
