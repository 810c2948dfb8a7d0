# syntax=docker/dockerfile:1
# A build stage may hold any tool: only the stages the image is made of count.
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS tools
# OK (build stage only)
RUN apt-get update && apt-get install -y socat

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS base
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       # NOT OK severity=high
       curl netcat-traditional
# NOT OK severity=medium
RUN apk add --no-cache busybox-extras
# NOT OK severity=high
RUN dnf -y install nmap-ncat
# OK (cannot run a program)
RUN apt-get install -y netcat-openbsd
# OK (not an install)
RUN echo "apt-get install socat"

FROM base
RUN <<EOF
set -eu
# NOT OK severity=high
apk add socat
EOF
# NOT OK severity=high
RUN sudo apt-get install -y ncat
# NOT OK severity=medium
COPY --from=tools /usr/bin/nc.traditional /usr/local/bin/nc
# NOT OK severity=medium
RUN curl -fsSL -o /usr/local/bin/socat https://example.com/static/socat && chmod +x /usr/local/bin/socat
# OK (netcat-openbsd cannot run a program)
COPY --from=tools /bin/nc.openbsd /usr/local/bin/
RUN cat <<EOF > /etc/motd
# OK (a file cat writes, not a script)
apt-get install -y socat
EOF
RUN python3 <<EOF
# OK (python reads this heredoc)
print("apk add socat")
EOF
RUN <<EOF
#!/usr/bin/env python3
# OK (the #! line names python)
print("apk add socat")
EOF
RUN bash -e <<EOF
# NOT OK severity=high
apt-get install -y ncat
EOF
# NOT OK severity=high
RUN ["sh", "-c", "apt-get update && apt-get install -y socat"]
# NOT OK severity=high
RUN ["apk", "add", "--no-cache", "socat"]
# NOT OK severity=high
RUN set -e; sudo bash -ec 'apk add --no-cache nmap-ncat'
# NOT OK severity=high
RUN sh -c "sh -c \"apk add socat\""
USER 10001
