package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// echoWorkspace is an agent workspace whose one agent joins every handoff
// and answers each user message with the same text.
type echoWorkspace struct {
	engine *bridge.Engine
	seq    chan struct{}
	n      int64
	log    *slog.Logger
}

const echoKind bridge.WorkspaceKind = "echo"

var echoAgent = bridge.AgentRef{Workspace: echoKind, UserID: "U-ECHO", DisplayName: "Echo"}

func (w *echoWorkspace) Kind() bridge.WorkspaceKind { return echoKind }

func (w *echoWorkspace) OpenThread(_ context.Context, _ string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	return bridge.ThreadRef{Workspace: echoKind, Channel: "load", ThreadID: "t-" + card.Handoff.String()}, nil
}

func (w *echoWorkspace) UpdateThread(context.Context, bridge.ThreadRef, bridge.HandoffCard) error {
	return nil
}
func (w *echoWorkspace) TellAgent(context.Context, bridge.ThreadRef, string, string) error {
	return nil
}

// PostToThread joins on the thread's first post (the history, sent once the
// thread is known) and echoes live user messages. The engine is called from
// another goroutine: a delivery must not wait on the engine.
func (w *echoWorkspace) PostToThread(_ context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	for _, p := range posts {
		switch {
		case p.History:
			go w.act(bridge.AgentAction{Agent: echoAgent, ThreadID: ref.ThreadID, Action: bridge.ActJoin})
			return nil
		case p.Role == bridge.RoleUser && strings.HasPrefix(p.Text, "ping "):
			go w.act(bridge.AgentMessage{Agent: echoAgent, ThreadID: ref.ThreadID, PlatformID: "echo-" + strconv.FormatInt(int64(p.MessageID), 10), Text: "pong " + strings.TrimPrefix(p.Text, "ping ")})
		}
	}
	return nil
}

func (w *echoWorkspace) act(ev bridge.Event) {
	if _, err := w.engine.Handle(context.Background(), ev); err != nil {
		w.log.Warn("echo agent", "err", err)
	}
}

func serve(ctx context.Context, listen, dbPath string, onListen func(addr string)) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "widget-load")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "bridge.db")
	}
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	settings := bridge.Settings{
		Enabled: true, DefaultTeam: "support", BotName: "Bot", Messages: bridge.DefaultMessages(),
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"}},
		Teams:    map[bridge.TeamID]*bridge.Team{"support": {ID: "support", Workspace: echoKind, Channel: "load", SLA: time.Hour, Fallback: bridge.FallbackNone}},
		Agents:   []*bridge.Agent{{ID: "echo", Name: "Echo", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{echoKind: "U-ECHO"}}},
	}
	engine, err := bridge.New(bridge.Options{Store: store, Settings: settings, Logger: log,
		Responder: bridge.ResponderFunc(func(_ context.Context, q bridge.Question) (bridge.Reply, error) {
			return bridge.Reply{Text: "You said: " + q.Text, Confidence: 0.9}, nil
		})})
	if err != nil {
		return err
	}
	secret, err := web.LoadSessionSecret(ctx, engine, "")
	if err != nil {
		return err
	}
	// All load comes from one IP: the per-IP limits (messages, open
	// sockets) are lifted, the per-session one stays at its default.
	widget, err := web.New(web.Options{Handler: engine, History: engine, SessionSecret: secret, Logger: log, IPRate: 1e6, IPBurst: 1e6,
		MaxSocketsPerClient: 1 << 30})
	if err != nil {
		return err
	}
	engine.RegisterUserChannel(widget)
	engine.RegisterWorkspace(&echoWorkspace{engine: engine, log: log})
	mux := http.NewServeMux()
	widget.Mount(mux)
	mux.HandleFunc("GET /debug/pprof/", pprof.Index) // heap and goroutine profiles of the run
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(readStats(widget.Health(r.Context()).Detail))
	})
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	onListen(ln.Addr().String())
	go func() { _ = engine.Run(ctx) }()
	go func() { _ = widget.Run(ctx) }()
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

// stats are the bridge process's figures.
type stats struct {
	Goroutines int   `json:"goroutines"`
	RSSBytes   int64 `json:"rss_bytes"`
	// PeakRSSBytes is the highest RSS of the process so far (VmHWM).
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	CPUSeconds   float64 `json:"cpu_seconds"`
	HeapBytes    uint64  `json:"heap_bytes"`
	// StackBytes is what the goroutines\' stacks take.
	StackBytes uint64 `json:"stack_bytes"`
	Widget     string `json:"widget"`
}

func readStats(widget string) stats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := stats{Goroutines: runtime.NumGoroutine(), HeapBytes: ms.HeapInuse, StackBytes: ms.StackInuse, Widget: widget}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.CPUSeconds = float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	}
	if f, err := os.Open("/proc/self/status"); err == nil {
		b, _ := io.ReadAll(f)
		f.Close()
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			switch fields[0] {
			case "VmRSS:":
				s.RSSBytes = kb * 1024
			case "VmHWM:":
				s.PeakRSSBytes = kb * 1024
			}
		}
	}
	return s
}
