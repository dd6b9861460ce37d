package teams

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// ServeHTTP takes one activity: its token is verified before the body is
// read, then the activity becomes an event for the engine.
func (w *Workspace) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	claims, err := w.verify.verify(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		w.log.Warn("refused an activity", "err", err, "remote", r.RemoteAddr)
		http.Error(rw, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxActivity))
	if err != nil {
		http.Error(rw, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	a, err := parseActivity(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	// The token names the Connector it is for: an activity naming another
	// would make the bridge answer somewhere else.
	if su, _ := claims["serviceurl"].(string); su != "" && !sameURL(su, a.ServiceURL) {
		http.Error(rw, "the activity's serviceUrl does not match its token", http.StatusUnauthorized)
		return
	}
	if w.isCommand(a) {
		if err := w.answerCommand(r.Context(), a); err != nil {
			w.log.Warn("handoffs command", "err", err)
		}
	} else if ev, ok := w.event(a); ok {
		if _, err := w.opts.Handler.Handle(r.Context(), ev); err != nil && !ignorable(err) {
			w.log.Error("handle teams activity", "type", a.Type, "err", err)
			http.Error(rw, "could not handle the activity; retry", http.StatusInternalServerError)
			return
		}
	}
	if a.Type == typeInvoke {
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write([]byte(`{"status":200}`))
		return
	}
	rw.WriteHeader(http.StatusOK)
}

func sameURL(a, b string) bool { return strings.TrimRight(a, "/") == strings.TrimRight(b, "/") }

// ignorable errors are answered 200: a refusal the agent was told about,
// or an event outside a handoff thread.
func ignorable(err error) bool {
	return bridge.IsRefusal(err) || errors.Is(err, bridge.ErrNotHandoffThread)
}

// event is the engine's event for an activity, if it is one the bridge
// acts on: a click on a card's button, a reply in a card's reply chain, an
// edit or deletion of one, typing there.
func (w *Workspace) event(a Activity) (bridge.Event, bool) {
	if a.From.ID == w.botID() || (a.ChannelID != "" && a.ChannelID != "msteams") {
		return nil, false
	}
	if a.Conversation.ConversationType != "" && a.Conversation.ConversationType != "channel" {
		return nil, false // a personal or group chat: no handoff lives there
	}
	_, root := threadRoot(a.Conversation.ID)
	agent := w.agentRef(a.From)
	switch a.Type {
	case typeMessage:
		if len(a.Value) > 0 && a.Text == "" {
			return w.click(a, agent, root)
		}
		if root == "" {
			return nil, false
		}
		text := messageText(a, w.botName(a))
		atts := files(a.Attachments)
		if text == "" && len(atts) == 0 {
			return nil, false
		}
		return bridge.AgentMessage{Agent: agent, ThreadID: root, PlatformID: a.ID, Text: text, Attachments: atts}, true
	case typeMessageUpdate, typeMessageDelete:
		if root == "" || a.ID == "" {
			return nil, false
		}
		if a.Type == typeMessageDelete || (a.ChannelData != nil && a.ChannelData.EventType == "softDeleteMessage") {
			return bridge.AgentEdit{Agent: agent, ThreadID: root, PlatformID: a.ID, Deleted: true}, true
		}
		return bridge.AgentEdit{Agent: agent, ThreadID: root, PlatformID: a.ID, Text: messageText(a, w.botName(a))}, true
	case typeTyping:
		if root == "" {
			return nil, false
		}
		return bridge.AgentTyping{Agent: agent, ThreadID: root}, true
	}
	return nil, false
}

// click is an Action.Submit on a handoff card: the activity replies to the
// card, its value the button's data.
func (w *Workspace) click(a Activity, agent bridge.AgentRef, root string) (bridge.Event, bool) {
	var d clickData
	if json.Unmarshal(a.Value, &d) != nil {
		return nil, false
	}
	id, err := strconv.ParseInt(d.Handoff, 10, 64)
	act := bridge.Action(d.Action)
	if err != nil || id <= 0 || (act != bridge.ActJoin && act != bridge.ActReject && act != bridge.ActResolve) {
		return nil, false
	}
	if root == "" {
		root = a.ReplyToID
	}
	return bridge.AgentAction{Agent: agent, Handoff: bridge.HandoffID(id), ThreadID: root, Action: act, EventID: a.ID}, true
}

// agentRef names who acted by the id the agents' config uses: their Entra
// object id, or their Teams id when that is what is configured.
func (w *Workspace) agentRef(from *Account) bridge.AgentRef {
	ref := bridge.AgentRef{Workspace: bridge.WorkspaceMSTeams, UserID: from.ID, DisplayName: from.Name}
	if from.AADObjectID == "" {
		return ref
	}
	w.teamsIDs.Store(from.AADObjectID, from.ID) // the personal chat needs the Teams id
	if s := w.opts.Settings(); s.AgentByIdentity(bridge.WorkspaceMSTeams, from.ID) == nil {
		ref.UserID = from.AADObjectID
	}
	return ref
}

// botName is how a message mentioning the bot names it.
func (w *Workspace) botName(a Activity) string {
	if a.Recipient != nil {
		return a.Recipient.Name
	}
	return ""
}

// files are the files an agent attached, as links.
func files(atts []Attachment) []bridge.Attachment {
	var out []bridge.Attachment
	for _, at := range atts {
		if at.ContentType != contentFileInfo || at.ContentURL == "" {
			continue
		}
		out = append(out, bridge.Attachment{Name: at.Name, URL: at.ContentURL})
	}
	return out
}
