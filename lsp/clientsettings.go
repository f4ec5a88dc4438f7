package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/config"
)

// The settings the client sends (initializationOptions,
// workspace/configuration, didChangeConfiguration): what they may hold and
// how they are checked when they arrive.

// clientSettings are the editor's settings for ftls, from
// initializationOptions or the "ftls" section of workspace/configuration.
// They override ftls.yaml, which overrides the defaults.
type clientSettings struct {
	Target                 string            `json:"target"`
	Model                  string            `json:"model"`
	MaxTokens              int               `json:"maxTokens"`
	NearDuplicateThreshold float64           `json:"nearDuplicateThreshold"`
	MetadataKey            string            `json:"metadataKey"`
	CategoryField          string            `json:"categoryField"`
	Rules                  map[string]string `json:"rules"`
	// DebounceMs is how long the server waits after an edit before it
	// checks; nil keeps the default.
	DebounceMs *int `json:"debounceMs"`

	// The model provider that generates examples (generate.go). Model
	// above is the fine-tuning target; the generating model is
	// generation.model (or generationModel). The key is never logged.
	BaseURL         string `json:"baseUrl"`
	APIKey          string `json:"apiKey"`
	GenerationModel string `json:"generationModel"`
	Generation      *struct {
		BaseURL string `json:"baseUrl"`
		Model   string `json:"model"`
		APIKey  string `json:"apiKey"`
	} `json:"generation"`
}

// clientProvider returns the provider settings of the client (empty fields
// unset).
func (c *configState) clientProvider() generator.ProviderConfig {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs := c.client
	pc := generator.ProviderConfig{BaseURL: cs.BaseURL, APIKey: cs.APIKey, Model: cs.GenerationModel}
	if g := cs.Generation; g != nil {
		if g.BaseURL != "" {
			pc.BaseURL = g.BaseURL
		}
		if g.APIKey != "" {
			pc.APIKey = g.APIKey
		}
		if g.Model != "" {
			pc.Model = g.Model
		}
	}
	return pc
}

// defaultDebounce is the pause after an edit before the rows are checked
// again, when a check ended less than that long ago (see worker.loop).
// Re-checking touched rows costs a few milliseconds, so the pause only has
// to gather the changes an editor sends together (a paste, a format).
const defaultDebounce = 5 * time.Millisecond

func (c *clientSettings) lint() *config.Lint {
	return &config.Lint{
		Target: c.Target, Model: c.Model, MaxTokensPerExample: c.MaxTokens,
		MetadataKey: c.MetadataKey, CategoryField: c.CategoryField,
		NearDuplicateThreshold: c.NearDuplicateThreshold, Rules: c.Rules,
	}
}

// parseClientSettings reads the settings object; it may also be wrapped in
// {"ftls": {...}}, as didChangeConfiguration sends it. It validates every
// value so that a mistake is reported once, when the settings arrive.
func parseClientSettings(raw json.RawMessage) (*clientSettings, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return &clientSettings{}, nil
	}
	var wrapped struct {
		FTLS json.RawMessage `json:"ftls"`
	}
	if err := json.Unmarshal(raw, &wrapped); err == nil && len(wrapped.FTLS) > 0 && string(wrapped.FTLS) != "null" {
		raw = wrapped.FTLS
	}
	var c clientSettings
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	if err := c.lint().Apply(diagnostics.DefaultSettings()); err != nil {
		return nil, err
	}
	if c.DebounceMs != nil && (*c.DebounceMs < 0 || *c.DebounceMs > 10000) {
		return nil, fmt.Errorf("debounceMs must be between 0 and 10000, got %d", *c.DebounceMs)
	}
	return &c, nil
}
