package discord

import (
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// Intents are the gateway intents the bridge asks for. MESSAGE_CONTENT is
// privileged: it must be switched on in the Developer Portal (Bot →
// Privileged Gateway Intents), or thread replies arrive empty.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages |
	discordgo.IntentsMessageContent | discordgo.IntentsGuildMessageTyping | discordgo.IntentsDirectMessageTyping

// Permissions are what the bot needs in the teams' and support channels:
// view, send, send in threads, create public threads, manage threads
// (rename and archive), embed links, attach files, read history (catch-up
// after a reconnect), add reactions (note marks).
const Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionManageThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionAddReactions

// Options configures the adapter.
type Options struct {
	// Handler receives the events (the engine); required.
	Handler bridge.EventHandler
	// Core is read for handoffs and keeps the adapter's state (the
	// engine); required.
	Core Core
	// Token is the bot token (without the "Bot " prefix).
	Token string
	// PublicKey is the application's Ed25519 key; when set,
	// /discord/interactions accepts signed interactions.
	PublicKey ed25519.PublicKey
	// ArchiveAfter is how long a resolved handoff's thread stays open
	// before it is archived; zero archives at once, negative never.
	ArchiveAfter time.Duration
	// Users enables the user channel: direct messages to the bot, and
	// messages in SupportChannels.
	Users           bool
	SupportChannels []string
	// NoteEmoji marks an agent's reply kept as an internal note.
	NoteEmoji string
	// HTTPClient carries REST calls; tests point it at discordfake.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// ApplicationID is the application whose commands are registered;
	// empty: the one READY names (the bot's own id for bots made since
	// 2020).
	ApplicationID string
	// Settings returns the teams and agents in force, for /handoffs; nil
	// registers no command.
	Settings func() bridge.Settings
	// StaleAfter is how long a connected gateway may deliver nothing (no
	// event, no heartbeat acknowledgement) before it is reported degraded
	// and reconnected; zero turns the watchdog off.
	StaleAfter time.Duration
	// PublicURL is the bridge's address (http.public_url): an alert about
	// a handoff whose thread is not open in Discord (handoff.requested)
	// links to PublicURL/handoffs/<id>, which finds the thread when
	// clicked. Empty: no link in such alerts.
	PublicURL string
	// Files, when set, keeps the files agents share in handoff threads in
	// the bridge (see Files); nil: users get Discord's own links, which
	// expire after about a day.
	Files Files
	// Clock tells the time for the freshness of signed interactions and
	// the gateway watchdog; tests move it by hand. Default: the real clock.
	Clock bridge.Clock
}

func (c *Options) defaults() {
	if c.NoteEmoji == "" {
		c.NoteEmoji = "📝"
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = bridge.SystemClock{}
	}
}
