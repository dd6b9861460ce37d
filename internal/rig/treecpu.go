package rig

import (
	"fmt"

	"github.com/prometheus/procfs"
)

// TreeCPUSeconds is the CPU time (user + system) that process pid and its
// direct children have used so far: those running now, and those that
// have exited and been waited for, whose time the kernel adds to pid's
// cutime and cstime. PostgreSQL's server is such a tree, a postmaster that
// forks a backend per connection and its helpers (WAL writer,
// checkpointer, …), so this is the whole server's CPU.
func TreeCPUSeconds(pid int) (float64, error) {
	root, err := procfs.NewProc(pid)
	if err != nil {
		return 0, fmt.Errorf("read /proc/%d: %w", pid, err)
	}
	st, err := root.Stat()
	if err != nil {
		return 0, fmt.Errorf("read /proc/%d/stat: %w", pid, err)
	}
	total := st.CPUTime() + float64(st.CUTime+st.CSTime)/userHZ
	all, err := procfs.AllProcs()
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	for _, p := range all {
		cs, err := p.Stat()
		if err != nil || cs.PPID != pid {
			continue // gone meanwhile, or another's
		}
		total += cs.CPUTime()
	}
	return total, nil
}
