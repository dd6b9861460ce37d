package mattermost

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Routes the bridge serves for Mattermost, under http.public_url.
const (
	// ActionsPath takes the buttons' clicks (the interactive message
	// buttons' integration URL).
	ActionsPath = "/mattermost/actions"
	// CommandPath takes the /handoffs slash command (its request URL).
	CommandPath = "/mattermost/command"
)

// maxRequest bounds a request from Mattermost; real ones are a few
// kilobytes.
const maxRequest = 64 << 10

// ActionKeyName is the bridge key (Engine.Key) that signs the buttons.
const ActionKeyName = "mattermost-actions"

// Keys is where the action key is kept; *bridge.Engine implements it.
type Keys interface {
	Key(ctx context.Context, name string) ([]byte, error)
}

// LoadActionKey returns the key that signs the buttons' context, made
// and stored by the bridge the first time: every replica on the same
// store shares it, and a card posted before a restart still works after.
func LoadActionKey(ctx context.Context, keys Keys) ([]byte, error) {
	k, err := keys.Key(ctx, ActionKeyName)
	if err != nil {
		return nil, fmt.Errorf("mattermost: action key: %w", err)
	}
	return k, nil
}

// actionSecret is the secret a button of handoff carries for action: an
// HMAC under the action key, so that a secret seen for one button (it
// never should be: Mattermost strips it from what clients see) opens no
// other.
func actionSecret(key []byte, handoff, action string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("mattermost-action\x00" + handoff + "\x00" + action))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// click is what an action request names once its secret checked out.
type click struct {
	handoff bridge.HandoffID
	action  bridge.Action
	userID  string
	postID  string
	trigger string
}

var (
	errNoSecret  = errors.New("the action's context has no secret")
	errBadSecret = errors.New("the action's secret does not match")
)

// parseAction reads an action request. The secret is checked (in constant
// time) before any other field is looked at; a request that fails it is
// refused whole.
func parseAction(key, body []byte) (click, error) {
	var req ActionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return click{}, fmt.Errorf("bad action request: %w", err)
	}
	handoff, _ := req.Context["handoff"].(string)
	action, _ := req.Context["action"].(string)
	secret, _ := req.Context["secret"].(string)
	if secret == "" {
		return click{}, errNoSecret
	}
	if !hmac.Equal([]byte(secret), []byte(actionSecret(key, handoff, action))) {
		return click{}, errBadSecret
	}
	act, ok := actionsByID[action]
	id, err := strconv.ParseInt(handoff, 10, 64)
	switch {
	case !ok:
		return click{}, fmt.Errorf("unknown action %q", action)
	case err != nil || id <= 0:
		return click{}, fmt.Errorf("bad handoff id %q", handoff)
	case req.UserID == "" || req.PostID == "":
		return click{}, errors.New("action request without user_id or post_id")
	}
	return click{handoff: bridge.HandoffID(id), action: act, userID: req.UserID, postID: req.PostID, trigger: req.TriggerID}, nil
}

// serveAction takes a click. A request whose secret fails is answered 401
// and changes nothing. A click is handled before the answer, so that a
// refusal the engine tells the agent (already taken, not an agent of the
// team) goes back as the action's ephemeral text, which only the clicking
// user sees.
func (w *Workspace) serveAction(rw http.ResponseWriter, r *http.Request) {
	body, err := readBody(rw, r)
	if err != nil {
		return
	}
	c, err := parseAction(w.opts.ActionKey, body)
	switch {
	case errors.Is(err, errNoSecret), errors.Is(err, errBadSecret):
		w.log.Warn("mattermost action refused", "reason", err, "remote", r.RemoteAddr)
		http.Error(rw, "invalid action", http.StatusUnauthorized)
		return
	case err != nil:
		w.log.Warn("mattermost action not understood", "err", err)
		http.Error(rw, "bad action request", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 20*time.Second)
	defer cancel()
	told := w.clicks.open(c.userID, c.postID)
	_, err = w.opts.Handler.Handle(ctx, bridge.AgentAction{Agent: w.agentRef(ctx, c.userID), Handoff: c.handoff,
		ThreadID: c.postID, Action: c.action, EventID: c.trigger})
	text := w.clicks.close(c.userID, c.postID, told)
	switch {
	case err == nil, bridge.IsRefusal(err):
	case errors.Is(err, bridge.ErrNotHandoffThread):
		text = "The bridge does not know this handoff any more."
	default:
		w.log.Error("mattermost button failed", "action", c.action, "handoff", c.handoff, "user", c.userID, "err", err)
		text = "Something went wrong; please try again."
	}
	writeJSON(rw, ActionResponse{EphemeralText: text})
}

// readBody reads a request's body, bounded; on failure it has answered.
func readBody(rw http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil {
		http.Error(rw, "cannot read body", http.StatusBadRequest)
		return nil, err
	}
	if len(body) > maxRequest {
		http.Error(rw, "body too large", http.StatusRequestEntityTooLarge)
		return nil, errors.New("body too large")
	}
	return body, nil
}

func writeJSON(rw http.ResponseWriter, v any) {
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(v)
}

// pendingClicks collects what the engine tells an agent while their click
// is being handled, to answer it as the click's ephemeral text.
type pendingClicks struct {
	mu       sync.Mutex
	inFlight map[string][]*strings.Builder // user/post → clicks in progress
}

func newPendingClicks() *pendingClicks {
	return &pendingClicks{inFlight: map[string][]*strings.Builder{}}
}

func clickKey(userID, postID string) string { return userID + "/" + postID }

func (p *pendingClicks) open(userID, postID string) *strings.Builder {
	b := &strings.Builder{}
	p.mu.Lock()
	defer p.mu.Unlock()
	k := clickKey(userID, postID)
	p.inFlight[k] = append(p.inFlight[k], b)
	return b
}

// close ends a click and returns what it was told.
func (p *pendingClicks) close(userID, postID string, b *strings.Builder) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := clickKey(userID, postID)
	rest := p.inFlight[k][:0]
	for _, x := range p.inFlight[k] {
		if x != b {
			rest = append(rest, x)
		}
	}
	if len(rest) == 0 {
		delete(p.inFlight, k)
	} else {
		p.inFlight[k] = rest
	}
	return b.String()
}

// tell gives text to the user's click on the thread, if one is in
// progress, and reports whether it did.
func (p *pendingClicks) tell(userID, postID, text string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	bs := p.inFlight[clickKey(userID, postID)]
	if len(bs) == 0 {
		return false
	}
	b := bs[0]
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(text)
	return true
}
