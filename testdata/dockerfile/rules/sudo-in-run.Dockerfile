FROM ubuntu:24.04@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
RUN useradd -m builder && echo 'builder ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/builder
USER builder
RUN sudo apt-get update  # NOT OK severity=low

FROM ubuntu:24.04@sha256:0000000000000000000000000000000000000000000000000000000000000000
RUN apt-get update && apt-get install -y --no-install-recommends sudo  # OK (installing it is not running it)
USER app
RUN sudo -E apt-get install -y curl && echo done  # NOT OK severity=medium
RUN env DEBIAN_FRONTEND=noninteractive /usr/bin/sudo -u root apt-get clean  # NOT OK severity=medium
RUN echo "use sudo to become root"  # OK (a word, not the program)
USER 10001
