package main

import (
	"fmt"

	"github.com/handoffbridge/handoff/adapters/knowledgebase"
	"github.com/handoffbridge/handoff/adapters/openai"
	"github.com/handoffbridge/handoff/adapters/upstream"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// newResponder builds the AI the config names.
func newResponder(c config.Responder) (bridge.Responder, error) {
	switch c.Kind {
	case "openai":
		return openai.New(openai.Options{
			BaseURL: c.OpenAI.BaseURL, Model: c.OpenAI.Model, APIKey: string(c.OpenAI.APIKey),
			SystemPrompt: c.OpenAI.SystemPrompt, Temperature: &c.OpenAI.Temperature, Timeout: c.Timeout,
		})
	case "webhook":
		return upstream.New(upstream.Options{URL: c.Webhook.URL, Secret: string(c.Webhook.Secret), Timeout: c.Timeout})
	case "knowledge_base", "":
		if c.KnowledgeBase.File == "" {
			return knowledgebase.Sample(), nil
		}
		return knowledgebase.Load(c.KnowledgeBase.File)
	}
	return nil, fmt.Errorf("unknown responder kind %q", c.Kind)
}
