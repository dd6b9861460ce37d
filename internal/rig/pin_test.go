package rig

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseCPUs(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		bad      bool
	}{
		{in: "1", want: "1"},
		{in: "0,1", want: "0,1"},
		{in: "0-2,5", want: "0,1,2,5"},
		{in: "x", bad: true},
		{in: "2-1", bad: true},
		{in: "-1", bad: true},
	} {
		set, err := ParseCPUs(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseCPUs(%q) = %s, want an error", tt.in, FormatCPUs(set))
			}
			continue
		}
		if err != nil || FormatCPUs(set) != tt.want {
			t.Errorf("ParseCPUs(%q) = %s, %v; want %s", tt.in, FormatCPUs(set), err, tt.want)
		}
	}
}

// Pinning this test process to the CPUs it already has leaves it able to
// run and reports them.
func TestPinReportsTheCPUsGiven(t *testing.T) {
	var mine unix.CPUSet
	if err := unix.SchedGetaffinity(0, &mine); err != nil {
		t.Skip("no affinity here:", err)
	}
	var first unix.CPUSet
	for c := range 1024 {
		if mine.IsSet(c) {
			first.Set(c)
			break
		}
	}
	defer func() { _, _ = Pin(os.Getpid(), mine) }()
	got, err := Pin(os.Getpid(), first)
	if err != nil {
		t.Fatal(err)
	}
	if got != first {
		t.Errorf("pinned to %s, want %s", FormatCPUs(got), FormatCPUs(first))
	}
}
