# syntax=docker/dockerfile:1
# Every stage counts: what a build stage fetches ends up in what it builds.
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS fetch
# NOT OK severity=high
ARG GIT_SSL_NO_VERIFY=1
# NOT OK severity=high
RUN curl -fsSLk https://downloads.example.com/tool.tgz -o /tmp/tool.tgz
# NOT OK severity=high
RUN wget -q --no-check-certificate https://downloads.example.com/data.tgz
# NOT OK severity=high
RUN git -c http.sslVerify=false clone https://git.example.com/lib.git /src/lib
# NOT OK severity=high
RUN pip install --trusted-host pypi.example.com -r requirements.txt
# NOT OK severity=high
RUN npm config set strict-ssl false
# OK (a CA given instead)
RUN curl -fsSL --cacert /etc/ssl/corp-ca.pem https://downloads.example.com/tool.tgz -o /tmp/tool.tgz

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
# NOT OK severity=high
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
# NOT OK severity=high
RUN echo "deb [trusted=yes] http://apt.example.com/ stable main" > /etc/apt/sources.list.d/example.list
RUN apt-get update \
    # NOT OK severity=high
    && apt-get install -y --allow-unauthenticated example-agent
# NOT OK severity=high
RUN apt-get -o Acquire::https::Verify-Peer=false update
# OK (a local repository)
RUN echo "deb [ trusted=yes ] file:///tmp/repo ./" > /etc/apt/sources.list.d/local.list
# OK
RUN apt-get install -y --no-install-recommends ca-certificates

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS alpine
# NOT OK severity=high
RUN apk add --no-cache --allow-untrusted example-agent
# OK (packages the build made)
RUN apk add --no-cache --allow-untrusted /tmp/packages/*.apk

FROM fedora:40@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS fedora
# NOT OK severity=high
RUN dnf install -y --nogpgcheck example-agent
# NOT OK severity=high
RUN sed -i 's/^gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/example.repo
# OK (turns it on)
RUN sed -i 's/^gpgcheck=0/gpgcheck=1/' /etc/yum.repos.d/example.repo

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
COPY --from=fetch /tmp/tool.tgz /tmp/
USER 10001
