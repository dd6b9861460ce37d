package main

import (
	"bytes"
	"strings"
	"testing"
)

// Every command, with its one line in the overview.
var allCommands = []string{"run", "check", "deliveries", "backup", "copy-store", "healthcheck", "version", "help"}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(t.Context(), args, &out, &errOut, nil); err != nil {
				t.Fatalf("bridge %s = %v, want success (exit 0)", args, err)
			}
			for _, name := range allCommands {
				if !hasLine(out.String(), "  "+name+" ") {
					t.Errorf("bridge %s does not list %s:\n%s", args, name, out.String())
				}
			}
			if errOut.Len() > 0 {
				t.Errorf("help wrote to stderr: %q", errOut.String())
			}
		})
	}
	if got := len(commands()); got != len(allCommands) {
		t.Errorf("%d commands in the table, the test knows %d: add the new one to allCommands", got, len(allCommands))
	}
}

func TestHelpShowsACommandsFlags(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"help", "backup"}, []string{"Usage: bridge backup [-config FILE] -out FILE", "-config", "-out"}},
		{[]string{"backup", "-h"}, []string{"Usage: bridge backup", "-out"}},
		{[]string{"help", "check"}, []string{"-apply", "-config"}},
		{[]string{"check", "--help"}, []string{"-apply"}},
		{[]string{"help", "healthcheck"}, []string{"-url"}},
		{[]string{"help", "run"}, []string{"Usage: bridge run [-config FILE]", "-config"}},
		{[]string{"run", "-h"}, []string{"-config"}},
		{[]string{"help", "version"}, []string{"Usage: bridge version\n"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			if err := run(t.Context(), tt.args, &out, &out, nil); err != nil {
				t.Fatalf("bridge %s = %v, want success (exit 0)", tt.args, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("bridge %s lacks %q:\n%s", tt.args, w, out.String())
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args       []string
		wantErr    string
		wantStderr string
	}{
		{args: []string{"frobnicate"}, wantErr: `unknown command "frobnicate"`},
		{args: []string{"help", "frobnicate"}, wantErr: `unknown command "frobnicate"`},
		{args: []string{"backup", "-nope"}, wantErr: "-nope", wantStderr: "Usage: bridge backup"},
		{args: []string{"version", "extra"}, wantErr: "unexpected arguments"},
		{args: []string{"-config"}, wantErr: "-config", wantStderr: "Usage: bridge run"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(t.Context(), tt.args, &out, &errOut, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("bridge %s = %v, want an error with %q", tt.args, err, tt.wantErr)
			}
			if !strings.Contains(errOut.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, errOut.String())
			}
		})
	}
}

func hasLine(text, prefix string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
