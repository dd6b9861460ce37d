package apitest

import (
	"log/slog"
	"net/http"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

// newSlackDesk starts the Slack fake with the teams' channels and Ana;
// the real Slack adapter talks to it over HTTP.
func newSlackDesk(e *Env, log *slog.Logger) deskSetup {
	t := e.T
	e.Slack = slackfake.New(slackfake.Options{NoRateLimit: true, EchoBotMessages: true})
	t.Cleanup(e.Slack.Close)
	e.Slack.AddChannel(slackfake.Channel{ID: SupportChannel, Name: "support-live", BotIsMember: true})
	e.Slack.AddChannel(slackfake.Channel{ID: SalesChannel, Name: "sales-live", BotIsMember: true})
	e.Slack.AddUser(slackfake.User{ID: "UANA", Name: "ana", RealName: "Ana Silva", DisplayName: "Ana S."})
	e.Desk = slackDesk{e}
	return deskSetup{kind: bridge.WorkspaceSlack, support: SupportChannel, sales: SalesChannel, ana: "UANA",
		connect: func(engine *bridge.Engine, publicURL string, mux *http.ServeMux) (connectedDesk, error) {
			so := e.Slack.Opts()
			ws, err := slack.New(slack.Options{BotToken: so.BotToken, SigningSecret: so.SigningSecret, Mode: slack.ModeHTTP,
				APIURL: e.Slack.APIURL(), Handler: engine, Handoffs: engine, Settings: engine.Settings, Logger: log, PublicURL: publicURL})
			if err != nil {
				return connectedDesk{}, err
			}
			ws.Mount(mux)
			e.Slack.SetRequestURL(publicURL + slack.EventsPath)
			return connectedDesk{workspace: ws, runner: ws}, nil
		}}
}

// slackDesk is the team's Slack, clicked and answered through the fake.
type slackDesk struct{ e *Env }

func (d slackDesk) Thread(team bridge.TeamID, handoff string) Thread {
	d.e.T.Helper()
	ch := d.e.channelOf(team)
	return Thread{Channel: ch, ID: d.e.Thread(ch, handoff)}
}

func (d slackDesk) ThreadHas(th Thread, text string) {
	d.e.T.Helper()
	d.e.ThreadHas(th.Channel, th.ID, text)
}

func (d slackDesk) Join(th Thread, handoff string) {
	d.e.T.Helper()
	d.e.Click(th.Channel, th.ID, "handoff_join", handoff)
}

func (d slackDesk) Resolve(th Thread, handoff string) {
	d.e.T.Helper()
	d.e.Click(th.Channel, th.ID, "handoff_resolve", handoff)
}

func (d slackDesk) AgentSays(th Thread, text string) {
	d.e.T.Helper()
	d.e.AgentSays(th.Channel, th.ID, text)
}

func (slackDesk) AgentName() string { return "Ana S." }
