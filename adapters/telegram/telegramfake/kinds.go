package telegramfake

import "strings"

// Location is a point a user shares; LivePeriod > 0 makes it live.
type Location struct {
	Latitude, Longitude float64
	LivePeriod          int
}

// Venue is a named place a user picks on the map.
type Venue struct {
	Location       Location
	Title, Address string
}

// Contact is a contact card a user shares.
type Contact struct {
	PhoneNumber, FirstName, LastName string
	UserID                           int64
}

// Poll is a poll a user sends.
type Poll struct {
	Question string
	Options  []string
}

// Media are the other kinds of message a user can send. File kinds take a
// file id from AddFile; Text is then the caption (voice, audio, video).
type Media struct {
	Voice, Audio, Video, VideoNote string
	// Sticker is the emoji of a sticker the user sends.
	Sticker  string
	Location *Location
	Venue    *Venue
	Contact  *Contact
	Poll     *Poll
	// Dice is the emoji of a dice roll ("🎲", "🎯"); it lands on 4.
	Dice string
	// Extra fields are added to the message as they are: kinds newer than
	// the client library (a "story").
	Extra map[string]any
}

// addMediaLocked adds in's other kinds to msg as Telegram writes them, and
// reports whether the text is then a caption.
func (s *Server) addMediaLocked(msg map[string]any, in Media) (caption bool) {
	for key, id := range map[string]string{"voice": in.Voice, "audio": in.Audio, "video": in.Video, "video_note": in.VideoNote} {
		if id == "" {
			continue
		}
		f := s.files[id]
		obj := map[string]any{"file_id": id, "file_unique_id": "u" + id, "duration": 3, "file_size": len(f.content)}
		name := f.path[strings.LastIndexByte(f.path, '/')+1:]
		switch key {
		case "voice":
			obj["mime_type"] = "audio/ogg"
		case "audio":
			obj["mime_type"], obj["file_name"], obj["performer"], obj["title"] = "audio/mpeg", name, "Artist", "Song"
		case "video":
			obj["mime_type"], obj["file_name"], obj["width"], obj["height"] = "video/mp4", name, 640, 360
		case "video_note":
			obj["length"] = 240
		}
		msg[key] = obj
		caption = key != "video_note"
	}
	if in.Sticker != "" {
		msg["sticker"] = map[string]any{"file_id": "STICKER", "file_unique_id": "uSTICKER", "type": "regular", "width": 512, "height": 512,
			"is_animated": false, "is_video": false, "emoji": in.Sticker, "set_name": "HotCherry", "file_size": 30000}
	}
	loc := func(l Location) map[string]any {
		m := map[string]any{"latitude": l.Latitude, "longitude": l.Longitude}
		if l.LivePeriod > 0 {
			m["live_period"] = l.LivePeriod
		}
		return m
	}
	if in.Location != nil {
		msg["location"] = loc(*in.Location)
	}
	if v := in.Venue; v != nil {
		msg["location"] = loc(v.Location)
		msg["venue"] = map[string]any{"location": loc(v.Location), "title": v.Title, "address": v.Address}
	}
	if c := in.Contact; c != nil {
		m := map[string]any{"phone_number": c.PhoneNumber, "first_name": c.FirstName}
		if c.LastName != "" {
			m["last_name"] = c.LastName
		}
		if c.UserID != 0 {
			m["user_id"] = c.UserID
		}
		msg["contact"] = m
	}
	if p := in.Poll; p != nil {
		var opts []map[string]any
		for _, o := range p.Options {
			opts = append(opts, map[string]any{"text": o, "voter_count": 0})
		}
		msg["poll"] = map[string]any{"id": "5960", "question": p.Question, "options": opts, "total_voter_count": 0,
			"is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}
	}
	if in.Dice != "" {
		msg["dice"] = map[string]any{"emoji": in.Dice, "value": 4}
	}
	for k, v := range in.Extra {
		msg[k] = v
	}
	return caption
}
