// Package deploytest checks the files that ship the bridge (the Dockerfile,
// the systemd unit, the release script) with the tools that use them: the Go
// toolchain with the Dockerfile's own build flags, systemd-analyze, and the
// release script itself. It has no code of its own, only tests.
package deploytest
