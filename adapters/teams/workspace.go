package teams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Options configure a Workspace.
type Options struct {
	AppID       string // the bot's Microsoft App ID, required
	AppPassword string // its client secret, required
	TenantID    string // the Entra tenant, required
	// ServiceURL is the Bot Connector the bridge posts to.
	ServiceURL string
	// TokenURL is the token endpoint; OpenIDURL the Bot Framework's OpenID
	// metadata; Issuer what inbound tokens must say.
	TokenURL  string
	OpenIDURL string
	Issuer    string
	// ClockSkew is how far an inbound token's times may be off; default 5m.
	ClockSkew time.Duration
	// Handler takes inbound events: the engine.
	Handler bridge.EventHandler
	// Settings returns the agents in force, to name who clicked.
	Settings func() bridge.Settings
	// Handoffs lists handoffs for the handoffs command: the engine.
	// Optional; without it the command says there is nothing to list.
	Handoffs HandoffLister
	// Now is the clock for tokens, inbound and outbound; default time.Now.
	Now        func() time.Time
	Logger     *slog.Logger
	HTTPClient *http.Client
}

// Default endpoints of the Bot Framework.
const (
	DefaultServiceURL = "https://smba.trafficmanager.net/teams/"
	DefaultTokenURL   = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
	DefaultOpenIDURL  = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	DefaultIssuer     = "https://api.botframework.com"
)

// Workspace is the Teams agent workspace.
type Workspace struct {
	opts   Options
	log    *slog.Logger
	api    *connector
	verify *verifier

	personal sync.Map // agent's id → their personal chat with the bot
	teamsIDs sync.Map // agent's Entra object id → their Teams id (29:…)
	health   atomic.Value
}

var (
	_ bridge.AgentWorkspace = (*Workspace)(nil)
	_ bridge.PostEditor     = (*Workspace)(nil)
	_ bridge.ThreadTyping   = (*Workspace)(nil)
	_ bridge.Runner         = (*Workspace)(nil)
	_ bridge.RouteMounter   = (*Workspace)(nil)
	_ bridge.HealthChecker  = (*Workspace)(nil)
)

// New makes the workspace; Run checks the credentials.
func New(opts Options) (*Workspace, error) {
	switch {
	case opts.AppID == "":
		return nil, errors.New("teams: the app id is required")
	case opts.AppPassword == "":
		return nil, errors.New("teams: the app password is required")
	case opts.TenantID == "":
		return nil, errors.New("teams: the tenant id is required")
	case opts.Handler == nil:
		return nil, errors.New("teams: an event handler is required")
	}
	opts = withDefaults(opts)
	w := &Workspace{opts: opts, log: opts.Logger.With("adapter", "teams")}
	w.api = newConnector(opts)
	w.verify = &verifier{openIDURL: opts.OpenIDURL, appID: opts.AppID, issuer: opts.Issuer, skew: opts.ClockSkew,
		client: opts.HTTPClient, now: opts.Now}
	w.health.Store(bridge.Health{State: bridge.HealthDown, Detail: "no token yet"})
	return w, nil
}

func withDefaults(opts Options) Options {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&opts.ServiceURL, DefaultServiceURL)
	def(&opts.TokenURL, DefaultTokenURL)
	def(&opts.OpenIDURL, DefaultOpenIDURL)
	def(&opts.Issuer, DefaultIssuer)
	opts.ServiceURL = strings.TrimRight(opts.ServiceURL, "/") + "/"
	opts.TokenURL = strings.ReplaceAll(opts.TokenURL, "{tenant}", opts.TenantID)
	if opts.ClockSkew == 0 {
		opts.ClockSkew = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Settings == nil {
		opts.Settings = func() bridge.Settings { return bridge.Settings{} }
	}
	return opts
}

func newConnector(opts Options) *connector {
	return &connector{base: opts.ServiceURL, client: opts.HTTPClient, tokens: &tokenSource{url: opts.TokenURL,
		clientID: opts.AppID, secret: opts.AppPassword, client: opts.HTTPClient, now: opts.Now}}
}

// Kind is bridge.WorkspaceMSTeams.
func (w *Workspace) Kind() bridge.WorkspaceKind { return bridge.WorkspaceMSTeams }

// Health says whether the bridge could get a token.
func (w *Workspace) Health(context.Context) bridge.Health { return w.health.Load().(bridge.Health) }

// Run gets a first token, retrying with backoff while Entra ID does not
// answer; a refusal of the credentials ends it. Activities arrive through
// Mount.
func (w *Workspace) Run(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		_, err := w.api.tokens.get(ctx)
		if err == nil {
			w.health.Store(bridge.Health{State: bridge.HealthUp})
			w.log.Info("teams ready", "app", w.opts.AppID)
			<-ctx.Done()
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		var te *tokenError
		if errors.As(err, &te) && te.refused() {
			w.health.Store(bridge.Health{State: bridge.HealthDown, Detail: "the app id or password was refused: " + err.Error()})
			return fmt.Errorf("teams: %w", err)
		}
		w.health.Store(bridge.Health{State: bridge.HealthDown, Detail: "no token yet: " + err.Error()})
		w.log.Warn("cannot get a Bot Framework token; retrying", "err", err, "attempt", attempt+1)
		if !bridge.ConnectBackoff.Wait(ctx, attempt) {
			return nil
		}
	}
}

// Mount serves the bot's messaging endpoint.
func (w *Workspace) Mount(mux *http.ServeMux) { mux.Handle("POST /teams/messages", w) }

// botID is the bot's id in Teams.
func (w *Workspace) botID() string { return "28:" + w.opts.AppID }

// OpenThread posts the card in the channel, starting its reply chain.
func (w *Workspace) OpenThread(ctx context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	res, err := w.api.createConversation(ctx, conversationParams{IsGroup: true, TenantID: w.opts.TenantID,
		ChannelData: &ChannelData{Channel: &Ref{ID: channel}, Tenant: &Ref{ID: w.opts.TenantID}},
		Activity:    &Activity{Type: typeMessage, Attachments: []Attachment{cardAttachment(card)}}})
	if err != nil {
		return bridge.ThreadRef{}, fmt.Errorf("open thread for handoff %d: %w", card.Handoff, err)
	}
	root := res.ActivityID
	if root == "" {
		_, root = threadRoot(res.ID)
	}
	if root == "" {
		return bridge.ThreadRef{}, fmt.Errorf("open thread for handoff %d: the Connector named no message", card.Handoff)
	}
	return bridge.ThreadRef{Workspace: bridge.WorkspaceMSTeams, Channel: channel, ThreadID: root}, nil
}

// UpdateThread rewrites the card in place.
func (w *Workspace) UpdateThread(ctx context.Context, ref bridge.ThreadRef, card bridge.HandoffCard) error {
	err := w.api.update(ctx, threadConversation(ref.Channel, ref.ThreadID), ref.ThreadID,
		Activity{Type: typeMessage, Attachments: []Attachment{cardAttachment(card)}})
	if err != nil {
		return fmt.Errorf("update card of handoff %d: %w", card.Handoff, err)
	}
	return nil
}

// maxText keeps a message well inside Teams' 28 KB.
const maxText = 16000

// PostToThread posts entries in as few messages as Teams' size allows.
func (w *Workspace) PostToThread(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	_, err := w.PostToThreadCopies(ctx, ref, posts)
	return err
}

// PostToThreadCopies is PostToThread telling the id of a post that went
// alone in one message, so that the user's later edit changes it.
func (w *Workspace) PostToThreadCopies(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) (map[bridge.MessageID]string, error) {
	conv := threadConversation(ref.Channel, ref.ThreadID)
	var last string
	chunks := pack(posts)
	for _, text := range chunks {
		id, err := w.api.send(ctx, conv, Activity{Type: typeMessage, TextFormat: "markdown", Text: text})
		if err != nil {
			return nil, fmt.Errorf("post to thread %s: %w", ref.ThreadID, err)
		}
		last = id
	}
	if len(posts) == 1 && posts[0].MessageID != 0 && len(chunks) == 1 && last != "" {
		return map[bridge.MessageID]string{posts[0].MessageID: last}, nil
	}
	return nil, nil
}

// pack renders posts into messages of at most maxText characters.
func pack(posts []bridge.ThreadPost) []string {
	var chunks []string
	cur := ""
	for _, p := range posts {
		text := clip(postText([]bridge.ThreadPost{p}), maxText)
		if cur != "" && len(cur)+2+len(text) > maxText {
			chunks, cur = append(chunks, cur), ""
		}
		if cur != "" {
			cur += "\n\n"
		}
		cur += text
	}
	if cur != "" {
		chunks = append(chunks, cur)
	}
	return chunks
}

// EditPost rewrites a user's post after their edit or deletion.
func (w *Workspace) EditPost(ctx context.Context, ref bridge.ThreadRef, platformID string, post bridge.ThreadPost) error {
	err := w.api.update(ctx, threadConversation(ref.Channel, ref.ThreadID), platformID,
		Activity{Type: typeMessage, TextFormat: "markdown", Text: clip(postText([]bridge.ThreadPost{post}), maxText)})
	if err != nil {
		return fmt.Errorf("edit post in thread %s: %w", ref.ThreadID, err)
	}
	return nil
}

// ShowUserTyping shows "typing" in the thread while the user types.
func (w *Workspace) ShowUserTyping(ctx context.Context, ref bridge.ThreadRef) error {
	if _, err := w.api.send(ctx, threadConversation(ref.Channel, ref.ThreadID), Activity{Type: typeTyping}); err != nil {
		return fmt.Errorf("typing in thread %s: %w", ref.ThreadID, err)
	}
	return nil
}

// TellAgent tells one agent something in their personal chat with the
// bot: a Teams channel has no message only one member sees.
func (w *Workspace) TellAgent(ctx context.Context, ref bridge.ThreadRef, agentUserID, text string) error {
	if agentUserID == "" {
		return bridge.Permanent(errors.New("tell agent: no agent named"))
	}
	conv, err := w.personalChat(ctx, agentUserID)
	if err != nil {
		return fmt.Errorf("tell agent %s: %w", agentUserID, err)
	}
	if _, err := w.api.send(ctx, conv, Activity{Type: typeMessage, TextFormat: "markdown", Text: clip(text, maxText)}); err != nil {
		return fmt.Errorf("tell agent %s: %w", agentUserID, err)
	}
	return nil
}

// personalChat opens (once) the bot's personal chat with a user.
func (w *Workspace) personalChat(ctx context.Context, userID string) (string, error) {
	if c, ok := w.personal.Load(userID); ok {
		return c.(string), nil
	}
	member := userID
	if id, ok := w.teamsIDs.Load(userID); ok {
		member = id.(string)
	}
	res, err := w.api.createConversation(ctx, conversationParams{Bot: &Account{ID: w.botID()},
		Members: []Account{{ID: member}}, TenantID: w.opts.TenantID,
		ChannelData: &ChannelData{Tenant: &Ref{ID: w.opts.TenantID}}})
	if err != nil {
		return "", err
	}
	w.personal.Store(userID, res.ID)
	return res.ID, nil
}
