package sqlite

import (
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size bytes at dir (flags: syscall.MS_*)
// until the test ends, or skips the test where mounting is not allowed
// (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir string, flags uintptr, size string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// remountReadOnly makes a tmpfs mounted by mountTmpfs read-only.
func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount %s read-only: %v", dir, err)
	}
}
