package webhookfake

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The docs tell users to verify requests with VerifyRequest's code: keep
// the two identical, so that what the tests prove is what users run.
func TestDocsQuoteVerifyRequest(t *testing.T) {
	src, err := os.ReadFile("verify.go")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := os.ReadFile("../../../docs/notifications.md")
	if err != nil {
		t.Fatal(err)
	}
	fn := regexp.MustCompile(`(?s)\nfunc VerifyRequest\(.*?\n}\n`).Find(src)
	if fn == nil {
		t.Fatal("VerifyRequest not found in verify.go")
	}
	if !strings.Contains(string(docs), strings.TrimSpace(string(fn))) {
		t.Error("docs/notifications.md does not quote VerifyRequest as it is in verify.go")
	}
}
