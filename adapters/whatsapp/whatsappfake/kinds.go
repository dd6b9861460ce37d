package whatsappfake

// UserSends builds the webhook body of a message of type kind; fields are
// the message's own besides from, id, timestamp and type (for kind
// "location", {"location": {…}}).
func (s *Server) UserSends(waID, name, kind string, fields map[string]any) (wamid string, body []byte) {
	msg := map[string]any{"type": kind}
	for k, v := range fields {
		msg[k] = v
	}
	return s.inbound(waID, name, msg)
}

// UserLocation builds the webhook body of a shared location; name and
// address are set when the user picked a place.
func (s *Server) UserLocation(waID, name string, lat, lon float64, place, address string) (wamid string, body []byte) {
	loc := map[string]any{"latitude": lat, "longitude": lon}
	if place != "" {
		loc["name"] = place
	}
	if address != "" {
		loc["address"] = address
	}
	return s.UserSends(waID, name, "location", map[string]any{"location": loc})
}

// UserContact builds the webhook body of one shared contact card.
func (s *Server) UserContact(waID, name, formatted, phone string) (wamid string, body []byte) {
	return s.UserSends(waID, name, "contacts", map[string]any{"contacts": []any{map[string]any{
		"name":   map[string]any{"formatted_name": formatted, "first_name": formatted},
		"phones": []any{map[string]any{"phone": phone, "type": "CELL"}},
	}}})
}

// UserVoice builds the webhook body of a recorded voice message (an audio
// with voice: true); mediaID is from AddMedia.
func (s *Server) UserVoice(waID, name, mediaID string) (wamid string, body []byte) {
	s.mu.Lock()
	f := s.media[mediaID]
	s.mu.Unlock()
	return s.UserSends(waID, name, "audio", map[string]any{"audio": map[string]any{
		"id": mediaID, "mime_type": "audio/ogg; codecs=opus", "sha256": f.sha256, "voice": true}})
}

// UserUnsupported builds the webhook body WhatsApp sends for a message the
// Cloud API does not support (a poll, a view-once photo).
func (s *Server) UserUnsupported(waID, name string) (wamid string, body []byte) {
	return s.UserSends(waID, name, "unsupported", map[string]any{"errors": []any{map[string]any{
		"code": 131051, "title": "Message type unknown", "message": "Message type unknown",
		"error_data": map[string]any{"details": "Message type is currently not supported."},
	}}})
}

// UserEdit builds the webhook body of a user's edit of their text message
// original (sent for numbers that also use the WhatsApp Business app).
func (s *Server) UserEdit(waID, name, original, text string) (wamid string, body []byte) {
	return s.UserSends(waID, name, "edit", map[string]any{"edit": map[string]any{
		"original_message_id": original,
		"message":             map[string]any{"type": "text", "text": map[string]any{"body": text}},
	}})
}

// UserRevoke builds the webhook body of a user deleting their message
// original.
func (s *Server) UserRevoke(waID, name, original string) (wamid string, body []byte) {
	return s.UserSends(waID, name, "revoke", map[string]any{"revoke": map[string]any{"original_message_id": original}})
}
