package discord

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
)

// Application flags saying the message content intent is switched on.
const (
	flagMessageContent        = 1 << 18
	flagMessageContentLimited = 1 << 19
)

// CheckResult is what Check found: lines to print, and problems.
type CheckResult struct {
	Lines    []string
	Problems []string
}

// Check verifies the bot's credentials and reach, for `bridge check`: the
// token (users/@me), the application's message content intent, and access
// to each channel (team channels and support channels, by name). It
// prints the intents and the invite URL with the permissions the bot
// needs.
func Check(ctx context.Context, cfg Options, appID string, channels map[string]string) CheckResult {
	var r CheckResult
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		r.Problems = append(r.Problems, "discord: "+err.Error())
		return r
	}
	if cfg.HTTPClient != nil {
		s.Client = cfg.HTTPClient
	}
	s.ShouldRetryOnRateLimit = false
	me, err := s.User("@me", discordgo.WithContext(ctx))
	switch {
	case err == nil:
	case unreachable(err):
		r.Problems = append(r.Problems, fmt.Sprintf("discord: users/@me: cannot reach %s (%v): check the network, DNS and any proxy between the bridge and Discord (discord.api_url)", hostOf(err), err))
		return r
	case restStatus(err) == http.StatusUnauthorized:
		r.Problems = append(r.Problems, "discord.bot_token_env: users/@me: the bot token was refused ("+err.Error()+"): check the token of the bot (Developer Portal → Bot → Reset Token)")
		return r
	default:
		r.Problems = append(r.Problems, "discord: users/@me failed: "+err.Error())
		return r
	}
	r.Lines = append(r.Lines, fmt.Sprintf("discord: token OK, bot %s (%s)", me.Username, me.ID))
	if appID == "" {
		appID = me.ID
	}
	app, err := s.Application("@me") // discordgo takes no options here
	switch {
	case err != nil:
		r.Problems = append(r.Problems, "discord: could not read the application to check the message content intent: "+err.Error())
	case app.Flags&(flagMessageContent|flagMessageContentLimited) == 0:
		r.Problems = append(r.Problems, "discord: the privileged Message Content intent is off: switch it on in the Developer Portal (Bot → Privileged Gateway Intents), or agents' thread replies arrive empty")
	default:
		r.Lines = append(r.Lines, "discord: message content intent on")
	}
	r.Lines = append(r.Lines, "discord: gateway intents requested: GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT (privileged), GUILD_MESSAGE_TYPING, DIRECT_MESSAGE_TYPING ("+strconv.Itoa(int(Intents))+")")
	names := make([]string, 0, len(channels))
	for n := range channels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		id := channels[name]
		ch, err := s.Channel(id, discordgo.WithContext(ctx))
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("discord: %s: channel %s is not reachable by the bot (invite it and give it the permissions below): %v", name, id, err))
			continue
		}
		r.Lines = append(r.Lines, fmt.Sprintf("discord: %s: #%s (%s) OK", name, ch.Name, id))
	}
	q := url.Values{"client_id": {appID}, "scope": {"bot applications.commands"}, "permissions": {strconv.FormatInt(Permissions, 10)}}
	r.Lines = append(r.Lines, "discord: invite URL: https://discord.com/oauth2/authorize?"+q.Encode())
	return r
}

// unreachable reports a call that did not get Discord's answer: the
// network failed, or Discord (or a proxy) answered with a server error.
func unreachable(err error) bool {
	return bridge.Unreachable(err) || restStatus(err) >= http.StatusInternalServerError
}

// restStatus is the HTTP status of a REST error, or 0.
func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// hostOf names where a failed call went: the address dialled or the name
// looked up (api_url may send Discord's calls elsewhere), else the
// request's host.
func hostOf(err error) string {
	var op *net.OpError
	var dns *net.DNSError
	var ue *url.Error
	switch {
	case errors.As(err, &dns):
		return dns.Name
	case errors.As(err, &op) && op.Addr != nil:
		return op.Addr.String()
	case errors.As(err, &ue):
		if u, perr := url.Parse(ue.URL); perr == nil {
			return u.Host
		}
	}
	return "discord.com"
}
