package rig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Build compiles cmd/bridge into dir and returns the binary's path. It runs
// `go build` in the module that holds the current directory.
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "bridge")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/handoffbridge/handoff/cmd/bridge")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build cmd/bridge: %w\n%s", err, out.String())
	}
	return bin, nil
}

// Process is the bridge binary run as a child on one data directory; it can
// be killed and started again on the same data.
type Process struct {
	bin, dir, config string
	env              []string
	// BaseURL is http://host:port of the bridge.
	BaseURL string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	log  *tailBuffer
	// starts counts the processes started.
	starts int
}

// NewProcess writes c's config into dir/etc, with the store in dir/data
// (see Config.WriteConfig), and returns a process ready to Start. c.Listen is filled with a free port
// when empty.
func NewProcess(bin, dir string, c Config) (*Process, error) {
	if c.Listen == "" {
		addr, err := FreeAddr()
		if err != nil {
			return nil, err
		}
		c.Listen = addr
	}
	path, err := c.WriteConfig(dir)
	if err != nil {
		return nil, err
	}
	return &Process{bin: bin, dir: dir, config: path, env: c.env(), BaseURL: "http://" + c.Listen, log: &tailBuffer{max: 64 << 10}}, nil
}

// WSURL is the widget socket's URL.
func (p *Process) WSURL() string { return "ws" + strings.TrimPrefix(p.BaseURL, "http") + "/ws" }

// Start runs the binary and waits until /readyz answers 200.
func (p *Process) Start(ctx context.Context) error {
	p.mu.Lock()
	if p.cmd != nil {
		p.mu.Unlock()
		return errors.New("rig: the bridge is already running")
	}
	cmd := exec.Command(p.bin, "run", "-config", p.config)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	var out io.Writer = p.log
	full, err := p.fullLog()
	if err != nil {
		p.mu.Unlock()
		return err
	}
	if full != nil {
		out = io.MultiWriter(p.log, full)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		return fmt.Errorf("start bridge: %w", err)
	}
	done := make(chan struct{})
	p.cmd, p.done = cmd, done
	p.starts++
	p.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		if full != nil {
			_ = full.Close()
		}
		close(done)
	}()
	return p.waitReady(ctx, done)
}

// waitReady polls /readyz until it answers 200; the process exiting first
// is an error with the tail of its log.
func (p *Process) waitReady(ctx context.Context, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.BaseURL+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("readyz %d: %s", resp.StatusCode, bytes.TrimSpace(body))
		}
		select {
		case <-exited:
			return fmt.Errorf("rig: the bridge exited before it was ready:\n%s", p.log.String())
		case <-ctx.Done():
			return fmt.Errorf("rig: the bridge did not become ready (%v):\n%s", err, p.log.String())
		case <-tick.C:
		}
	}
}

// Kill sends SIGKILL and waits for the process to be gone: nothing is
// flushed, as in a crash or an OOM kill.
func (p *Process) Kill() error { return p.signal(syscall.SIGKILL) }

// Stop asks for a graceful shutdown (SIGTERM) and waits for the exit.
func (p *Process) Stop() error { return p.signal(syscall.SIGTERM) }

func (p *Process) signal(sig syscall.Signal) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal bridge: %w", err)
	}
	<-done
	return nil
}

// Pid is the running process's id, 0 when none runs.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Log is the tail of the bridge's standard output and error.
func (p *Process) Log() string { return p.log.String() }

// tailBuffer keeps the last max bytes written.
// fullLog opens, when RIG_LOG_DIR is set, the file that keeps the whole
// output of this process's runs (the tail kept in memory is 64 KiB): one
// file per address, each start appended.
func (p *Process) fullLog() (*os.File, error) {
	dir := os.Getenv("RIG_LOG_DIR")
	if dir == "" {
		return nil, nil
	}
	name := strings.NewReplacer(":", "_", "/", "_").Replace(strings.TrimPrefix(p.BaseURL, "http://")) + ".log"
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("rig: RIG_LOG_DIR: %w", err)
	}
	fmt.Fprintf(f, "=== start %d at %s\n", p.starts+1, time.Now().Format(time.RFC3339Nano))
	return f, nil
}

type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
