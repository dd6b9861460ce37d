package config

import "log/slog"

// Secret is a credential resolved from the environment. It prints, logs and
// marshals as "[redacted]"; Reveal returns the value for the code that needs
// it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

func (s Secret) mask() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String hides the value from fmt's %v and %s.
func (s Secret) String() string { return s.mask() }

// GoString hides the value from fmt's %#v.
func (s Secret) GoString() string { return `"` + s.mask() + `"` }

// LogValue hides the value from log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.mask()) }

// MarshalText hides the value from encoders that use encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.mask()), nil }

// MarshalJSON hides the value from encoding/json.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.mask() + `"`), nil }
