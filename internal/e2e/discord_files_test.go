package e2e_test

import (
	"bytes"
	"image/color"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

// A picture a Discord agent posts in the thread reaches a Telegram or
// WhatsApp user as a photo whose link is the bridge's own (Discord's CDN
// links expire within a day, and the platform may fetch it on a retry
// later), and that link gives the same bytes as an image.
func TestDiscordAgentFileReachesTelegramAndWhatsApp(t *testing.T) {
	cases := []struct {
		name string
		// ask writes "ask the desk" as the user; photo waits for the
		// photo the user got and returns its link.
		ask   func(e *env)
		photo func(e *env) string
	}{
		{"telegram", func(e *env) { e.tg.UserSays(telegramUser, "ask the desk") }, func(e *env) string {
			var link string
			if _, err := e.tg.WaitSent(e.ctx, telegramUser.ID, "a photo", func(s []telegramfake.Sent) bool {
				for _, m := range s {
					if m.Kind == "photo" {
						link = m.File
						return true
					}
				}
				return false
			}); err != nil {
				t.Fatal(err)
			}
			return link
		}},
		{"whatsapp", func(e *env) { e.whatsappSays(whatsappUser, "ask the desk") }, func(e *env) string {
			var link string
			if err := e.wa.WaitFor(e.ctx, func() bool {
				for _, m := range e.wa.Sent(whatsappUser) {
					if m.Type == "image" {
						link = m.Link
						return true
					}
				}
				return false
			}); err != nil {
				t.Fatalf("waiting for a photo on WhatsApp: %v", err)
			}
			return link
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			c.ask(e)
			thread, handoff := e.deskThread()
			e.dinaJoins(thread, handoff)
			diagram := pngOf(t, 64, 48, color.RGBA{20, 90, 200, 255})
			if _, err := e.discord.Say(thread, e.dina, "here is the diagram", e.discord.File("diagram.png", "image/png", diagram)); err != nil {
				t.Fatal(err)
			}
			link := c.photo(e)
			if !strings.HasPrefix(link, e.site+"/files/") {
				t.Fatalf("the photo's link is %q, want the bridge's %s/files/…", link, e.site)
			}
			e.discord.ExpireFileLinks()
			resp, err := http.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, diagram) {
				t.Fatalf("GET the photo's link: HTTP %d %s, %d bytes (want the %d bytes posted)", resp.StatusCode, resp.Header.Get("Content-Type"), len(got), len(diagram))
			}
		})
	}
}

var telegramUser = telegramfake.User{ID: 5151, FirstName: "Carla", Username: "carla", LanguageCode: "en"}

const whatsappUser = "351911111111"

// whatsappSays delivers a user's text to the bridge's webhook, signed.
func (e *env) whatsappSays(waID, text string) {
	e.t.Helper()
	_, body := e.wa.UserText(waID, "Dora", text)
	if status, err := e.wa.Deliver(e.ctx, e.webhook, body, ""); err != nil || status != http.StatusOK {
		e.t.Fatalf("webhook delivery of %q: %d %v", text, status, err)
	}
}
