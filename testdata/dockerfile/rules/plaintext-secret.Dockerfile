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
# NOT OK severity=high
COPY --chown=10001 id_rsa /home/app/.ssh/
# NOT OK severity=high
COPY .npmrc package.json /app/
# NOT OK severity=high
ADD config/.docker/config.json /root/.docker/
# OK (a public certificate)
COPY certs/ca.pem /usr/local/share/ca-certificates/
# OK (the example, not the file)
COPY .env.example /app/
# OK (a heredoc: its text is in the Dockerfile)
COPY <<EOF /app/settings
LOG_LEVEL=debug
EOF
USER 10001
