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
// registering the webhook and waiting.
func (a *Adapter) Run(ctx context.Context) error {
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
// token. The client library's WebhookConfig has no secret_token, so the
// call is made with MakeRequest.
func (a *Adapter) SetWebhook(ctx context.Context) error {
	params := tgbotapi.Params{"url": a.opts.PublicURL + "/telegram/webhook", "secret_token": a.opts.WebhookSecret}
	if err := params.AddInterface("allowed_updates", []string{"message", "callback_query"}); err != nil {
		return err
	}
	if _, err := a.api(ctx).MakeRequest("setWebhook", params); err != nil {
		return fmt.Errorf("telegram setWebhook: %w", err)
	}
	return nil
}

// poll long-polls getUpdates. The offset comes from the store and is
// advanced there only after each update is handled: a crash in between
// hands the update again after restart, and the engine's de-duplication
// (by message id) makes that harmless.
func (a *Adapter) poll(ctx context.Context) error {
	// A webhook left from an earlier run would make getUpdates fail.
	if _, err := a.api(ctx).MakeRequest("deleteWebhook", nil); err != nil && ctx.Err() == nil {
		a.log.Warn("delete webhook", "err", redact(err, a.opts.Token))
	}
	for attempt := 0; ctx.Err() == nil; {
		offset, err := a.offset(ctx)
		if err == nil {
			err = a.pollOnce(ctx, offset)
		}
		if err == nil {
			attempt = 0
			continue
		}
		if ctx.Err() != nil || errors.Is(err, bridge.ErrShuttingDown) {
			return nil
		}
		a.health.failed(err.Error())
		a.log.Warn("telegram updates", "err", redact(err, a.opts.Token), "attempt", attempt+1)
		if !wait(ctx, retryDelay(err, attempt)) {
			return nil
		}
		attempt++
	}
	return nil
}

func (a *Adapter) pollOnce(ctx context.Context, offset int) error {
	updates, err := a.api(ctx).GetUpdates(tgbotapi.UpdateConfig{
		Offset: offset, Limit: 100, Timeout: int(a.opts.PollTimeout / time.Second),
		AllowedUpdates: []string{"message", "callback_query"},
	})
	if err != nil {
		return fmt.Errorf("telegram getUpdates: %w", err)
	}
	a.health.ok()
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
	var v string
	err := a.opts.Store.View(ctx, func(tx bridge.Tx) error {
		var err error
		v, err = tx.Cursor(ctx, OffsetCursor)
		return err
	})
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
	err := a.opts.Store.Update(ctx, func(tx bridge.Tx) error { return tx.SetCursor(ctx, OffsetCursor, strconv.Itoa(n)) })
	if err != nil {
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
	return min(time.Second<<min(attempt, 5), 30*time.Second)
}

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
