package console

import (
	"strings"
	"unicode/utf8"
)

// maxUserAgent bounds the part of a User-Agent header that is read; real
// ones are a few hundred bytes.
const maxUserAgent = 1024

// browserAndOS reads a User-Agent header simply, for people: "Chrome 120
// on Windows", "Safari 17 on iOS 17.1", "Firefox 121 on Linux". It knows
// the common browsers and systems and returns "" for anything else (the
// page then shows the raw header); it never guesses further than that.
func browserAndOS(ua string) string {
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	if !utf8.ValidString(ua) {
		ua = strings.ToValidUTF8(ua, "")
	}
	browser, system := browserOf(ua), systemOf(ua)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "a browser on " + system
	}
	return ""
}

// browsers in the order they must be tried: Edge, Opera and Samsung
// Internet also say "Chrome", Chrome also says "Safari".
var browsers = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
}

func browserOf(ua string) string {
	for _, b := range browsers {
		if v, ok := versionAfter(ua, b.token); ok {
			return strings.TrimSpace(b.name + " " + v)
		}
	}
	if strings.Contains(ua, "Safari/") {
		v, _ := versionAfter(ua, "Version/")
		return strings.TrimSpace("Safari " + v)
	}
	return ""
}

// versionAfter finds token and returns the major version that follows it.
func versionAfter(ua, token string) (string, bool) {
	i := strings.Index(ua, token)
	if i < 0 {
		return "", false
	}
	rest := ua[i+len(token):]
	n := 0
	for n < len(rest) && n < 6 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	return rest[:n], true
}

func systemOf(ua string) string {
	switch {
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPod"):
		return withVersion("iOS", ua, "OS ")
	case strings.Contains(ua, "iPad"):
		return withVersion("iPadOS", ua, "OS ")
	case strings.Contains(ua, "Android"):
		return withVersion("Android", ua, "Android ")
	case strings.Contains(ua, "Windows"):
		return "Windows"
	case strings.Contains(ua, "CrOS"):
		return "ChromeOS"
	case strings.Contains(ua, "Mac OS X") || strings.Contains(ua, "Macintosh"):
		return "macOS"
	case strings.Contains(ua, "Linux"):
		return "Linux"
	}
	return ""
}

// withVersion appends the dotted version after token ("OS 17_1" → "17.1",
// "Android 14" → "14"), at most two parts.
func withVersion(name, ua, token string) string {
	i := strings.Index(ua, token)
	if i < 0 {
		return name
	}
	rest := ua[i+len(token):]
	var parts []string
	for len(parts) < 2 {
		n := 0
		for n < len(rest) && n < 4 && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			break
		}
		parts = append(parts, rest[:n])
		rest = rest[n:]
		if rest == "" || (rest[0] != '_' && rest[0] != '.') {
			break
		}
		rest = rest[1:]
	}
	if len(parts) == 0 {
		return name
	}
	return name + " " + strings.Join(parts, ".")
}
