package rig

import (
	"context"
	"fmt"
	"net/http"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/procfs"
)

// Usage is what the bridge process has cost so far.
type Usage struct {
	CPUSeconds   float64 // user + system time since it started
	UserSeconds  float64 // of which in user space
	SysSeconds   float64 // and in the kernel (system calls: disk, network)
	RSSBytes     uint64  // resident memory now
	PeakRSSBytes uint64  // the high-water mark of resident memory (VmHWM)
}

// userHZ is the unit of the times in /proc/PID/stat (USER_HZ, 100 on every
// Linux the kernel's ABI allows).
const userHZ = 100

// Usage reads the running process's CPU time and memory from /proc.
func (p *Process) Usage() (Usage, error) {
	pid := p.Pid()
	if pid == 0 {
		return Usage{}, fmt.Errorf("rig: the bridge is not running")
	}
	proc, err := procfs.NewProc(pid)
	if err != nil {
		return Usage{}, fmt.Errorf("read /proc/%d: %w", pid, err)
	}
	stat, err := proc.Stat()
	if err != nil {
		return Usage{}, fmt.Errorf("read /proc/%d/stat: %w", pid, err)
	}
	status, err := proc.NewStatus()
	if err != nil {
		return Usage{}, fmt.Errorf("read /proc/%d/status: %w", pid, err)
	}
	return Usage{CPUSeconds: stat.CPUTime(), UserSeconds: float64(stat.UTime) / userHZ, SysSeconds: float64(stat.STime) / userHZ,
		RSSBytes: status.VmRSS, PeakRSSBytes: status.VmHWM}, nil
}

// Goroutines reads go_goroutines from the bridge's /metrics.
func (p *Process) Goroutines(ctx context.Context) (int, error) {
	return ScrapeGauge(ctx, p.BaseURL+"/metrics", "go_goroutines")
}

// ScrapeGauge reads one unlabelled gauge from a Prometheus text endpoint.
func ScrapeGauge(ctx context.Context, url, name string) (int, error) {
	v, err := ScrapeValue(ctx, url, name)
	return int(v), err
}

// ScrapeValue reads one unlabelled counter or gauge from a Prometheus text
// endpoint.
func ScrapeValue(ctx context.Context, url, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", url, err)
	}
	f, ok := families[name]
	if !ok || len(f.GetMetric()) == 0 {
		return 0, fmt.Errorf("%s has no %s", url, name)
	}
	m := f.GetMetric()[0]
	if c := m.GetCounter(); c != nil {
		return c.GetValue(), nil
	}
	return m.GetGauge().GetValue(), nil
}
