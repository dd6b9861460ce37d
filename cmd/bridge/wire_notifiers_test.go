package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/config"
)

func TestCheckNotifiersCatchesTemplateErrors(t *testing.T) {
	const base = minimalConfig + "teams: {support: {workspace: console, notify: [ops, crm]}}\n"
	tests := []struct {
		name string
		yaml string
		want string // "" means valid
	}{
		{"default templates", "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: b@example.com, to: [o@example.com]}, crm: {kind: webhook, url: 'https://crm.example.com/h', secret_env: CRM_SECRET}}\n", ""},
		{"custom valid template", "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: b@example.com, to: [o@example.com], subject_template: '{{.Event}} #{{.Handoff}}'}, crm: {kind: webhook, url: 'https://crm.example.com/h', secret_env: CRM_SECRET}}\n", ""},
		{"unclosed action", "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: b@example.com, to: [o@example.com], subject_template: '{{.Event'}, crm: {kind: webhook, url: 'https://crm.example.com/h', secret_env: CRM_SECRET}}\n", "notifiers.ops: email: subject template"},
		{"misspelt field", "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: b@example.com, to: [o@example.com], html_template: '<p>{{.Usr}}</p>'}, crm: {kind: webhook, url: 'https://crm.example.com/h', secret_env: CRM_SECRET}}\n", "notifiers.ops: email: html template"},
	}
	t.Setenv("CRM_SECRET", "k")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(writeConfig(t, base+tt.yaml), nil)
			if err != nil {
				t.Fatal(err)
			}
			err = errors.Join(checkNotifier(cfg, "ops"), checkNotifier(cfg, "crm"))
			if tt.want == "" && err != nil {
				t.Fatalf("valid notifiers refused: %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("checkNotifier = %v; want %q", err, tt.want)
			}
		})
	}
}
