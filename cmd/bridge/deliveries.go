package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// deliveriesShown bounds the delivery log printed by `bridge deliveries`.
const deliveriesShown = 200

// deliveries prints the delivery log of the notifiers (email, webhook,
// Slack and Discord alerts): the most recent deliveries, newest first,
// with their status, failed attempts and last error. It reads the store
// of the config, and can run beside a running bridge.
func deliveries(ctx context.Context, configPath string, stdout io.Writer) error {
	cfg, err := config.Load(configPath, nil)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg.Store)
	if err != nil {
		return fmt.Errorf("deliveries: store: %w", err)
	}
	defer store.Close()
	log, ok := store.(bridge.DeliveryLog)
	if !ok {
		return fmt.Errorf("deliveries: the %s store keeps no delivery log", cfg.Store.Driver)
	}
	return printDeliveries(ctx, log, stdout)
}

func printDeliveries(ctx context.Context, log bridge.DeliveryLog, stdout io.Writer) error {
	ds, err := log.Deliveries(ctx, bridge.DestinationNotifier, "", deliveriesShown)
	if err != nil {
		return fmt.Errorf("deliveries: %w", err)
	}
	if len(ds) == 0 {
		fmt.Fprintln(stdout, "no notifier deliveries yet")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTRY\tNOTIFIER\tEVENT\tHANDOFF\tDELIVERY ID\tSTATUS\tATTEMPTS\tQUEUED\tDONE / NEXT TRY\tLAST ERROR")
	for _, d := range ds {
		var n bridge.Notification
		_ = json.Unmarshal(d.Payload, &n) // a payload that does not decode is shown with empty fields
		when := d.DoneAt
		if d.Status == bridge.DeliveryPending {
			when = d.NextTry
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%d\t%s\t%s\t%s\n",
			d.ID, d.Destination.Name,
			n.Event, n.Handoff, n.ID, d.Status, d.Attempts, stamp(d.CreatedAt), stamp(when), oneLine(d.LastError))
	}
	return tw.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}

// oneLine keeps an error on its row of the table.
func oneLine(s string) string {
	if s == "" {
		return "-"
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
