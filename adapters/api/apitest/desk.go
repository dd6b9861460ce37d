package apitest

import (
	"net/http"

	"github.com/handoffbridge/handoff/bridge"
)

// Thread is a handoff's thread in the team's workspace: the channel it
// lives in and the id of its root (Slack's ts, Discord's card and thread).
type Thread struct{ Channel, ID string }

// Desk is the team's workspace as its agents use it, so one flow can run
// against Slack and Discord alike. Every method waits for what it needs and
// fails the test when it does not come.
type Desk interface {
	// Thread waits for the handoff's thread in the channel of team.
	Thread(team bridge.TeamID, handoff string) Thread
	// ThreadHas waits until a message in the thread contains text.
	ThreadHas(th Thread, text string)
	// Join and Resolve press the card's buttons as Ana.
	Join(th Thread, handoff string)
	Resolve(th Thread, handoff string)
	// AgentSays posts a reply in the thread as Ana.
	AgentSays(th Thread, text string)
	// AgentName is the name the bot is told for Ana.
	AgentName() string
}

// channelOf is the channel the test bridge gives team.
func (e *Env) channelOf(team bridge.TeamID) string {
	return e.Engine.Settings().Teams[team].Channel
}

// deskSetup is a workspace's fake, ready to be connected to the engine.
type deskSetup struct {
	kind           bridge.WorkspaceKind
	support, sales string // the teams' channels
	ana            string // Ana's id in the workspace
	// connect starts the real adapter against the fake, mounting its
	// endpoints on mux, served at publicURL.
	connect func(engine *bridge.Engine, publicURL string, mux *http.ServeMux) (connectedDesk, error)
}

// connectedDesk is a workspace's adapter; ready, if set, waits after the
// runner started until the adapter is connected.
type connectedDesk struct {
	workspace bridge.AgentWorkspace
	runner    bridge.Runner
	ready     func()
}
