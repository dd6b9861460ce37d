package bridge

import (
	"strconv"

	"github.com/handoffbridge/handoff/bridge/outbox"
)

// ConversationID identifies a conversation in the store.
type ConversationID int64

// MessageID identifies a stored message.
type MessageID int64

// HandoffID identifies a handoff request.
type HandoffID int64

// LeadID identifies a captured lead.
type LeadID int64

// OutboxID identifies an outbox entry.
type OutboxID = outbox.ID

// AgentID is the agent's name as configured (unique within a deployment).
type AgentID string

// TeamID is the team's key in the configuration (e.g. "support").
type TeamID string

// ChannelKind names a user channel: where the user is chatting.
type ChannelKind string

// The user channels the bridge knows. Adapters may register others.
const (
	ChannelWeb      ChannelKind = "web"
	ChannelTelegram ChannelKind = "telegram"
	ChannelDiscord  ChannelKind = "discord"
	ChannelWhatsApp ChannelKind = "whatsapp"
)

// WorkspaceKind names an agent workspace: where agents answer.
type WorkspaceKind string

// The agent workspaces the bridge knows.
const (
	WorkspaceSlack   WorkspaceKind = "slack"
	WorkspaceDiscord WorkspaceKind = "discord"
	WorkspaceMSTeams WorkspaceKind = "msteams"
	WorkspaceConsole WorkspaceKind = "console"
	// WorkspaceMattermost is a Mattermost server (adapters/mattermost).
	WorkspaceMattermost WorkspaceKind = "mattermost"
)

func (id ConversationID) String() string { return strconv.FormatInt(int64(id), 10) }
func (id MessageID) String() string      { return strconv.FormatInt(int64(id), 10) }
func (id HandoffID) String() string      { return strconv.FormatInt(int64(id), 10) }
func (id LeadID) String() string         { return strconv.FormatInt(int64(id), 10) }
