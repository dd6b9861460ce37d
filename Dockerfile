# The handoff bridge as a container: a static binary on an empty (scratch)
# image, running as an unprivileged user, its store in the /data volume.
#
#   docker build -t handoff-bridge \
#     --build-arg VERSION=v1.2.3 \
#     --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg BUILD_TIME="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#   docker run -p 8080:8080 -v bridge-data:/data handoff-bridge
#
# See docs/deploy.md. internal/deploytest builds the binary with this file's
# `go build` line and checks it is static and serves /healthz.

# GO_IMAGE: any image with Go 1.26 and /bin/sh (e.g. a mirror of the official
# image where Docker Hub is out of reach).
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The release's identity, shown by `bridge version`. .git is not copied
# (.dockerignore), so these are the only source of it.
ARG VERSION=unreleased
ARG REVISION=unknown
ARG BUILD_TIME=unknown
# Static (no cgo: modernc.org/sqlite is pure Go), without local paths, with
# the time zone database embedded (timetzdata) for business hours.
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags "-s -w -X main.version=${VERSION} -X main.revision=${REVISION} -X main.buildTime=${BUILD_TIME}" -o /out/bridge ./cmd/bridge
# The final image has no shell: prepare its few files here. /data belongs to
# the bridge's user and only to it.
RUN mkdir -p /out/etc/ssl/certs /out/data /out/tmp \
 && chmod 1777 /out/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && echo 'bridge:x:65532:65532:handoff bridge:/data:/nonexistent' > /out/etc/passwd \
 && echo 'bridge:x:65532:' > /out/etc/group \
 && chmod 0700 /out/data

FROM scratch
COPY --from=build /out/etc/ /etc/
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/tmp /tmp
COPY --from=build /out/bridge /bridge
USER 65532:65532
WORKDIR /data
# The store, and the console admin token beside it, live in the volume.
ENV BRIDGE_STORE_DSN=/data/bridge.db
VOLUME /data
EXPOSE 8080
# scratch has no curl: the binary probes its own /healthz on the address of
# http.listen (BRIDGE_HTTP_LISTEN or the config's; give it the same -config
# as `run`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/bridge", "healthcheck"]
ENTRYPOINT ["/bridge"]
CMD ["run"]
