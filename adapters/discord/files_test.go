package discord_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// An agent's files in a handoff thread are copied from Discord's CDN into
// the bridge: the user gets the bridge's link and blob, with the same
// bytes. A file the bridge's limits refuse (a type not allowed, too large)
// still reaches the user, by Discord's link.
func TestAgentFilesAreKeptByTheBridge(t *testing.T) {
	blobs, err := blobdir.Open(filepath.Join(t.TempDir(), "files"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := files.New(files.Options{Blobs: blobs, Secret: []byte("0123456789abcdef0123"), MaxBytes: 1000, PublicURL: "https://bridge.example"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(_ *discordfake.Options, c *discord.Options, _ *[]bridge.UserChannel) { c.Files = fs })
	chat := "w1"
	h := e.webSays(chat, "m1", "I want to talk to a human").Handoff
	card := e.card(h)
	e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h), e.ana)
	waitWeb(t, e.web, chat, "joined notice", webText("has joined"))

	picture := []byte("\x89PNG\r\n\x1a\n a small picture")
	e.say(card, e.ana, "the picture", e.fake.File("pic.png", "image/png", picture),
		e.fake.File("tools.zip", "application/zip", []byte("PK zip")),
		e.fake.File("huge.png", "image/png", bytes.Repeat([]byte("x"), 1001)))
	got := waitWeb(t, e.web, chat, "the files", func(d bridgetest.Delivery) bool { return len(d.Message.Attachments) == 3 })
	kept, zip, huge := got.Message.Attachments[0], got.Message.Attachments[1], got.Message.Attachments[2]
	if kept.Blob == "" || !strings.HasPrefix(kept.URL, "https://bridge.example/files/") || kept.Name != "pic.png" || kept.Size != int64(len(picture)) {
		t.Fatalf("the picture was not kept by the bridge: %+v", kept)
	}
	rc, meta, err := blobs.Open(context.Background(), kept.Blob)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(stored, picture) || meta.ContentType != "image/png" {
		t.Fatalf("stored %q (%s), want the posted bytes", stored, meta.ContentType)
	}
	for _, a := range []bridge.Attachment{zip, huge} {
		if a.Blob != "" || !strings.HasPrefix(a.URL, "https://cdn.discordapp.com/attachments/") {
			t.Errorf("%s: %+v, want Discord's link and no blob", a.Name, a)
		}
	}
}
