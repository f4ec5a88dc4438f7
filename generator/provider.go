package generator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ftls-dev/ftls/internal/plan"
)

// Environment variables read by ResolveProvider, the names the OpenAI SDKs
// use.
const (
	EnvBaseURL = "OPENAI_BASE_URL"
	EnvAPIKey  = "OPENAI_API_KEY"
	EnvModel   = "OPENAI_MODEL"
)

// OpenAIBaseURL is the endpoint used when an API key is configured without
// a base URL.
const OpenAIBaseURL = "https://api.openai.com/v1"

// OllamaBaseURL is the local endpoint tried when nothing is configured.
const OllamaBaseURL = "http://127.0.0.1:11434/v1"

// Provider is a resolved OpenAI-compatible endpoint. APIKey is a secret:
// String and every error and report of this package leave it out.
type Provider struct {
	BaseURL string
	APIKey  string
	Model   string
	// Source says where each value came from, for the user: e.g.
	// "base URL from --base-url, model from the plan, key from OPENAI_API_KEY".
	Source string
	// Note is a remark worth showing before generating, such as a model
	// replaced because the local server does not have it; "" when none.
	Note string
	// PlanEndpoint is set when a key was configured but withheld because
	// the base URL comes from the plan and the user has not confirmed it:
	// the caller may ask the user, record the answer with
	// TrustPlanEndpoint and resolve again.
	PlanEndpoint string
}

// String describes the provider without its key.
func (p Provider) String() string {
	key := "no API key"
	if p.APIKey != "" {
		key = "API key set"
	}
	return fmt.Sprintf("%s at %s (%s)", p.Model, RedactURL(p.BaseURL), key)
}

// GoString keeps the key out of %#v as well.
func (p Provider) GoString() string { return "generator.Provider{" + p.String() + "}" }

// ProviderConfig is one layer of provider settings; empty fields are unset.
type ProviderConfig struct {
	BaseURL string
	APIKey  string
	Model   string
}

// ResolveOptions are the layers ResolveProvider combines, highest
// precedence first: Flags (command-line flags or editor settings), the
// plan's generation section, then the environment.
type ResolveOptions struct {
	Flags ProviderConfig
	// Plan supplies generation.base_url and generation.model when the plan
	// file sets them (defaults of the plan do not count as configured).
	Plan *plan.Plan
	// Getenv reads the environment; nil means no environment (tests pass
	// their own).
	Getenv func(string) string
	// Probe enables trying a local Ollama server when neither a base URL
	// nor a key is configured. ProbeURL overrides its models URL (default
	// OllamaBaseURL + "/models"); ProbeTimeout defaults to 1 second.
	Probe        bool
	ProbeURL     string
	ProbeTimeout time.Duration
	HTTPClient   *http.Client
	// Trusted reports whether the user confirmed the plan's base URL for
	// this plan; nil means the record in the user's configuration folder
	// (PlanEndpointTrusted).
	Trusted func(planPath, baseURL string) bool
}

func (o ResolveOptions) planTrusted(baseURL string) bool {
	if o.Plan == nil || o.Plan.Path == "" {
		return false
	}
	if o.Trusted != nil {
		return o.Trusted(o.Plan.Path, baseURL)
	}
	return PlanEndpointTrusted(o.Plan.Path, baseURL)
}

// ErrNoProvider is returned (wrapped, with what to set) when no endpoint is
// configured and no local server answers.
var ErrNoProvider = errors.New("no model provider configured")

// ResolveProvider picks the base URL, key and model. Each value comes from
// the first layer that sets it: flags, the plan, the environment
// (OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL). A key without a base URL
// means OpenAI. With neither a base URL nor a key, it asks a local Ollama
// server for its models (when Probe is set) and uses it if it answers;
// otherwise it fails with a message naming what to set.
func ResolveProvider(ctx context.Context, o ResolveOptions) (Provider, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var planCfg ProviderConfig
	if o.Plan != nil {
		if o.Plan.Has("generation", "base_url") {
			planCfg.BaseURL = o.Plan.Generation.BaseURL
		}
		if o.Plan.Has("generation", "model") {
			planCfg.Model = o.Plan.Generation.Model
		}
	}
	env := ProviderConfig{
		BaseURL: strings.TrimSpace(getenv(EnvBaseURL)),
		APIKey:  strings.TrimSpace(getenv(EnvAPIKey)),
		Model:   strings.TrimSpace(getenv(EnvModel)),
	}
	var p Provider
	var from []string
	pick := func(what string, dst *string, layers ...struct {
		v, name string
	}) {
		for _, l := range layers {
			if strings.TrimSpace(l.v) != "" {
				*dst = strings.TrimSpace(l.v)
				from = append(from, what+" from "+l.name)
				return
			}
		}
	}
	type layer = struct{ v, name string }
	pick("base URL", &p.BaseURL, layer{o.Flags.BaseURL, "flags"}, layer{planCfg.BaseURL, "the plan"}, layer{env.BaseURL, EnvBaseURL})
	pick("key", &p.APIKey, layer{o.Flags.APIKey, "settings"}, layer{env.APIKey, EnvAPIKey})
	pick("model", &p.Model, layer{o.Flags.Model, "flags"}, layer{planCfg.Model, "the plan"}, layer{env.Model, EnvModel})

	switch {
	case p.BaseURL != "":
	case p.APIKey != "":
		p.BaseURL = OpenAIBaseURL
		from = append(from, "base URL: OpenAI (the default with a key)")
	default:
		if !o.Probe {
			return Provider{}, noProviderError()
		}
		models, err := probeOllama(ctx, o)
		if err != nil {
			return Provider{}, noProviderError()
		}
		p.BaseURL = OllamaBaseURL
		if o.ProbeURL != "" {
			p.BaseURL = strings.TrimSuffix(o.ProbeURL, "/models")
		}
		from = append(from, "base URL: local Ollama server")
		switch {
		case p.Model != "" && (o.Flags.Model != "" || slices.Contains(models, p.Model)):
		case len(models) == 0:
			return Provider{}, fmt.Errorf("the local Ollama server at %s has no models; pull one (ollama pull llama3.2) or set %s", p.BaseURL, EnvBaseURL)
		default:
			if p.Model != "" {
				p.Note = fmt.Sprintf("model %s is not available on the local Ollama server; using %s (set --model to choose another)", p.Model, models[0])
			}
			p.Model = models[0]
			from = append(from, "model: the first one Ollama lists")
		}
	}
	if p.Model == "" {
		p.Model = plan.DefaultModel
		from = append(from, "model: the default")
	}
	p.BaseURL = strings.TrimRight(p.BaseURL, "/")
	if !strings.HasPrefix(p.BaseURL, "http://") && !strings.HasPrefix(p.BaseURL, "https://") {
		return Provider{}, fmt.Errorf("base URL %q is not an http or https URL (for example http://localhost:8000/v1)", RedactURL(redact(p.BaseURL, p.APIKey)))
	}
	// A plan travels with a repository: a plan written by someone else
	// must not be able to send the user's key to a server of their choice.
	// The key goes to a base URL taken from the plan only when it is
	// OpenAI, a loopback address, the host the user configured in the
	// environment, or an endpoint the user confirmed for this plan (see
	// TrustPlanEndpoint). It never goes over plain http to another
	// machine, whoever chose the URL.
	if p.APIKey != "" {
		switch {
		case cleartextRemote(p.BaseURL):
			p.APIKey = ""
			p.Note = fmt.Sprintf("%s is plain http to another machine; the API key is never sent in clear, so none is sent (use https)", RedactURL(p.BaseURL))
			from = append(from, "no key (plain http)")
		case o.Flags.BaseURL == "" && planCfg.BaseURL != "" &&
			!trustedHost(p.BaseURL, env.BaseURL) && !o.planTrusted(p.BaseURL):
			p.APIKey = ""
			p.PlanEndpoint = p.BaseURL
			p.Note = fmt.Sprintf("the plan sets generation.base_url to %s, which you have not confirmed; the API key is only sent there when %s or --base-url names the same host or you confirm it once for this plan, so none is sent", RedactURL(p.BaseURL), EnvBaseURL)
			from = append(from, "no key (plan's base URL not confirmed)")
		}
	}
	p.Source = strings.Join(from, ", ")
	return p, nil
}

// trustedHost reports whether a key may go to base: OpenAI, a loopback
// address, or the host of the base URL the user configured.
func trustedHost(base, userBase string) bool {
	h := hostOf(base)
	if h == "" {
		return false
	}
	if h == hostOf(OpenAIBaseURL) || (userBase != "" && h == hostOf(userBase)) {
		return true
	}
	name := h
	if host, _, err := net.SplitHostPort(h); err == nil {
		name = host
	}
	if name == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(name, "[]"))
	return ip != nil && ip.IsLoopback()
}

// hostOf returns the host[:port] of a URL, lower-cased.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

func noProviderError() error {
	return fmt.Errorf("%w: set %s (and %s for an endpoint other than OpenAI, %s for the model), "+
		"or generation.base_url in the plan, or pass --base-url; "+
		"or start Ollama (ollama serve) so that %s answers", ErrNoProvider, EnvAPIKey, EnvBaseURL, EnvModel, OllamaBaseURL)
}

// probeOllama lists the models of the local server; it fails fast when
// nothing listens.
func probeOllama(ctx context.Context, o ResolveOptions) ([]string, error) {
	probe := o.ProbeURL
	if probe == "" {
		probe = OllamaBaseURL + "/models"
	}
	timeout := o.ProbeTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, probe, nil)
	if err != nil {
		return nil, err
	}
	client := o.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&list); err != nil {
		return nil, err
	}
	// Embedding models cannot chat; list them last.
	var out, embed []string
	for _, m := range list.Data {
		switch {
		case m.ID == "":
		case strings.Contains(strings.ToLower(m.ID), "embed"):
			embed = append(embed, m.ID)
		default:
			out = append(out, m.ID)
		}
	}
	return append(out, embed...), nil
}

// redact removes the key from text. Besides the exact key it removes any
// "Bearer ..." credential, in case an endpoint echoes its request headers.
func redact(text, key string) string {
	if key != "" {
		text = strings.ReplaceAll(text, key, "[redacted]")
	}
	for _, prefix := range []string{"Bearer ", "bearer "} {
		for i := 0; ; {
			j := strings.Index(text[i:], prefix)
			if j < 0 {
				break
			}
			start := i + j + len(prefix)
			end := start
			for end < len(text) && !strings.ContainsRune(" \t\r\n\"',;}", rune(text[end])) {
				end++
			}
			text = text[:start] + "[redacted]" + text[end:]
			i = start + len("[redacted]")
		}
	}
	return text
}

// redactedError is an error whose text has been scrubbed of the key. It
// does not wrap the original error, whose text may hold the key.
type redactedError struct {
	msg       string
	status    int
	retryable bool
	// formatRejected is set for a 400 that names response_format.
	formatRejected bool
}

func (e *redactedError) Error() string { return e.msg }
