package discord_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

// postOf waits for the bot's post in thread that contains want.
func (e *env) postOf(thread, want string) discordfake.Message {
	e.t.Helper()
	var post discordfake.Message
	e.waitFake("post containing "+want, func() bool {
		for _, m := range e.fake.Messages(thread) {
			if m.Author.ID == e.fake.Bot.ID && strings.Contains(m.Content, want) {
				post = m
				return true
			}
		}
		return false
	})
	return post
}

// TestUserEditsChangeThePost: a Discord user's edit of a DM rewrites the
// relayed post in the Discord thread (marked edited), their deletion
// leaves only a line saying so; in a support channel, where Discord's
// MESSAGE_DELETE names no author, the deletion still finds the user's
// chat. Nothing new is posted in the thread for any of it.
func TestUserEditsChangeThePost(t *testing.T) {
	e := newEnv(t)
	uma, dm, card := e.dmHandoff("Uma")
	said := e.say(dm, uma, "my order is 4211")
	post := e.postOf(card, "4211")
	before := len(e.fake.Messages(card))

	if err := e.fake.EditAs(dm, said.ID, "my order is 4221"); err != nil {
		t.Fatal(err)
	}
	e.waitFake("the post edited", func() bool {
		m, _ := e.fake.MessageByID(post.ID)
		return strings.Contains(m.Content, "my order is 4221") && strings.Contains(m.Content, "(edited)")
	})
	if err := e.fake.DeleteAs(dm, said.ID); err != nil {
		t.Fatal(err)
	}
	e.waitFake("the post withdrawn", func() bool {
		m, _ := e.fake.MessageByID(post.ID)
		return strings.Contains(m.Content, "deleted this message") && !strings.Contains(m.Content, "4221")
	})
	if n := len(e.fake.Messages(card)); n != before {
		t.Errorf("thread has %d messages after the edits, want still %d", n, before)
	}

	// In a support channel.
	vic := e.fake.NewUser("Vic")
	e.say(e.support, vic, "talk to a human")
	var supportCard string
	e.waitFake("Vic's handoff thread", func() bool {
		for _, m := range e.fake.Messages(e.desk) {
			if len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Description+fieldsOf(m.Embeds[0]), "Vic") {
				supportCard = m.ID
				return true
			}
		}
		return false
	})
	secret := e.say(e.support, vic, "my password is hunter2")
	vicPost := e.postOf(supportCard, "hunter2")
	if err := e.fake.DeleteAs(e.support, secret.ID); err != nil {
		t.Fatal(err)
	}
	e.waitFake("Vic's post withdrawn", func() bool {
		m, _ := e.fake.MessageByID(vicPost.ID)
		return strings.Contains(m.Content, "Vic deleted this message") && !strings.Contains(m.Content, "hunter2")
	})
}

func fieldsOf(em *discordgo.MessageEmbed) string {
	var b strings.Builder
	for _, f := range em.Fields {
		b.WriteString(f.Name + " " + f.Value + "\n")
	}
	return b.String()
}
