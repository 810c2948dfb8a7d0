FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
# OK (a build stage)
RUN chmod u+s /usr/local/bin/helper

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
# NOT OK severity=high
COPY --from=build --chmod=4755 /usr/local/bin/helper /usr/local/bin/
# NOT OK severity=high
RUN chmod 2755 /usr/local/bin/report
# NOT OK severity=high
RUN chmod +x,u+s /usr/local/bin/tool
# OK
RUN chmod 0755 /usr/local/bin/tool
USER 10001
