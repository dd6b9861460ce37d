package discordfake

import (
	"encoding/json"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Message is a message as the fake keeps it: Discord's message, and what
// the sender asked for that Discord does not echo back.
type Message struct {
	discordgo.Message
	// ComponentsJSON are the message's components as sent (discordgo does
	// not marshal components of a received message).
	ComponentsJSON  json.RawMessage
	AllowedMentions *discordgo.MessageAllowedMentions
	Nonce           string
	Ephemeral       bool
	// Pings are the mentions that notified someone: "everyone", "user:ID",
	// "role:ID". A message whose text only looks like a mention has none.
	Pings   []string
	Deleted bool
	// Interaction is the token of the interaction a followup answered.
	Interaction string
	// Loading is set on a deferred answer until it is edited (Discord
	// shows "… is thinking").
	Loading bool
}

// MarshalJSON writes Discord's message object, components included.
func (m *Message) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(&m.Message)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	comps := m.ComponentsJSON
	if len(comps) == 0 {
		comps = json.RawMessage("[]")
	}
	obj["components"] = comps
	if m.Nonce != "" {
		obj["nonce"], _ = json.Marshal(m.Nonce)
	}
	flags := 0
	if m.Ephemeral {
		flags |= 64
	}
	if m.Loading {
		flags |= 128
	}
	if flags != 0 {
		obj["flags"], _ = json.Marshal(flags)
	}
	return json.Marshal(obj)
}

// Buttons lists the custom ids of the message's buttons, in order.
func (m *Message) Buttons() []Button {
	var rows []struct {
		Components []Button `json:"components"`
	}
	_ = json.Unmarshal(m.ComponentsJSON, &rows)
	var out []Button
	for _, r := range rows {
		out = append(out, r.Components...)
	}
	return out
}

// Button is one button of a message.
type Button struct {
	Type     int    `json:"type"`
	Label    string `json:"label"`
	Style    int    `json:"style"`
	CustomID string `json:"custom_id"`
	URL      string `json:"url"`
	Disabled bool   `json:"disabled"`
}

// outgoing is the body of message create, edit, interaction and webhook
// calls.
type outgoing struct {
	Content         *string                           `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      json.RawMessage                   `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           json.RawMessage                   `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
	Flags           int                               `json:"flags"`
	Attachments     []*discordgo.MessageAttachment    `json:"attachments"`
	// Choices answer an autocomplete interaction.
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	// user holds what a person's client adds that a bot cannot send
	// (stickers, polls, forwards); see SayWith.
	user *discordgo.Message
}

func (o *outgoing) nonce() string {
	var s string
	if json.Unmarshal(o.Nonce, &s) == nil {
		return s
	}
	return string(o.Nonce) // an integer nonce
}

// validate applies Discord's limits; it returns the field and problem.
func (o *outgoing) validate(creating bool) (field, code, msg string) {
	if o.Content != nil && utf8.RuneCountInString(*o.Content) > 2000 {
		return "content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."
	}
	if len(o.Embeds) > 10 {
		return "embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."
	}
	total := 0
	for _, e := range o.Embeds {
		n := func(s string) int { c := utf8.RuneCountInString(s); total += c; return c }
		if n(e.Title) > 256 {
			return "embeds.0.title", "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length."
		}
		if n(e.Description) > 4096 {
			return "embeds.0.description", "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length."
		}
		if len(e.Fields) > 25 {
			return "embeds.0.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
		}
		for _, f := range e.Fields {
			if n(f.Name) > 256 || n(f.Value) > 1024 || f.Name == "" || f.Value == "" {
				return "embeds.0.fields", "BASE_TYPE_BAD_LENGTH", "Field name must be 1-256 and value 1-1024 in length."
			}
		}
		if e.Footer != nil && n(e.Footer.Text) > 2048 {
			return "embeds.0.footer.text", "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length."
		}
	}
	if total > 6000 {
		return "embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
	}
	if len(o.Components) > 0 && string(o.Components) != "null" {
		var rows []struct {
			Type       int      `json:"type"`
			Components []Button `json:"components"`
		}
		if err := json.Unmarshal(o.Components, &rows); err != nil {
			return "components", "MODEL_TYPE_CONVERT", "Only iterables may be used in a ListType"
		}
		if len(rows) > 5 {
			return "components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."
		}
		for _, r := range rows {
			if r.Type != 1 || len(r.Components) == 0 || len(r.Components) > 5 {
				return "components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
			}
			for _, b := range r.Components {
				if b.Type != 2 || utf8.RuneCountInString(b.Label) > 80 || len(b.CustomID) > 100 || (b.CustomID == "" && b.URL == "") {
					return "components.0.components.0", "COMPONENT_INVALID", "Invalid button."
				}
			}
		}
	}
	if o.nonce() != "" && len(o.nonce()) > 25 {
		return "nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
	}
	empty := (o.Content == nil || *o.Content == "") && len(o.Embeds) == 0 && len(o.Attachments) == 0 &&
		(len(o.Components) == 0 || string(o.Components) == "[]" || string(o.Components) == "null")
	if creating && empty {
		return "content", "EMPTY", "Cannot send an empty message"
	}
	return "", "", ""
}

var (
	userMention = regexp.MustCompile(`<@!?(\d+)>`)
	roleMention = regexp.MustCompile(`<@&(\d+)>`)
	massMention = regexp.MustCompile(`@(everyone|here)`)
)

// pings computes who a message notifies: the mentions in its text that
// allowed_mentions lets through (without allowed_mentions, all of them).
func pings(content string, am *discordgo.MessageAllowedMentions) []string {
	allowType := func(t discordgo.AllowedMentionType) bool {
		return am == nil || slices.Contains(am.Parse, t)
	}
	var out []string
	if massMention.MatchString(content) && allowType(discordgo.AllowedMentionTypeEveryone) {
		out = append(out, "everyone")
	}
	for _, m := range userMention.FindAllStringSubmatch(content, -1) {
		if allowType(discordgo.AllowedMentionTypeUsers) || slices.Contains(am.Users, m[1]) {
			out = append(out, "user:"+m[1])
		}
	}
	for _, m := range roleMention.FindAllStringSubmatch(content, -1) {
		if allowType(discordgo.AllowedMentionTypeRoles) || slices.Contains(am.Roles, m[1]) {
			out = append(out, "role:"+m[1])
		}
	}
	return out
}
