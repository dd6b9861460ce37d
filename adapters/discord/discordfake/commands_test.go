package discordfake_test

import (
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

func TestBulkOverwriteOfCommands(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	s := session(t, f)
	list := func(names ...string) []*discordgo.ApplicationCommand {
		var out []*discordgo.ApplicationCommand
		for _, n := range names {
			out = append(out, &discordgo.ApplicationCommand{Name: n, Description: "does " + n})
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		app    string
		guild  string
		cmds   []*discordgo.ApplicationCommand
		status int
	}{
		{"guild", f.AppID, f.GuildID, list("handoffs", "other"), 200},
		{"overwrite keeps what stays", f.AppID, f.GuildID, list("handoffs"), 200},
		{"global", f.AppID, "", list("handoffs"), 200},
		{"capital letters", f.AppID, f.GuildID, list("Handoffs"), 400},
		{"no description", f.AppID, f.GuildID, []*discordgo.ApplicationCommand{{Name: "handoffs"}}, 400},
		{"another application", f.NewID(), f.GuildID, list("handoffs"), 403},
		{"unknown guild", f.AppID, f.NewID(), list("handoffs"), 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.Commands(tc.guild)
			got, err := s.ApplicationCommandBulkOverwrite(tc.app, tc.guild, tc.cmds)
			var rest *discordgo.RESTError
			switch {
			case tc.status == 200 && err != nil:
				t.Fatal(err)
			case tc.status != 200 && (!errors.As(err, &rest) || rest.Response.StatusCode != tc.status):
				t.Fatalf("got %v, want status %d", err, tc.status)
			case tc.status != 200:
				if after := f.Commands(tc.guild); len(after) != len(before) {
					t.Fatalf("a refused overwrite changed the commands: %+v", after)
				}
				return
			}
			stored := f.Commands(tc.guild)
			if len(got) != len(tc.cmds) || len(stored) != len(tc.cmds) || got[0].ID == "" || got[0].ApplicationID != f.AppID || got[0].GuildID != tc.guild {
				t.Fatalf("answer %+v, stored %+v", got, stored)
			}
			for _, b := range before {
				if b.Name == got[0].Name && b.ID != got[0].ID {
					t.Fatalf("overwrite changed the id of %s: %s → %s", b.Name, b.ID, got[0].ID)
				}
			}
		})
	}
	if _, err := f.RunCommand(f.NewTextChannel("desk"), "unknown", f.NewUser("ana")); err == nil {
		t.Fatal("an unregistered command ran")
	}
}
