package console

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// AdminName is the login of the admin the bridge makes when no agent has a
// console login configured.
const AdminName = "admin"

// AdminTokenFile is where that admin's token is kept, in the data folder.
const AdminTokenFile = "console-admin-token"

// LoadOrCreateAdminToken returns the admin token kept at path, making and
// keeping a new random one (file mode 0600) when there is none. created
// says the token is new, so the caller shows it once.
func LoadOrCreateAdminToken(path string) (token string, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if t := strings.TrimSpace(string(b)); len(t) >= 16 {
			return t, false, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("console: read admin token: %w", err)
	}
	token = NewToken()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, fmt.Errorf("console: keep admin token: %w", err)
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("console: keep admin token: %w", err)
	}
	return token, true, nil
}

// NewToken makes a random login token (192 bits, URL-safe).
func NewToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
