package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// Run receives updates until ctx ends: long polling, or in webhook mode
// registering the webhook and waiting. It first learns who the bot is,
// retrying while the Bot API is out of reach; a refused token ends it with
// an error (the rest of the bridge keeps serving).
func (a *Adapter) Run(ctx context.Context) error {
	if err := a.identify(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	if a.opts.Mode == ModeWebhook {
		return a.runWebhook(ctx)
	}
	return a.poll(ctx)
}

func (a *Adapter) runWebhook(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := a.SetWebhook(ctx)
		if err == nil {
			a.health.ok()
			break
		}
		a.health.failed(err.Error())
		a.log.Error("set webhook", "err", redact(err, a.opts.Token))
		if !wait(ctx, retryDelay(err, attempt)) {
			return nil
		}
	}
	<-ctx.Done()
	return nil
}

// SetWebhook points Telegram at PublicURL/telegram/webhook with the secret
// token.
func (a *Adapter) SetWebhook(ctx context.Context) error {
	return setWebhook(a.api(ctx), a.opts.PublicURL+"/telegram/webhook", a.opts.WebhookSecret)
}

// setWebhook calls setWebhook. The client library's WebhookConfig has no
// secret_token, so the call is made with MakeRequest.
func setWebhook(api *tgbotapi.BotAPI, url, secret string) error {
	params := tgbotapi.Params{"url": url, "secret_token": secret}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	if _, err := api.MakeRequest("setWebhook", params); err != nil {
		return fmt.Errorf("telegram setWebhook: %w", err)
	}
	return nil
}

// poll long-polls getUpdates. The offset comes from the store and is
// advanced there only after each update is handled: a crash in between
// hands the update again after restart, and the engine's de-duplication
// (by message id) makes that harmless.
//
// A watchdog guards against a poller that looks connected but delivers
// nothing: when getUpdates has not answered successfully for StallTimeout
// (calls failing, or one hanging past its deadline), Health says degraded
// and the poller restarts with fresh connections.
func (a *Adapter) poll(ctx context.Context) error {
	for ctx.Err() == nil {
		stall := a.pollSession(ctx)
		if stall == "" {
			return nil
		}
		a.health.stalled(stall)
		a.log.Warn("telegram poller stalled; restarting it", "why", stall)
		a.http.CloseIdleConnections() // a half-open connection must not be reused
	}
	return nil
}

// pollSession polls until ctx ends (returning "") or the poller stalls
// (returning why).
func (a *Adapter) pollSession(ctx context.Context) (stall string) {
	// A webhook left from an earlier run would make getUpdates fail.
	if _, err := a.api(ctx).MakeRequest("deleteWebhook", nil); err != nil && ctx.Err() == nil {
		a.log.Warn("delete webhook", "err", redact(err, a.opts.Token))
	} else if err == nil {
		a.health.connected()
	}
	lastOK := time.Now() // the session's start counts as a success
	var lastErr error
	for attempt := 0; ctx.Err() == nil; {
		if quiet := time.Since(lastOK); quiet >= a.opts.StallTimeout {
			why := fmt.Sprintf("getUpdates has not answered for %s", quiet.Round(time.Second))
			if lastErr != nil {
				why += "; last error: " + redact(lastErr, a.opts.Token)
			}
			return why
		}
		offset, err := a.offset(ctx)
		if err == nil {
			// The call may take the long-poll timeout, but not past the
			// stall deadline: a hanging connection is cut there.
			callCtx, cancel := context.WithDeadline(ctx, lastOK.Add(a.opts.StallTimeout))
			var updates []tgbotapi.Update
			updates, err = a.getUpdates(callCtx, offset)
			cancel()
			if err == nil {
				a.health.ok()
				err = a.handleUpdates(ctx, offset, updates)
				lastOK = time.Now() // handling time is not the connection's silence
			}
		}
		if err == nil {
			attempt, lastErr = 0, nil
			continue
		}
		if ctx.Err() != nil || errors.Is(err, bridge.ErrShuttingDown) {
			return ""
		}
		lastErr = err
		a.health.failed(redact(err, a.opts.Token))
		a.log.Warn("telegram updates", "err", redact(err, a.opts.Token), "attempt", attempt+1)
		delay := min(retryDelay(err, attempt), max(time.Until(lastOK.Add(a.opts.StallTimeout)), 0))
		if !wait(ctx, delay) {
			return ""
		}
		attempt++
	}
	return ""
}

func (a *Adapter) getUpdates(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	updates, err := a.api(ctx).GetUpdates(tgbotapi.UpdateConfig{
		Offset: offset, Limit: 100, Timeout: int(a.opts.PollTimeout / time.Second),
		AllowedUpdates: allowedUpdates,
	})
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", err)
	}
	return updates, nil
}

func (a *Adapter) handleUpdates(ctx context.Context, offset int, updates []tgbotapi.Update) error {
	for _, u := range updates {
		if u.UpdateID < offset {
			continue
		}
		if err := a.handleUpdate(ctx, u); err != nil {
			return err // the update is fetched again from the same offset
		}
		if err := a.setOffset(ctx, u.UpdateID+1); err != nil {
			return err
		}
	}
	return nil
}

func (a *Adapter) offset(ctx context.Context) (int, error) {
	v, err := a.opts.State.Get(ctx, OffsetKey)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("stored telegram offset %q: %w", v, err)
	}
	return n, nil
}

func (a *Adapter) setOffset(ctx context.Context, n int) error {
	if err := a.opts.State.Put(ctx, OffsetKey, strconv.Itoa(n)); err != nil {
		return fmt.Errorf("store telegram offset %d: %w", n, err)
	}
	return nil
}

// retryDelay honours a 429's retry_after, else backs off from 1s to 30s.
func retryDelay(err error, attempt int) time.Duration {
	var te *tgbotapi.Error
	if errors.As(err, &te) && te.RetryAfter > 0 {
		return time.Duration(te.RetryAfter) * time.Second
	}
	return retryBackoff.Delay(attempt)
}

var retryBackoff = bridge.Backoff{Base: time.Second, Max: 30 * time.Second}

// wait pauses for d unless ctx ends first; it reports whether to go on.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
