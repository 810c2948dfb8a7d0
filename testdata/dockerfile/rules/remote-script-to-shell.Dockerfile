# syntax=docker/dockerfile:1
# Every stage counts: what a build stage runs ends up in what it builds.
FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
# NOT OK severity=high
RUN curl -fsSL https://get.example.com/install.sh | sh
# NOT OK severity=high
RUN wget -qO- https://get.example.com/setup | sudo -E bash -s -- --yes
# NOT OK severity=high
RUN sh -c "$(curl -fsSL https://raw.example.com/tool/install.sh)"
# NOT OK severity=high
RUN bash <(curl -fsSL https://get.example.com/i.sh) --prefix=/opt

FROM php:8.3-cli@sha256:0000000000000000000000000000000000000000000000000000000000000000
RUN set -eux; \
    curl -sS https://getcomposer.org/installer \
      # NOT OK severity=high
      | php -- --install-dir=/usr/local/bin --filename=composer
RUN <<EOT
set -eu
# NOT OK severity=high
curl -fsSL https://deno.land/install.sh | sh -s v1.46.0
EOT
# OK (data for a program given on the command line)
RUN curl -fsSL https://api.github.com/repos/x/y/releases/latest | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag_name"])'
RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.2.3/install.sh \
    && echo "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  /tmp/install.sh" | sha256sum -c - \
    # OK (written to a file, checked, then run)
    && sh /tmp/install.sh
# OK (not an interpreter)
RUN wget -qO- https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg
USER 10001
