package discordfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// commandName is Discord's rule for a chat input command's name.
var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)

// putCommands answers PUT /applications/{app}/commands and
// /applications/{app}/guilds/{guild}/commands: a bulk overwrite, which
// replaces the application's commands in that scope with the list sent.
func (s *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, 0, "could not read body")
		return
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(b, &cmds); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if len(cmds) > 100 {
		formError(w, "_errors", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
		return
	}
	for i, c := range cmds {
		t := c.Type
		if t == 0 {
			t = discordgo.ChatApplicationCommand
		}
		if t == discordgo.ChatApplicationCommand {
			if !commandName.MatchString(c.Name) {
				formError(w, fmt.Sprintf("%d.name", i), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
				return
			}
			if n := utf8.RuneCountInString(c.Description); n < 1 || n > 100 {
				formError(w, fmt.Sprintf("%d.description", i), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
				return
			}
			for j, o := range c.Options {
				if !commandName.MatchString(o.Name) {
					formError(w, fmt.Sprintf("%d.options.%d.name", i, j), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
					return
				}
				if n := utf8.RuneCountInString(o.Description); n < 1 || n > 100 {
					formError(w, fmt.Sprintf("%d.options.%d.description", i, j), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
					return
				}
			}
		}
	}
	guild := r.PathValue("guild")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.PathValue("app") != s.AppID:
		apiError(w, http.StatusForbidden, 50001, "Missing Access")
		return
	case guild != "" && guild != s.GuildID:
		apiError(w, http.StatusNotFound, 10004, "Unknown Guild")
		return
	}
	out := make([]discordgo.ApplicationCommand, len(cmds))
	for i, c := range cmds {
		out[i] = *c
		if out[i].Type == 0 {
			out[i].Type = discordgo.ChatApplicationCommand
		}
		out[i].ID, out[i].ApplicationID, out[i].GuildID, out[i].Version = s.ids.next(), s.AppID, guild, s.ids.next()
		for _, old := range s.commands[guild] { // an overwrite keeps the id of a command it keeps
			if old.Name == c.Name && old.Type == out[i].Type {
				out[i].ID = old.ID
			}
		}
		if out[i].Options == nil {
			out[i].Options = []*discordgo.ApplicationCommandOption{}
		}
	}
	s.commands[guild] = out
	s.commandPuts++
	s.touch()
	writeJSON(w, http.StatusOK, out)
}

// getCommands lists the application's commands in a scope.
func (s *Server) getCommands(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PathValue("app") != s.AppID {
		apiError(w, http.StatusForbidden, 50001, "Missing Access")
		return
	}
	out := s.commands[r.PathValue("guild")]
	if out == nil {
		out = []discordgo.ApplicationCommand{}
	}
	writeJSON(w, http.StatusOK, out)
}

// Commands returns the application's registered commands in a guild, or
// the global ones for guildID "".
func (s *Server) Commands(guildID string) []discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[guildID])
}

// CommandOverwrites counts the bulk overwrites of commands received.
func (s *Server) CommandOverwrites() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commandPuts
}

// commandPayload builds an INTERACTION_CREATE of a chat input command run
// by u in a channel. The command must be registered in the channel's
// guild or globally, as Discord offers only those.
func (s *Server) commandPayload(channelID, name string, u discordgo.User, typ discordgo.InteractionType, opts []*discordgo.ApplicationCommandInteractionDataOption) (*Interaction, map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[channelID]
	if ch == nil {
		return nil, nil, fmt.Errorf("discordfake: command: no channel %s", channelID)
	}
	var cmd *discordgo.ApplicationCommand
	for _, scope := range []string{ch.GuildID, ""} {
		for i, c := range s.commands[scope] {
			if c.Name == name && c.Type == discordgo.ChatApplicationCommand && (scope != "" || cmd == nil) {
				cmd = &s.commands[scope][i]
			}
		}
		if cmd != nil {
			break
		}
	}
	if cmd == nil {
		return nil, nil, fmt.Errorf("discordfake: command /%s is not registered for channel %s", name, channelID)
	}
	if err := checkOptions(cmd.Options, opts); err != nil {
		return nil, nil, fmt.Errorf("discordfake: command /%s: %w", name, err)
	}
	in := s.newInteractionLocked(channelID, "", u)
	in.Command = name
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": discordgo.ChatApplicationCommand}
	if len(opts) > 0 {
		data["options"] = opts
	}
	d := map[string]any{
		"id": in.ID, "application_id": s.AppID, "type": typ, "token": in.Token, "version": 1,
		"channel_id": channelID, "locale": "en-US", "app_permissions": "17179869183", "data": data,
	}
	s.addInvokerLocked(d, ch, u)
	return in, d, nil
}

// RunCommand runs a chat input command (/name) as a user in a channel and
// dispatches INTERACTION_CREATE over the gateway.
//
// opts are the options the user filled in (a subcommand, with its own
// options); Discord's client offers only the registered ones, so another
// is an error.
func (s *Server) RunCommand(channelID, name string, u discordgo.User, opts ...*discordgo.ApplicationCommandInteractionDataOption) (*Interaction, error) {
	return s.dispatchCommand(channelID, name, u, discordgo.InteractionApplicationCommand, opts)
}

func (s *Server) dispatchCommand(channelID, name string, u discordgo.User, typ discordgo.InteractionType, opts []*discordgo.ApplicationCommandInteractionDataOption) (*Interaction, error) {
	in, d, err := s.commandPayload(channelID, name, u, typ, opts)
	if err != nil {
		return nil, err
	}
	s.gw.dispatch("INTERACTION_CREATE", d)
	return in, nil
}

// Option is a string option of a command run.
type Option struct {
	Name, Value string
	// Focused marks the option being typed, in an autocomplete interaction.
	Focused bool
}

// RunCommandWith runs a chat input command with string options over the
// gateway.
func (s *Server) RunCommandWith(channelID, name string, u discordgo.User, options ...Option) (*Interaction, error) {
	return s.dispatchCommand(channelID, name, u, discordgo.InteractionApplicationCommand, stringOptions(options))
}

// Autocomplete dispatches the autocomplete interaction of a command whose
// focused option holds what the user typed so far; the bot's answer is
// the interaction's callback of type 8, its choices in Choices.
func (s *Server) Autocomplete(channelID, name string, u discordgo.User, options ...Option) (*Interaction, error) {
	return s.dispatchCommand(channelID, name, u, discordgo.InteractionApplicationCommandAutocomplete, stringOptions(options))
}

// stringOptions are options as the interaction carries them.
func stringOptions(options []Option) []*discordgo.ApplicationCommandInteractionDataOption {
	opts := make([]*discordgo.ApplicationCommandInteractionDataOption, 0, len(options))
	for _, o := range options {
		opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{
			Name: o.Name, Type: discordgo.ApplicationCommandOptionString, Value: o.Value, Focused: o.Focused})
	}
	return opts
}

// RunCommandOverHTTP runs a command and posts the interaction to url,
// signed (or forged), as Discord's HTTP interactions do. The answer in
// the response body is recorded as the interaction's first callback.
func (s *Server) RunCommandOverHTTP(ctx context.Context, url, channelID, name string, u discordgo.User, forge bool) (*Interaction, int, error) {
	in, d, err := s.commandPayload(channelID, name, u, discordgo.InteractionApplicationCommand, nil)
	if err != nil {
		return nil, 0, err
	}
	body, _ := json.Marshal(d)
	status, err := s.PostSigned(ctx, url, body, forge)
	return in, status, err
}

// newInteractionLocked records a new interaction with its token.
func (s *Server) newInteractionLocked(channelID, messageID string, u discordgo.User) *Interaction {
	in := &Interaction{ID: s.ids.next(), ChannelID: channelID, MessageID: messageID, Original: messageID, UserID: u.ID, Created: time.Now()}
	tok := make([]byte, 24)
	for i := range tok {
		tok[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(int(in.ID[len(in.ID)-1])+i*7+len(s.interactions)*13)%62]
	}
	in.Token = "aW50ZXJhY3Rpb246" + in.ID + ":" + string(tok)
	s.interactions[in.Token] = in
	return in
}

// addInvokerLocked adds who invoked an interaction: the member in a guild
// (with their roles), the user in a DM.
func (s *Server) addInvokerLocked(d map[string]any, ch *discordgo.Channel, u discordgo.User) {
	if ch.GuildID != "" {
		d["guild_id"] = ch.GuildID
		d["member"] = map[string]any{"user": u, "roles": append([]string{}, s.roles[u.ID]...), "permissions": "2147483647", "joined_at": time.Now().UTC(), "deaf": false, "mute": false}
		return
	}
	d["user"] = u
}

// checkOptions reports an option given that the command does not register,
// or one of the wrong type, as Discord's client would not send it.
func checkOptions(registered []*discordgo.ApplicationCommandOption, given []*discordgo.ApplicationCommandInteractionDataOption) error {
	for _, g := range given {
		i := slices.IndexFunc(registered, func(o *discordgo.ApplicationCommandOption) bool { return o.Name == g.Name })
		if i < 0 {
			return fmt.Errorf("no option %q", g.Name)
		}
		if registered[i].Type != g.Type {
			return fmt.Errorf("option %q is of type %d, not %d", g.Name, registered[i].Type, g.Type)
		}
		if err := checkOptions(registered[i].Options, g.Options); err != nil {
			return fmt.Errorf("in %s: %w", g.Name, err)
		}
	}
	return nil
}
