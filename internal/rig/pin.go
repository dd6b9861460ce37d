package rig

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseCPUs reads a CPU list as taskset -c takes it ("1", "0,2", "0-3").
func ParseCPUs(list string) (unix.CPUSet, error) {
	var set unix.CPUSet
	for part := range strings.SplitSeq(list, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			return set, fmt.Errorf("CPU list %q: %w", list, err)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil {
				return set, fmt.Errorf("CPU list %q: %w", list, err)
			}
		}
		if first < 0 || last < first || last >= 1024 {
			return set, fmt.Errorf("CPU list %q: %q is no CPU or range of CPUs", list, part)
		}
		for c := first; c <= last; c++ {
			set.Set(c)
		}
	}
	return set, nil
}

// FormatCPUs writes set as a CPU list ("0,1").
func FormatCPUs(set unix.CPUSet) string {
	var cpus []string
	for c := range 1024 {
		if set.IsSet(c) {
			cpus = append(cpus, strconv.Itoa(c))
		}
	}
	return strings.Join(cpus, ",")
}

// Pin binds every thread of process pid to set, as taskset -a -p does. A
// thread takes its creator's CPUs, so once every thread is bound the
// process stays bound; the threads are read again until a pass finds none
// unbound, for one started while they were being bound. It returns the
// CPUs the kernel gave (those of set that are online and allowed).
func Pin(pid int, set unix.CPUSet) (unix.CPUSet, error) {
	for range 10 {
		tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			return set, fmt.Errorf("pin %d: %w", pid, err)
		}
		changed := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			var now unix.CPUSet
			if unix.SchedGetaffinity(tid, &now) == nil && now == set {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return set, fmt.Errorf("pin thread %d of %d to CPUs %s: %w", tid, pid, FormatCPUs(set), err)
			}
			changed = true
		}
		if !changed {
			break
		}
	}
	var got unix.CPUSet
	if err := unix.SchedGetaffinity(pid, &got); err != nil {
		return set, fmt.Errorf("read the CPUs of %d: %w", pid, err)
	}
	return got, nil
}
