package main

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/handoffbridge/handoff/internal/rig"
)

// pinning parses the CPU lists of -bridge-cpus and -load-cpus and pins this
// process (the load generator and the fakes) at once, before its threads
// multiply. The bridge child is pinned once started (see run).
func pinning(bridgeList, loadList string, attached bool) (bridge, load *unix.CPUSet, err error) {
	if bridgeList != "" {
		if attached {
			return nil, nil, errors.New("-bridge-cpus pins the bridge child: an attached bridge is pinned by whoever started it (taskset -c)")
		}
		set, err := rig.ParseCPUs(bridgeList)
		if err != nil {
			return nil, nil, err
		}
		bridge = &set
	}
	if loadList != "" {
		set, err := rig.ParseCPUs(loadList)
		if err != nil {
			return nil, nil, err
		}
		got, err := rig.Pin(os.Getpid(), set)
		if err != nil {
			return nil, nil, err
		}
		load = &got
	}
	return bridge, load, nil
}
