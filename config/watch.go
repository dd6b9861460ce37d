package config

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher reloads the configuration file when it changes. It watches the
// file's directory rather than the file, so that editors that write a new
// file and rename it over the old one, and symlink swaps (Kubernetes
// ConfigMaps), are seen. Bursts of events are coalesced, and a file whose
// content has not changed is not reloaded.
type Watcher struct {
	path     string
	env      LookupEnv
	onChange func(*Config)
	onError  func(error)
	fsw      *fsnotify.Watcher
	// settle is how long the directory must stay quiet before a reload, so
	// that a file is not read half written.
	settle  time.Duration
	last    [sha256.Size]byte // content last loaded or rejected
	current atomic.Pointer[Config]
}

// NewWatcher loads the file at path (env as for Load) and starts watching
// its directory. Call Run to process changes: a file that loads and
// validates becomes current and is passed to onChange; a file that does not
// is passed to onError as an error, and the current configuration stays.
func NewWatcher(path string, env LookupEnv, onChange func(*Config), onError func(error)) (*Watcher, error) {
	if env == nil {
		env = os.LookupEnv
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data, env)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("config: watching %s: %w", path, err)
	}
	if err := fsw.Add(filepath.Dir(abs)); err != nil {
		_ = fsw.Close()
		return nil, fmt.Errorf("config: watching %s: %w", path, err)
	}
	w := &Watcher{
		path: abs, env: env, onChange: onChange, onError: onError,
		fsw: fsw, settle: 100 * time.Millisecond, last: sha256.Sum256(data),
	}
	w.current.Store(c)
	return w, nil
}

// Watch loads the file at path, then reloads it on every change until ctx
// is done, calling onChange with each new valid configuration and onError
// with each problem. It returns an error only if the file cannot be loaded
// or watched at start.
func Watch(ctx context.Context, path string, env LookupEnv, onChange func(*Config), onError func(error)) error {
	w, err := NewWatcher(path, env, onChange, onError)
	if err != nil {
		return err
	}
	w.Run(ctx)
	return nil
}

// Current returns the configuration in force: the last one that loaded.
func (w *Watcher) Current() *Config { return w.current.Load() }

// Run processes file changes until ctx is done, then stops watching.
// Callbacks are called from Run's goroutine, one at a time.
func (w *Watcher) Run(ctx context.Context) {
	defer w.fsw.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.concerns(ev) {
				timer.Reset(w.settle)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.onError(fmt.Errorf("config: watching %s: %w", w.path, err))
		case <-timer.C:
			w.reload()
		}
	}
}

// concerns reports whether ev may have changed the file: an event on the
// file itself, or any event in its directory when the file is a symlink.
func (w *Watcher) concerns(ev fsnotify.Event) bool {
	if filepath.Clean(ev.Name) == w.path {
		return true
	}
	fi, err := os.Lstat(w.path)
	return err == nil && fi.Mode()&os.ModeSymlink != 0
}

func (w *Watcher) reload() {
	data, err := os.ReadFile(w.path)
	if err != nil {
		w.onError(fmt.Errorf("config: %w", err))
		return
	}
	sum := sha256.Sum256(data)
	if sum == w.last {
		return
	}
	w.last = sum
	c, err := Parse(data, w.env)
	if err != nil {
		w.onError(fmt.Errorf("config %s: %w; keeping the previous configuration", w.path, err))
		return
	}
	w.current.Store(c)
	w.onChange(c)
}
