package teams

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
)

// CheckResult is what Check found: lines to print, and problems.
type CheckResult struct {
	Lines    []string
	Problems []string
}

// Check verifies the bot's credentials and reach, for `bridge check`: a
// token from the token endpoint (the app id, password and tenant), the
// OpenID metadata and keys inbound activities are checked against, and
// that the bot can read each channel (channels maps a config key to a
// channel id) — which it can only once the app is installed in the team.
func Check(ctx context.Context, opts Options, channels map[string]string) CheckResult {
	var r CheckResult
	opts = withDefaults(opts)
	api := newConnector(opts)
	if _, err := api.tokens.get(ctx); err != nil {
		var te *tokenError
		if errors.As(err, &te) && te.refused() {
			r.Problems = append(r.Problems, "msteams.app_password_env: the token endpoint refused the app id, password or tenant ("+err.Error()+
				"): check msteams.app_id, msteams.tenant_id and the client secret (Entra ID → App registrations → Certificates & secrets)")
		} else {
			r.Problems = append(r.Problems, "msteams.token_url: cannot get a token: "+err.Error())
		}
		return r
	}
	r.Lines = append(r.Lines, "msteams: token OK for app "+opts.AppID)
	v := &verifier{openIDURL: opts.OpenIDURL, client: opts.HTTPClient, now: opts.Now}
	if keys, err := v.fetchKeys(ctx); err != nil || len(keys) == 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("msteams.openid_url: cannot read the signing keys (%v): inbound activities would all be refused", err))
	}
	keys := make([]string, 0, len(channels))
	for k := range channels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		id := channels[key]
		err := api.call(ctx, http.MethodGet, conversationPath(id, "members"), nil, nil)
		switch {
		case err == nil:
			r.Lines = append(r.Lines, fmt.Sprintf("msteams: %s %s reachable", key, id))
		case isStatus(err, http.StatusNotFound), isStatus(err, http.StatusForbidden):
			r.Problems = append(r.Problems, fmt.Sprintf("%s: the bot cannot reach channel %s (%v): is the id right, and is the app installed in its team?", key, id, err))
		default:
			r.Problems = append(r.Problems, fmt.Sprintf("%s: checking channel %s failed: %v", key, id, err))
		}
	}
	return r
}
