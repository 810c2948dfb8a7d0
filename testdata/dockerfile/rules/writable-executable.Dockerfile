FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
COPY --chmod=777 start.sh /usr/local/bin/  # NOT OK severity=high
RUN chmod -R 777 /app  # NOT OK severity=high
RUN chmod o+w /var/log/app.log  # NOT OK severity=medium
RUN chmod 1777 /shared  # OK (sticky)
RUN tmp="$(mktemp -d)" && chmod 777 "$tmp"  # OK (a temporary directory)
RUN chmod 755 /usr/local/bin/start.sh  # OK
USER 10001
