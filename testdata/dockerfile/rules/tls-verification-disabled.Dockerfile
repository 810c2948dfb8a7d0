# syntax=docker/dockerfile:1
# Every stage counts: what a build stage fetches ends up in what it builds.
FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS fetch
ARG GIT_SSL_NO_VERIFY=1  # NOT OK severity=high
RUN curl -fsSLk https://downloads.example.com/tool.tgz -o /tmp/tool.tgz  # NOT OK severity=high
RUN wget -q --no-check-certificate https://downloads.example.com/data.tgz  # NOT OK severity=high
RUN git -c http.sslVerify=false clone https://git.example.com/lib.git /src/lib  # NOT OK severity=high
RUN pip install --trusted-host pypi.example.com -r requirements.txt  # NOT OK severity=high
RUN npm config set strict-ssl false  # NOT OK severity=high
RUN curl -fsSL --cacert /etc/ssl/corp-ca.pem https://downloads.example.com/tool.tgz -o /tmp/tool.tgz  # OK (a CA given instead)

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
ENV NODE_TLS_REJECT_UNAUTHORIZED=0  # NOT OK severity=high
RUN echo "deb [trusted=yes] http://apt.example.com/ stable main" > /etc/apt/sources.list.d/example.list  # NOT OK severity=high
RUN apt-get update \
    && apt-get install -y --allow-unauthenticated example-agent  # NOT OK severity=high
RUN apt-get -o Acquire::https::Verify-Peer=false update  # NOT OK severity=high
RUN echo "deb [ trusted=yes ] file:///tmp/repo ./" > /etc/apt/sources.list.d/local.list  # OK (a local repository)
RUN apt-get install -y --no-install-recommends ca-certificates  # OK

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS alpine
RUN apk add --no-cache --allow-untrusted example-agent  # NOT OK severity=high
RUN apk add --no-cache --allow-untrusted /tmp/packages/*.apk  # OK (packages the build made)

FROM fedora:40@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS fedora
RUN dnf install -y --nogpgcheck example-agent  # NOT OK severity=high
RUN sed -i 's/^gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/example.repo  # NOT OK severity=high
RUN sed -i 's/^gpgcheck=0/gpgcheck=1/' /etc/yum.repos.d/example.repo  # OK (turns it on)

FROM debian:bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
COPY --from=fetch /tmp/tool.tgz /tmp/
USER 10001
