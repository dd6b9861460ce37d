package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
	"github.com/handoffbridge/handoff/internal/rig"
)

const (
	benchChannel = "CBENCH"
	benchAgent   = "UBENCH"
	// aiQuestion is answered by the sample knowledge base with confidence.
	aiQuestion = "How do I reset my password?"
	// dialConcurrency bounds the handshakes in flight.
	dialConcurrency = 50
	// benchVerifyToken answers WhatsApp's GET verification (unused by the
	// bench, required by the bridge's config).
	benchVerifyToken = "bench-verify-token"
	// firstTelegramID and whatsAppPrefix number the users of those
	// channels: Telegram user (and private chat) ids, WhatsApp E.164
	// numbers of the 555 fictional range.
	firstTelegramID = 700000000
	whatsAppPrefix  = "1555"
	// The teams, one per agent workspace, and the phrases that hand off to
	// them.
	slackTeam, slackPhrase     = "support", "talk to a human"
	discordTeam, discordPhrase = "sales", "ask the sales desk"
	// discordInChannel: one Discord user in this many writes in the support
	// channel, the others by direct message.
	discordInChannel = 4
)

// replier is an agent of any workspace, as the phase drives it.
type replier interface {
	ReplyTagged(ctx context.Context, conv, text string) error
	Joined(conv string) bool
	WaitFor(ctx context.Context, what string, cond func() bool) error
}

// speaker is a user of any channel, as the phase drives it.
type speaker interface {
	Say(ctx context.Context, text string)
	SayTagged(ctx context.Context, d rig.Direction, text string) string
}

// target is the bridge under load: a child process, or one attached to.
type target struct {
	baseURL, wsURL string         // the first replica's
	procs          []*rig.Process // the replicas; none when attached
	pg             *pgtest.Server // the private PostgreSQL server, if the bench started one

	mu    sync.Mutex
	users []int // web users per replica
}

func (t *target) usage(ctx context.Context) (rig.Usage, error) {
	if len(t.procs) > 0 {
		return t.procsUsage()
	}
	// Attached: the bridge's own process metrics.
	cpu, err := rig.ScrapeValue(ctx, t.baseURL+"/metrics", "process_cpu_seconds_total")
	if err != nil {
		return rig.Usage{}, err
	}
	rss, err := rig.ScrapeValue(ctx, t.baseURL+"/metrics", "process_resident_memory_bytes")
	return rig.Usage{CPUSeconds: cpu, RSSBytes: uint64(rss), PeakRSSBytes: uint64(rss)}, err
}

type options struct {
	scenario Scenario
	attach   string // base URL of a running bridge
	bridge   string // a built binary; empty builds one
	keep     bool   // keep the data directory
	pprof    bool
	verbose  bool
	// bridgeCPUs, when set, are the CPUs the bridge child is pinned to;
	// loadCPUs those this process was pinned to (see pinning).
	bridgeCPUs, loadCPUs *unix.CPUSet
	store                string // sqlite or postgres
	replicas             int    // bridge processes on the store (postgres only for more than 1)
	dsn                  string // an empty PostgreSQL database; empty starts a private server
}

// run sets the bench up, drives the scenario and returns the report.
func run(ctx context.Context, o options) (*Report, error) {
	s := o.scenario
	if err := errors.Join(s.validate(), o.checkStore()); err != nil {
		return nil, err
	}
	handed := s.handedOff()
	if o.attach != "" && handed > 0 {
		return nil, errors.New("-attach drives the AI path only (handoff_share 0): handed-off conversations need the bench's own Slack fake, which an attached bridge is not wired to")
	}
	dir, err := os.MkdirTemp("", "bridge-bench")
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	fakeOpts := slackfake.Options{NoRateLimit: !s.SlackRateLimit}
	fake := slackfake.New(fakeOpts)
	defer fake.Close()
	fake.AddChannel(slackfake.Channel{ID: benchChannel, Name: "bench", BotIsMember: true})
	fake.AddUser(slackfake.User{ID: benchAgent, Name: "bench", RealName: "Bench Agent", DisplayName: "Bench"})
	chans, counts := s.channelOf(), s.counts()
	workspaces, wsCounts := s.workspaceOf(), s.workspaceCounts()
	// The Telegram and WhatsApp fakes keep the platforms' own limits (429
	// answers); the bridge paces itself to stay within them.
	ledger := rig.NewLedger()
	// API users are an outside bot's: their callbacks come to a receiver
	// in this process.
	var apiUsers *rig.APIUsers
	if counts["api"] > 0 {
		if apiUsers, err = rig.NewAPIUsers(ledger); err != nil {
			return nil, err
		}
		defer apiUsers.Close()
	}
	var tgFake *telegramfake.Server
	if counts["telegram"] > 0 {
		tgFake = telegramfake.New(telegramfake.Options{})
		defer tgFake.Close()
	}
	var waFake *whatsappfake.Server
	if counts["whatsapp"] > 0 {
		waFake = whatsappfake.New(whatsappfake.Options{})
		defer waFake.Close()
	}
	// One Discord fake (one bot) serves the Discord users and the Discord
	// team; its limits are off unless the scenario keeps them.
	var dcFake *discordfake.Server
	var dcDesk, dcHelp string
	if counts["discord"] > 0 || wsCounts["discord"] > 0 {
		dcOpts := discordfake.Options{}
		if !s.DiscordRateLimit {
			dcOpts.Limits = &discordfake.Limits{}
		}
		dcFake = discordfake.New(dcOpts)
		defer dcFake.Close()
		dcDesk, dcHelp = dcFake.NewTextChannel("sales-desk"), dcFake.NewTextChannel("help")
	}
	var dcAgentUser discordgo.User
	if dcFake != nil {
		dcAgentUser = dcFake.NewUser("Bench")
	}

	var t target
	if o.attach != "" {
		t.baseURL = o.attach
		t.wsURL = "ws" + o.attach[len("http"):] + "/ws"
	} else {
		bin := o.bridge
		if bin == "" {
			logf(o, "building cmd/bridge")
			if bin, err = rig.Build(ctx, dir); err != nil {
				return nil, err
			}
		}
		fo := fake.Opts()
		cfg := rig.Config{SlackAPIURL: fake.APIURL(), SlackMode: s.SlackMode, SlackBotToken: fo.BotToken, SlackAppToken: fo.AppToken,
			SlackSigningSecret: fo.SigningSecret, PProf: o.pprof,
			Teams:  map[string]rig.Team{slackTeam: {Channel: benchChannel, SLA: 0, Phrase: slackPhrase}},
			Agents: []rig.AgentConfig{{Name: "bench", SlackID: benchAgent, Teams: []string{slackTeam}}}}
		if !s.SlackRateLimit {
			cfg.SlackPostsPerSecond, cfg.SlackPostBurst = 1e6, 1000
		}
		if tgFake != nil {
			cfg.TelegramAPIURL, cfg.TelegramToken = tgFake.URL(), tgFake.Token()
		}
		if apiUsers != nil {
			cfg.APICallbackURL = apiUsers.CallbackURL()
		}
		if waFake != nil {
			wo := waFake.Options()
			cfg.WhatsAppAPIURL, cfg.WhatsAppPhoneID, cfg.WhatsAppToken, cfg.WhatsAppAppSecret, cfg.WhatsAppVerifyToken =
				waFake.URL(), wo.PhoneNumberID, wo.Token, wo.AppSecret, benchVerifyToken
		}
		if dcFake != nil {
			cfg.DiscordAPIURL, cfg.DiscordToken = dcFake.URL(), dcFake.Token()
			cfg.DiscordUsers, cfg.DiscordSupportChannels = counts["discord"] > 0, []string{dcHelp}
			cfg.Teams[discordTeam] = rig.Team{Workspace: "discord", Channel: dcDesk, SLA: 0, Phrase: discordPhrase}
			cfg.Agents[0].DiscordID = dcAgentUser.ID
			cfg.Agents[0].Teams = append(cfg.Agents[0].Teams, discordTeam)
		}
		stopBridges, err := startBridges(ctx, o, bin, dir, cfg, fake, &t)
		if err != nil {
			return nil, err
		}
		defer stopBridges()
		if o.bridgeCPUs != nil {
			for _, p := range t.procs {
				got, err := rig.Pin(p.Pid(), *o.bridgeCPUs)
				if err != nil {
					return nil, err
				}
				o.bridgeCPUs = &got
			}
		}
		if apiUsers != nil {
			apiUsers.Connect(t.baseURL)
		}
	}

	agent := rig.NewAgent(fake, benchAgent, ledger, []string{benchChannel}, nil)
	bgCtx, stopBg := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopBg(); bg.Wait() }()
	bg.Go(func() { agent.Run(bgCtx, 100*time.Millisecond) })
	var dcAgent *rig.DiscordAgent
	var dcUsers *rig.DiscordUsers
	if dcFake != nil {
		dcAgent = rig.NewDiscordAgent(dcFake, dcAgentUser, ledger, []string{dcDesk}, nil)
		bg.Go(func() { dcAgent.Run(bgCtx, 100*time.Millisecond) })
		dcUsers = rig.NewDiscordUsers(dcFake, ledger)
		bg.Go(func() { dcUsers.Run(bgCtx) })
	}
	// agentOf is the agent who answers a handed-off conversation.
	agentOf := func(i int) replier {
		if workspaces[i] == "discord" {
			return dcAgent
		}
		return agent
	}
	var tgUsers *rig.TelegramUsers
	if tgFake != nil {
		tgUsers = rig.NewTelegramUsers(tgFake, ledger)
		bg.Go(func() { tgUsers.Run(bgCtx) })
	}
	var waUsers *rig.WhatsAppUsers
	if waFake != nil {
		waUsers = rig.NewWhatsAppUsers(waFake, t.baseURL+"/whatsapp/webhook", ledger)
		bg.Go(func() { waUsers.Run(bgCtx) })
	}

	// Set up: every user connects; the handed-off ones ask for a human and
	// wait for the agent.
	setupStart := time.Now()
	started, err := t.usage(ctx)
	if err != nil {
		return nil, err
	}
	users := make([]*rig.User, s.Conversations) // web users; nil for the other channels
	speakers := make([]speaker, s.Conversations)
	convs := make([]string, s.Conversations)
	convChannel, convWorkspace := map[string]string{}, map[string]string{}
	for i := range convs {
		convs[i] = "c" + strconv.Itoa(i+1)
		convChannel[convs[i]] = chans[i]
		if i < handed {
			convWorkspace[convs[i]] = workspaces[i]
		}
	}
	discordFirst := slices.Index(chans, "discord") // channels are numbered in blocks
	ai := newAITimer(s.Conversations)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dialConcurrency)
	for i, conv := range convs {
		g.Go(func() error {
			var sp speaker
			switch chans[i] {
			case "telegram":
				sp = tgUsers.User(conv, firstTelegramID+int64(i))
			case "api":
				sp = apiUsers.User(conv)
			case "whatsapp":
				sp = waUsers.User(conv, fmt.Sprintf("%s%07d", whatsAppPrefix, i))
			case "discord":
				if n := i - discordFirst; n%discordInChannel == discordInChannel-1 {
					sp = dcUsers.InChannel(conv, dcHelp)
				} else {
					sp = dcUsers.DM(conv)
				}
			default:
				u := rig.NewUser(t.wsURLOf(i), conv, fakeIP(i), ledger)
				u.OnAnswer(func(at time.Time) { ai.answered(i, at) })
				if err := u.Connect(gctx); err != nil {
					return fmt.Errorf("%s: %w", conv, err)
				}
				users[i], sp = u, u
			}
			speakers[i] = sp
			if i < handed {
				phrase := slackPhrase
				if workspaces[i] == "discord" {
					phrase = discordPhrase
				}
				sp.Say(gctx, phrase+" "+rig.ConvMarker(conv))
			}
			return nil
		})
	}
	defer func() {
		for _, u := range users {
			if u != nil {
				u.Close()
			}
		}
	}()
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("connect users: %w", err)
	}
	for _, u := range users {
		if u != nil {
			bg.Go(func() { u.Run(bgCtx) })
		}
	}
	if handed > 0 {
		wctx, cancel := context.WithTimeout(ctx, 60*time.Second+time.Duration(handed)*20*time.Millisecond)
		for _, w := range agentWorkspaces {
			if wsCounts[w] == 0 {
				continue
			}
			var a replier = agent
			if w == "discord" {
				a = dcAgent
			}
			err := a.WaitFor(wctx, "every "+w+" handoff joined", func() bool {
				for i, conv := range convs[:handed] {
					if workspaces[i] == w && !a.Joined(conv) {
						return false
					}
				}
				return true
			})
			if err != nil {
				cancel()
				return nil, err
			}
		}
		cancel()
	}
	// Telegram and WhatsApp users wait for the bridge's notices (waiting,
	// then joined) before the phase: the platforms' pacing delivers them
	// after the joins (Telegram: 30/s overall), and a phase started on that
	// backlog would measure the set-up.
	if err := waitNotices(ctx, o, convs[:handed], chans, tgUsers, waUsers, dcUsers, apiUsers); err != nil {
		return nil, err
	}
	logf(o, "%d conversations set up (%d handed off) in %s", s.Conversations, handed, time.Since(setupStart).Round(time.Millisecond))

	// The measured phase. Messages are sent with bgCtx, not the phase's
	// context: one recorded in the ledger must go out whole.
	benchBefore := selfCPU()
	sampler := newSampler(&t)
	before, err := t.usage(ctx)
	if err != nil {
		return nil, err
	}
	loadAtStart := loadAverage()
	clusterBefore, err := t.clusterCPU()
	if err != nil {
		return nil, err
	}
	bg.Go(func() { sampler.run(bgCtx) })
	phase, stopPhase := context.WithTimeout(ctx, s.Duration)
	defer stopPhase()
	var drivers sync.WaitGroup
	perUser := time.Duration(float64(time.Second) * float64(s.Conversations) / s.Rate)
	var agentErrs atomic.Int64
	for i, u := range speakers {
		conv := convs[i]
		drivers.Go(func() {
			paced(phase, perUser, func() {
				if i < handed {
					u.SayTagged(bgCtx, rig.UserToAgent, "where is my order?")
				} else {
					ai.asked(i, time.Now())
					u.SayTagged(bgCtx, rig.UserToAI, aiQuestion)
				}
			})
		})
		if i < handed && s.AgentRate > 0 {
			perConv := time.Duration(float64(time.Second) * float64(handed) / s.AgentRate)
			agent := agentOf(i)
			drivers.Go(func() {
				paced(phase, perConv, func() {
					// Sent whole even if the phase ends meanwhile: a message
					// the ledger counts must leave.
					if err := agent.ReplyTagged(bgCtx, conv, "let me check"); err != nil {
						agentErrs.Add(1)
					}
				})
			})
		}
	}
	drivers.Wait()
	phaseEnd := time.Now()
	benchCPU := selfCPU() - benchBefore
	after, err := t.usage(ctx)
	if err != nil {
		return nil, err
	}
	clusterAfter, err := t.clusterCPU()
	if err != nil {
		return nil, err
	}

	// Drain what is still in flight (not counted in the rate).
	drain, cancelDrain := context.WithTimeout(ctx, s.Drain)
	for {
		n, changed := ledger.Pending()
		owed, answered := ai.owed()
		if n == 0 && owed == 0 {
			break
		}
		select {
		case <-changed:
			continue
		case <-answered:
			continue
		case <-drain.Done():
		}
		break
	}
	cancelDrain()
	agent.Poll(ctx)
	if dcFake != nil {
		dcAgent.Poll(ctx)
		dcUsers.Poll()
	}
	if tgUsers != nil {
		tgUsers.Poll()
	}
	if waUsers != nil {
		waUsers.Poll()
	}

	r := &Report{Scenario: s, Duration: s.Duration, SetupSeconds: phaseEnd.Sub(setupStart).Seconds() - s.Duration.Seconds()}
	if o.bridgeCPUs != nil {
		r.BridgeCPUs = rig.FormatCPUs(*o.bridgeCPUs)
	}
	if o.loadCPUs != nil {
		r.LoadCPUs = rig.FormatCPUs(*o.loadCPUs)
	}
	r.UserToAgent = directionOf(ledger.Result(rig.UserToAgent), ledger.DeliveredBy(rig.UserToAgent, phaseEnd), s.Duration)
	r.AgentToUser = directionOf(ledger.Result(rig.AgentToUser), ledger.DeliveredBy(rig.AgentToUser, phaseEnd), s.Duration)
	r.AI = ai.result(phaseEnd, s.Duration)
	r.Bridge.CPUSeconds = after.CPUSeconds - before.CPUSeconds
	r.Bridge.SetupCPUSeconds = before.CPUSeconds - started.CPUSeconds
	r.Bridge.PeakRSSBytes = max(after.PeakRSSBytes, sampler.peakRSS())
	r.Bridge.PeakGoroutines = sampler.peakGoroutines()
	r.BenchCPUSeconds = benchCPU
	relayed := r.UserToAgent.InPhase + r.AgentToUser.InPhase + r.AI.InPhase
	r.RelayedPerSecond = float64(relayed) / s.Duration.Seconds()
	if relayed > 0 {
		r.Bridge.CPUMicrosPerMessage = r.Bridge.CPUSeconds * 1e6 / float64(relayed)
		r.Bridge.UserMicrosPerMessage = (after.UserSeconds - before.UserSeconds) * 1e6 / float64(relayed)
		r.Bridge.SysMicrosPerMessage = (after.SysSeconds - before.SysSeconds) * 1e6 / float64(relayed)
	}
	r.LoadAverage = loadAtStart
	if len(t.procs) > 0 {
		t.clusterReport(r, o, clusterBefore, clusterAfter, relayed)
	}
	for _, u := range users {
		if u != nil {
			r.Refusals += u.Refusals()
		}
	}
	if len(counts) > 1 || counts["web"] == 0 {
		r.Channels = map[string]ChannelResult{}
		for c, n := range counts {
			keep := func(conv string) bool { return convChannel[conv] == c }
			r.Channels[c] = ChannelResult{Conversations: n,
				UserToAgent: directionOf(ledger.ResultFor(rig.UserToAgent, keep), ledger.DeliveredByFor(rig.UserToAgent, phaseEnd, keep), s.Duration),
				AgentToUser: directionOf(ledger.ResultFor(rig.AgentToUser, keep), ledger.DeliveredByFor(rig.AgentToUser, phaseEnd, keep), s.Duration)}
		}
	}
	if len(wsCounts) > 1 || wsCounts["slack"] == 0 && handed > 0 {
		r.Workspaces = map[string]WorkspaceResult{}
		for w, n := range wsCounts {
			keep := func(conv string) bool { return convWorkspace[conv] == w }
			r.Workspaces[w] = WorkspaceResult{Conversations: n,
				UserToAgent: directionOf(ledger.ResultFor(rig.UserToAgent, keep), ledger.DeliveredByFor(rig.UserToAgent, phaseEnd, keep), s.Duration),
				AgentToUser: directionOf(ledger.ResultFor(rig.AgentToUser, keep), ledger.DeliveredByFor(rig.AgentToUser, phaseEnd, keep), s.Duration)}
		}
	}
	if dcFake != nil {
		r.Discord = &DiscordStats{TooMany: dcFake.RateLimited("POST /channels/{id}/messages") + dcFake.RateLimited("PATCH /channels/{id}/messages/{id}")}
	}
	if tgFake != nil {
		st := tgFake.Stats()
		r.Telegram = &TelegramStats{TooMany: st.TooMany, Forbidden: st.Forbidden, BadRequests: st.BadRequests, UpdateCalls: st.UpdateCalls}
	}
	if waFake != nil {
		st := waFake.Stats()
		r.WhatsApp = &WhatsAppStats{TooMany: st.TooMany, OutsideWindow: st.OutsideWindow, Invalid: st.Invalid, Redeliveries: waUsers.Redeliveries()}
	}
	r.AgentPostErrors = int(agentErrs.Load())
	r.SlackRateLimited = fake.RateLimited()
	return r, nil
}

// selfCPU is this process's CPU time so far (user + system): the load
// generator and the fakes, which share the machine with the bridge.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// paced calls f every interval, starting at a random point of the first
// interval so that conversations do not send in lockstep.
func paced(ctx context.Context, interval time.Duration, f func()) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(rand.N(interval)):
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		f()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// fakeIP is a distinct documentation address per user (198.18.0.0/15, the
// benchmarking range), so that per-IP limits apply per user.
func fakeIP(i int) string {
	return fmt.Sprintf("198.18.%d.%d", (i/250)%256, i%250+1)
}

func logf(o options, format string, a ...any) {
	if o.verbose {
		fmt.Fprintf(os.Stderr, "bridge-bench: "+format+"\n", a...)
	}
}

// aiTimer matches each AI answer with the oldest unanswered question of
// its conversation.
type aiTimer struct {
	mu     sync.Mutex
	asks   [][]time.Time
	delays []time.Duration
	at     []time.Time // arrival of each answer
	count  int
	// changed is closed at the next answer.
	changed chan struct{}
}

func newAITimer(n int) *aiTimer {
	return &aiTimer{asks: make([][]time.Time, n), changed: make(chan struct{})}
}

// owed is how many questions wait for their answer, and a channel closed
// at the next answer: the drain waits for them (the ledger does not count
// questions to the AI, whose answers quote no tag).
func (a *aiTimer) owed() (int, <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.count - len(a.delays), a.changed
}

func (a *aiTimer) asked(i int, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asks[i] = append(a.asks[i], at)
	a.count++
}

func (a *aiTimer) answered(i int, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.asks[i]) == 0 {
		return // the welcome or another answer not asked for in the phase
	}
	a.delays = append(a.delays, at.Sub(a.asks[i][0]))
	a.at = append(a.at, at)
	a.asks[i] = a.asks[i][1:]
	close(a.changed)
	a.changed = make(chan struct{})
}

func (a *aiTimer) result(phaseEnd time.Time, d time.Duration) AIResult {
	a.mu.Lock()
	defer a.mu.Unlock()
	ds := slices.Clone(a.delays)
	slices.Sort(ds)
	in := 0
	for _, t := range a.at {
		if !t.After(phaseEnd) {
			in++
		}
	}
	return AIResult{Asked: a.count, Answered: len(ds), InPhase: in, PerSecond: float64(in) / d.Seconds(), Delay: latencyOf(ds)}
}

// setupNotices is what each handed-off Telegram, WhatsApp, Discord or API user
// receives before the phase with the default messages: the waiting notice
// and the agent's joined notice.
const setupNotices = 2

// waitNotices waits until every handed-off Telegram, WhatsApp and Discord
// user has received the set-up notices.
func waitNotices(ctx context.Context, o options, convs, chans []string, tg *rig.TelegramUsers, wa *rig.WhatsAppUsers, dc *rig.DiscordUsers, api *rig.APIUsers) error {
	if tg == nil && wa == nil && dc == nil && api == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second+time.Duration(len(convs))*100*time.Millisecond)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		waiting := 0
		for i, conv := range convs {
			switch chans[i] {
			case "telegram":
				if tg.Received(conv) < setupNotices {
					waiting++
				}
			case "whatsapp":
				if wa.Received(conv) < setupNotices {
					waiting++
				}
			case "discord":
				if dc.Received(conv) < setupNotices {
					waiting++
				}
			case "api":
				if api.Received(conv) < setupNotices {
					waiting++
				}
			}
		}
		if waiting == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d Telegram, WhatsApp or Discord users still wait for the set-up notices: %w", waiting, ctx.Err())
		case <-tick.C:
		}
	}
}
