package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/handoffbridge/handoff/internal/signing"
)

// MaxCallbackAge is how old a callback's timestamp may be: older ones are
// refused as replays.
const MaxCallbackAge = 5 * time.Minute

// ErrBadSignature is returned for a callback not signed with the secret.
var ErrBadSignature = errors.New("handoff api: callback signature does not verify")

// VerifyCallback reads a callback request, checks its signature and age,
// and decodes its event.
func VerifyCallback(secret []byte, r *http.Request) (Event, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return Event{}, fmt.Errorf("handoff api: read callback: %w", err)
	}
	if !signing.Verify(secret, r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderSignature), body, time.Now(), MaxCallbackAge) {
		return Event{}, ErrBadSignature
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return Event{}, fmt.Errorf("handoff api: decode callback: %w", err)
	}
	return ev, nil
}

// CallbackHandler serves the callback URL: it verifies each callback and
// hands its event to fn. An error from fn answers 500, so the bridge
// retries the event later (with the same id).
func CallbackHandler(secret []byte, fn func(context.Context, Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := VerifyCallback(secret, r)
		if errors.Is(err, ErrBadSignature) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if err != nil {
			http.Error(w, "bad callback", http.StatusBadRequest)
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			slog.Warn("handoff api: callback not handled; the bridge will retry", "event", ev.ID, "err", err)
			http.Error(w, "not handled", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
