package telegram

import (
	"fmt"
	"mime"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// attachments links the files of a message through the bridge's file
// route: a photo (its largest size), a document (GIFs come as one too),
// voice and audio messages, videos and round video notes.
func (a *Adapter) attachments(m *tgbotapi.Message) []bridge.Attachment {
	id := strconv.Itoa(m.MessageID)
	var out []bridge.Attachment
	add := func(fileID, name, fallback, contentType string, size int) {
		if fileID == "" {
			return
		}
		if name == "" {
			name = fallback + "-" + id + fileExtension(contentType)
		}
		out = append(out, bridge.Attachment{Name: name, ContentType: contentType, Size: int64(size), URL: a.fileLink(fileID, name)})
	}
	if n := len(m.Photo); n > 0 {
		p := m.Photo[n-1]
		add(p.FileID, "", "photo", "image/jpeg", p.FileSize)
	}
	if d := m.Document; d != nil {
		add(d.FileID, d.FileName, "document", d.MimeType, d.FileSize)
	} else if an := m.Animation; an != nil {
		add(an.FileID, an.FileName, "animation", or(an.MimeType, "video/mp4"), an.FileSize)
	}
	if v := m.Voice; v != nil {
		add(v.FileID, "", "voice", or(v.MimeType, "audio/ogg"), v.FileSize)
	}
	if au := m.Audio; au != nil {
		add(au.FileID, au.FileName, "audio", or(au.MimeType, "audio/mpeg"), au.FileSize)
	}
	if v := m.Video; v != nil {
		add(v.FileID, v.FileName, "video", or(v.MimeType, "video/mp4"), v.FileSize)
	}
	if v := m.VideoNote; v != nil {
		add(v.FileID, "", "video-note", "video/mp4", v.FileSize)
	}
	return out
}

// fileExtension is the usual file extension of a content type, "" if none.
func fileExtension(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "audio/ogg":
		return ".ogg"
	case "audio/mpeg":
		return ".mp3"
	case "video/mp4":
		return ".mp4"
	}
	if exts, _ := mime.ExtensionsByType(contentType); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// describe is the line that stands for what a message carries besides
// text and files (a location, a contact, a sticker, a poll), "" when it
// carries nothing else.
func describe(m *tgbotapi.Message) string {
	switch {
	case m.Venue != nil:
		v := m.Venue
		return bridge.LocationLine(v.Location.Latitude, v.Location.Longitude, v.Title, v.Address)
	case m.Location != nil:
		line := bridge.LocationLine(m.Location.Latitude, m.Location.Longitude, "", "")
		if m.Location.LivePeriod > 0 {
			line += "\n(live location: Telegram shows its updates in the user's chat)"
		}
		return line
	case m.Contact != nil:
		c := m.Contact
		return bridge.ContactLine(c.FirstName+" "+c.LastName, c.PhoneNumber)
	case m.Sticker != nil:
		return bridge.StickerLine(m.Sticker.Emoji)
	case m.Poll != nil:
		line := "📊 Poll: " + m.Poll.Question
		for _, o := range m.Poll.Options {
			line += "\n- " + o.Text
		}
		return line
	case m.Dice != nil:
		return fmt.Sprintf("[%s rolled %d]", or(m.Dice.Emoji, "🎲"), m.Dice.Value)
	case m.Game != nil:
		return bridge.UnsupportedLine("game " + m.Game.Title)
	case m.Invoice != nil:
		return bridge.UnsupportedLine("invoice")
	case m.PassportData != nil:
		return bridge.UnsupportedLine("Telegram Passport data")
	}
	return ""
}

// service reports whether a message is Telegram's note of something that
// happened in the chat (a member joined, a message was pinned) rather than
// something the user wrote.
func service(m *tgbotapi.Message) bool {
	return len(m.NewChatMembers) > 0 || m.LeftChatMember != nil || m.NewChatTitle != "" || len(m.NewChatPhoto) > 0 ||
		m.DeleteChatPhoto || m.GroupChatCreated || m.SuperGroupChatCreated || m.ChannelChatCreated ||
		m.MessageAutoDeleteTimerChanged != nil || m.MigrateToChatID != 0 || m.MigrateFromChatID != 0 ||
		m.PinnedMessage != nil || m.ProximityAlertTriggered != nil || m.VoiceChatScheduled != nil ||
		m.VoiceChatStarted != nil || m.VoiceChatEnded != nil || m.VoiceChatParticipantsInvited != nil ||
		m.ConnectedWebsite != "" || m.SuccessfulPayment != nil
}
