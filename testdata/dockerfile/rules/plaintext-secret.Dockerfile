FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
# NOT OK severity=high
ARG GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
# OK (no default: passed at build time)
ARG NPM_TOKEN
# NOT OK severity=high
ENV DB_PASSWORD=Xk9-trombone-meadow-41
# OK (a path)
ENV DB_PASSWORD_FILE=/run/secrets/db
# OK (a placeholder)
ENV API_KEY=changeme
ENV LOG_LEVEL=debug
# NOT OK severity=high
RUN curl -fsSL -u deploy:Hunter2-s3cret https://artifacts.example/tool.tgz -o /tmp/t.tgz
# NOT OK severity=high
RUN curl -fsSL https://user:Pa55w0rd-xyz@artifacts.example/tool.tgz -o /tmp/t.tgz
# OK
RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci
USER 10001
