package config

import (
	"fmt"
	"math"
	"os"
	"strings"
	"time"
)

// Responder is the AI that answers users.
type Responder struct {
	// Kind is knowledge_base, openai or webhook.
	Kind string `mapstructure:"kind" default:"knowledge_base"`
	// Timeout bounds one answer.
	Timeout       time.Duration    `mapstructure:"timeout" default:"10s"`
	KnowledgeBase KnowledgeBase    `mapstructure:"knowledge_base"`
	OpenAI        OpenAI           `mapstructure:"openai"`
	Webhook       ResponderWebhook `mapstructure:"webhook"`
}

// KnowledgeBase is the built-in question/answer responder.
type KnowledgeBase struct {
	// File is a YAML file of entries or a folder of Markdown files; empty
	// means the built-in sample.
	File string `mapstructure:"file"`
}

// OpenAI is an OpenAI-compatible chat completions endpoint (OpenAI, Ollama,
// vLLM, llama.cpp, …).
type OpenAI struct {
	BaseURL string `mapstructure:"base_url" default:"https://api.openai.com/v1"`
	Model   string `mapstructure:"model"`
	// APIKeyEnv names the variable holding the API key; empty sends none
	// (local servers).
	APIKeyEnv string `mapstructure:"api_key_env"`
	// SystemPrompt replaces the built-in system prompt when set.
	SystemPrompt string  `mapstructure:"system_prompt"`
	Temperature  float64 `mapstructure:"temperature" default:"0.2"`

	// APIKey is resolved from APIKeyEnv.
	APIKey Secret `mapstructure:"-"`
}

// ResponderWebhook posts each message to an upstream bot and takes
// {text, confidence, handoff} back.
type ResponderWebhook struct {
	URL string `mapstructure:"url"`
	// SecretEnv names the variable holding the HMAC key that signs requests;
	// empty sends them unsigned.
	SecretEnv string `mapstructure:"secret_env"`

	// Secret is resolved from SecretEnv.
	Secret Secret `mapstructure:"-"`
}

var responderKinds = []string{"knowledge_base", "openai", "webhook"}

func (r Responder) validate(p *problems) {
	checkDuration(p, "responder.timeout", r.Timeout, false, time.Millisecond)
	if !p.oneOf("responder.kind", "kind", r.Kind, responderKinds...) {
		return
	}
	switch r.Kind {
	case "knowledge_base":
		if f := r.KnowledgeBase.File; f != "" {
			if _, err := os.Stat(f); err != nil {
				p.add("responder.knowledge_base.file", fmt.Errorf("cannot read %q: %w", f, err))
			}
		}
	case "openai":
		o := r.OpenAI
		if err := checkHTTPURL(o.BaseURL); err != nil {
			p.add("responder.openai.base_url", err)
		}
		if strings.TrimSpace(o.Model) == "" {
			p.addf("responder.openai.model", "required when responder.kind is openai")
		}
		if math.IsNaN(o.Temperature) || o.Temperature < 0 || o.Temperature > 2 {
			p.addf("responder.openai.temperature", "%v is outside 0..2", o.Temperature)
		}
		optionalSecret(p, "responder.openai.api_key_env", o.APIKeyEnv, o.APIKey)
	case "webhook":
		w := r.Webhook
		if err := checkHTTPURL(w.URL); err != nil {
			p.add("responder.webhook.url", err)
		}
		optionalSecret(p, "responder.webhook.secret_env", w.SecretEnv, w.Secret)
	}
}
