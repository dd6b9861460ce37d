#!/usr/bin/env bash
# Builds the release archives of the bridge: one per OS and architecture
# (tar.gz; zip for Windows), each with the static binary, LICENSE, README.md,
# config.example.yaml, .env.example and the systemd unit, plus SHA256SUMS.
#
#   scripts/release.sh v1.2.3          # into dist/
#
# VERSION defaults to `git describe --tags --always --dirty`. Environment:
#   RELEASE_TARGETS  space-separated os/arch list (default: linux, darwin and
#                    windows on amd64 and arm64); CI builds linux/amd64 only
#   DIST             output directory (default: dist); must not exist yet
#   SOURCE_DATE_EPOCH  build time for reproducible archives (default: now)
#
# The go build line is the Dockerfile's: keep the two in step.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-$(git describe --tags --always --dirty 2>/dev/null || true)}"
if [[ -z "$version" ]]; then
  echo "release: no version given and none from git describe" >&2
  exit 2
fi
targets="${RELEASE_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}"
dist="${DIST:-dist}"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ "$revision" != unknown && -n "$(git status --porcelain 2>/dev/null)" ]]; then
  revision="${revision}+dirty"
fi
epoch="${SOURCE_DATE_EPOCH:-$(date +%s)}"
build_time="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"

if [[ -e "$dist" ]]; then
  echo "release: $dist exists; remove it first" >&2
  exit 2
fi
mkdir -p "$dist"
dist="$(cd "$dist" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for target in $targets; do
  goos="${target%/*}"
  goarch="${target#*/}"
  name="bridge_${version}_${goos}_${goarch}"
  exe=bridge
  [[ "$goos" == windows ]] && exe=bridge.exe
  echo "release: $name"
  mkdir -p "$work/$name"
  CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -trimpath -tags timetzdata \
    -ldflags "-s -w -X main.version=${version} -X main.revision=${revision} -X main.buildTime=${build_time}" \
    -o "$work/$name/$exe" ./cmd/bridge
  cp LICENSE README.md config.example.yaml .env.example deploy/bridge.service "$work/$name/"
  # Files in a stable order, owner and time: the same inputs give the same
  # archive.
  find "$work/$name" -exec touch -d "@$epoch" {} +
  if [[ "$goos" == windows ]]; then
    (cd "$work" && find "$name" | LC_ALL=C sort | zip -q -X "$dist/$name.zip" -@)
  else
    tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
      -cf - "$name" | gzip -9 -n > "$dist/$name.tar.gz"
  fi
done

shopt -s nullglob
cd "$dist"
archives=(*.tar.gz *.zip)
if [[ ${#archives[@]} -eq 0 ]]; then
  echo "release: no archive built (RELEASE_TARGETS empty?)" >&2
  exit 1
fi
sha256sum -- "${archives[@]}" > SHA256SUMS
echo "release: ${#archives[@]} archive(s) and SHA256SUMS in $dist"
