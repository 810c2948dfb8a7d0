FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
# NOT OK severity=high
COPY --chmod=777 start.sh /usr/local/bin/
# NOT OK severity=high
RUN chmod -R 777 /app
# NOT OK severity=medium
RUN chmod o+w /var/log/app.log
# OK (sticky)
RUN chmod 1777 /shared
# OK (a temporary directory)
RUN tmp="$(mktemp -d)" && chmod 777 "$tmp"
# OK
RUN chmod 755 /usr/local/bin/start.sh
USER 10001
