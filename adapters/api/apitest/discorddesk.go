package apitest

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

// newDiscordDesk starts the Discord fake with the teams' channels and Ana;
// the real Discord adapter talks to it through discordgo, REST and gateway.
func newDiscordDesk(e *Env, log *slog.Logger) deskSetup {
	f := discordfake.New(discordfake.Options{})
	e.T.Cleanup(f.Close)
	e.Discord = f
	d := discordDesk{e: e, ana: f.NewUser("Ana")}
	e.Desk = d
	return deskSetup{kind: bridge.WorkspaceDiscord, support: f.NewTextChannel("support-live"), sales: f.NewTextChannel("sales-live"), ana: d.ana.ID,
		connect: func(engine *bridge.Engine, publicURL string, mux *http.ServeMux) (connectedDesk, error) {
			a, err := discord.New(discord.Options{Handler: engine, Core: engine, Token: f.Token(), HTTPClient: f.Client(), Logger: log,
				Settings: engine.Settings, PublicKey: f.PublicKey, PublicURL: publicURL})
			if err != nil {
				return connectedDesk{}, err
			}
			a.Mount(mux)
			return connectedDesk{workspace: a.Workspace(), runner: a,
				ready: func() { d.wait("the bot connected", f.Connected) }}, nil
		}}
}

// discordDesk is the team's Discord server, clicked and answered through
// the fake: the card's buttons are interactions over the gateway, replies
// are messages in the card's thread.
type discordDesk struct {
	e   *Env
	ana discordgo.User
}

func (d discordDesk) wait(what string, cond func() bool) {
	d.e.T.Helper()
	if err := d.e.Discord.WaitFor(d.e.Ctx, what, cond); err != nil {
		d.e.T.Fatal(err)
	}
}

// Thread waits for the card naming the handoff and for the thread opened
// on it, which has the card's id.
func (d discordDesk) Thread(team bridge.TeamID, handoff string) Thread {
	d.e.T.Helper()
	ch := d.e.channelOf(team)
	var id string
	d.wait("the card and thread of handoff "+handoff, func() bool {
		for _, m := range d.e.Discord.Messages(ch) {
			if len(m.Embeds) > 0 && m.Embeds[0].Footer != nil && m.Embeds[0].Footer.Text == "handoff "+handoff {
				if _, ok := d.e.Discord.Channel(m.ID); ok {
					id = m.ID
					return true
				}
			}
		}
		return false
	})
	return Thread{Channel: ch, ID: id}
}

func (d discordDesk) ThreadHas(th Thread, text string) {
	d.e.T.Helper()
	d.wait("“"+text+"” in thread "+th.ID, func() bool {
		for _, m := range d.e.Discord.Messages(th.ID) {
			if strings.Contains(m.Content, text) || embedsHave(m, text) {
				return true
			}
		}
		return false
	})
}

func embedsHave(m discordfake.Message, text string) bool {
	for _, em := range m.Embeds {
		if strings.Contains(em.Title, text) || strings.Contains(em.Description, text) {
			return true
		}
		for _, f := range em.Fields {
			if strings.Contains(f.Name, text) || strings.Contains(f.Value, text) {
				return true
			}
		}
	}
	return false
}

func (d discordDesk) Join(th Thread, handoff string) {
	d.e.T.Helper()
	d.click(th, "hb:join:"+handoff)
}

func (d discordDesk) Resolve(th Thread, handoff string) {
	d.e.T.Helper()
	d.click(th, "hb:resolve:"+handoff)
}

// click presses a button on the card and waits for the bridge to answer
// the interaction.
func (d discordDesk) click(th Thread, customID string) {
	d.e.T.Helper()
	in, err := d.e.Discord.Click(th.Channel, th.ID, customID, d.ana)
	if err != nil {
		d.e.T.Fatalf("click %s: %v", customID, err)
	}
	d.wait("interaction "+customID+" acknowledged", func() bool { got := d.e.Discord.InteractionOf(in.Token); return got.Acked() })
}

func (d discordDesk) AgentSays(th Thread, text string) {
	d.e.T.Helper()
	if _, err := d.e.Discord.Say(th.ID, d.ana, text); err != nil {
		d.e.T.Fatalf("agent says %q: %v", text, err)
	}
}

func (d discordDesk) AgentName() string { return d.ana.DisplayName() }
