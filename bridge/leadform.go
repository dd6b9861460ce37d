package bridge

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// askLead asks the user for the lead form's current field: the whole form
// on channels that show one, one question at a time elsewhere.
func (w *work) askLead(ctx context.Context, c *Conversation, h *Handoff, problem string) error {
	msgs := w.s.Messages
	prompt := map[LeadField]string{LeadName: msgs.LeadName, LeadContact: msgs.LeadContact, LeadMessage: msgs.LeadMessage}[h.LeadStep]
	text := prompt
	if problem != "" {
		text = problem + " " + prompt
	}
	m := &Message{ConversationID: c.ID, HandoffID: h.ID, Role: RoleSystem, Author: w.s.BotName, Text: text, CreatedAt: w.now}
	if err := w.tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("store lead form prompt: %w", err)
	}
	return w.enqueue(ctx, UserDestination(c.Address.Channel), streamOfConversation(c.ID), OpUserLeadForm,
		UserLeadFormPayload{To: c.Address, Step: LeadFormStep{MessageID: m.ID, Field: h.LeadStep, Prompt: prompt, Problem: problem}})
}

// answerLead takes a typed answer to the current lead form question.
func (w *work) answerLead(ctx context.Context, c *Conversation, h *Handoff, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return w.askLead(ctx, c, h, w.s.Messages.LeadEmpty)
	}
	switch h.LeadStep {
	case LeadName:
		h.LeadDraft.Name = text
		h.LeadStep = LeadContact
	case LeadContact:
		email, phone, ok := parseContact(text)
		if !ok {
			return w.saveAndAsk(ctx, c, h, w.s.Messages.LeadBadContact)
		}
		h.LeadDraft.Email, h.LeadDraft.Phone = email, phone
		h.LeadStep = LeadMessage
	case LeadMessage:
		h.LeadDraft.Message = text
		return w.captureLead(ctx, c, h)
	}
	return w.saveAndAsk(ctx, c, h, "")
}

func (w *work) saveAndAsk(ctx context.Context, c *Conversation, h *Handoff, problem string) error {
	if err := w.saveHandoff(ctx, h); err != nil {
		return err
	}
	return w.askLead(ctx, c, h, problem)
}

// submitLead takes a whole form at once (the widget's).
func (w *work) submitLead(ctx context.Context, c *Conversation, h *Handoff, f UserLeadForm) error {
	name, msg := strings.TrimSpace(f.Name), strings.TrimSpace(f.Message)
	email, phone, contactOK := parseContact(f.Contact)
	switch {
	case name == "":
		h.LeadStep = LeadName
		return w.saveAndAsk(ctx, c, h, w.s.Messages.LeadEmpty)
	case !contactOK:
		h.LeadStep = LeadContact
		return w.saveAndAsk(ctx, c, h, w.s.Messages.LeadBadContact)
	case msg == "":
		h.LeadStep = LeadMessage
		return w.saveAndAsk(ctx, c, h, w.s.Messages.LeadEmpty)
	}
	h.LeadDraft = Lead{Name: name, Email: email, Phone: phone, Message: msg}
	return w.captureLead(ctx, c, h)
}

// captureLead stores the finished form as a Lead, shows it in the thread and
// thanks the user.
func (w *work) captureLead(ctx context.Context, c *Conversation, h *Handoff) error {
	h.LeadStep = LeadDone
	lead := h.LeadDraft
	lead.HandoffID, lead.ConversationID, lead.Team, lead.CreatedAt = h.ID, c.ID, h.Team, w.now
	if err := w.tx.AddLead(ctx, &lead); err != nil {
		return fmt.Errorf("store lead: %w", err)
	}
	h.LeadDraft = lead
	team, obs := h.Team, w.e.obs
	w.after = append(w.after, func() { obs.LeadCaptured(team) })
	if err := w.saveHandoff(ctx, h); err != nil {
		return err
	}
	if err := w.record(ctx, h, EventLead, "user", h.State, ""); err != nil {
		return err
	}
	contact := lead.Email
	if contact == "" {
		contact = lead.Phone
	}
	line := "Lead captured: " + EscapeMarkdown(lead.Name) + ", " + EscapeMarkdown(contact) + `: "` + EscapeMarkdown(lead.Message) + `"`
	if err := w.systemLine(ctx, h, line); err != nil {
		return err
	}
	if err := w.updateCard(ctx, h, c); err != nil {
		return err
	}
	if err := w.notify(ctx, EventLead, h, c, "user", &lead); err != nil {
		return err
	}
	_, err := w.say(ctx, c, h.ID, RoleSystem, fill(w.s.Messages.LeadThanks, "{name}", lead.Name), NoticeLeadSaved, 0)
	return err
}

// saveHandoff writes fields that are not part of a state change (lead form
// progress). The lane keeps the conversation's events in order, so the
// state and owner it expects are the ones it read.
func (w *work) saveHandoff(ctx context.Context, h *Handoff) error {
	h.UpdatedAt = w.now
	ok, err := w.tx.UpdateHandoff(ctx, h, h.State, h.Owner)
	if err != nil {
		return fmt.Errorf("save handoff %d: %w", h.ID, err)
	}
	if !ok {
		return fmt.Errorf("save handoff %d: changed meanwhile: %w", h.ID, ErrBadAction)
	}
	return nil
}

// parseContact accepts an email address or a phone number.
func parseContact(s string) (email, phone string, ok bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" {
			return "", "", false
		}
		at := strings.LastIndexByte(a.Address, '@')
		if at <= 0 || !strings.Contains(a.Address[at+1:], ".") || strings.HasSuffix(a.Address, ".") {
			return "", "", false
		}
		return a.Address, "", true
	}
	return "", normalizePhone(s), normalizePhone(s) != ""
}

// normalizePhone keeps a leading + and the digits of a phone number written
// with spaces, dots, dashes or parentheses; it returns "" for anything else
// or a number with fewer than 7 or more than 15 digits (E.164's limit).
func normalizePhone(s string) string {
	var b strings.Builder
	digits := 0
	for i, r := range s {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		case unicode.IsSpace(r):
		default:
			return ""
		}
	}
	if digits < 7 || digits > 15 {
		return ""
	}
	return b.String()
}
