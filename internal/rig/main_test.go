package rig

import (
	"os"
	"testing"
)

// binDir holds the bridge binary built by bridgeBin, if a test built it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}
