FROM ubuntu:24.04@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
RUN useradd -m builder && echo 'builder ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/builder
USER builder
# NOT OK severity=low
RUN sudo apt-get update

FROM ubuntu:24.04@sha256:0000000000000000000000000000000000000000000000000000000000000000
# OK (installing it is not running it)
RUN apt-get update && apt-get install -y --no-install-recommends sudo
USER app
# NOT OK severity=medium
RUN sudo -E apt-get install -y curl && echo done
# NOT OK severity=medium
RUN env DEBIAN_FRONTEND=noninteractive /usr/bin/sudo -u root apt-get clean
# OK (a word, not the program)
RUN echo "use sudo to become root"
USER 10001
