package bridge

import (
	"fmt"
	"strconv"
	"strings"
)

// The lines below stand in the thread for what a user sent that is neither
// text nor a file: every channel words them alike, so that agents read a
// location or a contact the same whatever the user's app. They are plain
// text, as users' messages are.

// LocationLine describes a shared location, with the place's name and
// address when the user picked one, and a map link agents can open.
func LocationLine(lat, lon float64, name, address string) string {
	at := coordinate(lat) + ", " + coordinate(lon)
	var place []string
	for _, s := range []string{name, address} {
		if s = strings.TrimSpace(s); s != "" {
			place = append(place, s)
		}
	}
	line := "📍 Location: " + at
	if len(place) > 0 {
		line += " (" + strings.Join(place, ", ") + ")"
	}
	return line + "\nhttps://www.openstreetmap.org/?mlat=" + coordinate(lat) + "&mlon=" + coordinate(lon)
}

// coordinate prints a degree as the platform gave it, in its shortest form.
func coordinate(deg float64) string {
	return strconv.FormatFloat(deg, 'f', -1, 64)
}

// ContactLine describes a shared contact card.
func ContactLine(name string, phones ...string) string {
	var parts []string
	if name = strings.TrimSpace(name); name != "" {
		parts = append(parts, name)
	}
	for _, p := range phones {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "👤 Contact (empty)"
	}
	return "👤 Contact: " + strings.Join(parts, ", ")
}

// StickerLine describes a sticker by the emoji it stands for, if known.
func StickerLine(emoji string) string {
	if emoji = strings.TrimSpace(emoji); emoji != "" {
		return "[sticker " + emoji + "]"
	}
	return "[sticker]"
}

// UnsupportedLine stands for a message the bridge cannot relay, so that
// agents know the user sent something rather than nothing.
func UnsupportedLine(kind string) string {
	if kind = strings.TrimSpace(kind); kind != "" {
		return fmt.Sprintf("[unsupported message: %s]", kind)
	}
	return "[unsupported message]"
}

// JoinLines joins the non-empty lines of a message: a description, then the
// user's caption or text.
func JoinLines(lines ...string) string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
