package main

import (
	"github.com/handoffbridge/handoff/adapters/whatsapp"
	"github.com/handoffbridge/handoff/bridge"
)

// wireWhatsApp plugs in the WhatsApp Cloud API number when the config
// enables it: the user channel, its webhook at /whatsapp/webhook and media
// links at /whatsapp/media/, the runner that processes stored webhook
// deliveries, and its health.
func wireWhatsApp(w *wiring) error {
	c := w.cfg.Channels.WhatsApp
	if !c.Enabled {
		return nil
	}
	inbox, _ := w.store.(bridge.Inbox) // nil: deliveries are handled before the answer
	wa, err := whatsapp.New(whatsapp.Options{
		PhoneNumberID: c.PhoneNumberID, Token: c.Token.Reveal(), AppSecret: c.AppSecret.Reveal(), VerifyToken: c.VerifyToken.Reveal(),
		APIURL: c.APIURL, APIVersion: c.APIVersion, PublicURL: w.cfg.HTTP.PublicURL,
		TemplateName: c.TemplateName, TemplateLanguage: c.TemplateLanguage,
		Handler: w.engine, State: w.engine.AdapterState("whatsapp"), Inbox: inbox, Logger: w.log,
	})
	if err != nil {
		return err // names itself
	}
	w.engine.RegisterUserChannel(wa)
	wa.Mount(w.mux)
	if inbox != nil {
		w.runSingleton("whatsapp", wa, wa) // one drain of the webhook inbox
	} else {
		w.run("whatsapp", wa)
		w.health["whatsapp"] = wa
	}
	return nil
}
