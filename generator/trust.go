package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/ftls-dev/ftls/internal/atomicfile"
)

// The record of plan endpoints the user confirmed lives in the user's
// configuration folder, never next to the plan: a repository cannot ship
// its own confirmation.
const trustFileName = "trusted-endpoints.json"

var trustMu sync.Mutex

// TrustFile is where confirmed plan endpoints are recorded:
// os.UserConfigDir()/ftls/trusted-endpoints.json.
func TrustFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user configuration folder to record trusted endpoints in: %w", err)
	}
	return filepath.Join(dir, "ftls", trustFileName), nil
}

type trustRecord struct {
	Plan    string `json:"plan"`
	BaseURL string `json:"base_url"`
}

// trustKey identifies a plan by its resolved absolute path.
func trustPlanKey(planPath string) string {
	abs, err := filepath.Abs(planPath)
	if err != nil {
		return filepath.Clean(planPath)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

func normalizeBaseURL(u string) string { return strings.TrimRight(strings.TrimSpace(u), "/") }

func readTrust() []trustRecord {
	path, err := TrustFile()
	if err != nil {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var recs []trustRecord
	if json.Unmarshal(data, &recs) != nil {
		return nil
	}
	return recs
}

// PlanEndpointTrusted reports whether the user confirmed that the plan at
// planPath may receive the API key at baseURL. A changed base URL needs a
// new confirmation.
func PlanEndpointTrusted(planPath, baseURL string) bool {
	if planPath == "" || baseURL == "" {
		return false
	}
	trustMu.Lock()
	defer trustMu.Unlock()
	k, u := trustPlanKey(planPath), normalizeBaseURL(baseURL)
	for _, r := range readTrust() {
		if r.Plan == k && r.BaseURL == u {
			return true
		}
	}
	return false
}

// TrustPlanEndpoint records the user's confirmation that the plan at
// planPath may receive the API key at baseURL. A plain-http URL to a host
// other than this machine is refused: the key would travel in clear.
func TrustPlanEndpoint(planPath, baseURL string) error {
	if planPath == "" || baseURL == "" {
		return errors.New("no plan or base URL to trust")
	}
	if cleartextRemote(baseURL) {
		return fmt.Errorf("%s is plain http to another machine: the API key is never sent there", RedactURL(baseURL))
	}
	path, err := TrustFile()
	if err != nil {
		return err
	}
	trustMu.Lock()
	defer trustMu.Unlock()
	k, u := trustPlanKey(planPath), normalizeBaseURL(baseURL)
	recs := readTrust()
	for _, r := range recs {
		if r.Plan == k && r.BaseURL == u {
			return nil
		}
	}
	recs = append(recs, trustRecord{Plan: k, BaseURL: u})
	sort.Slice(recs, func(i, j int) bool { return recs[i].Plan < recs[j].Plan })
	data, _ := json.MarshalIndent(recs, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, append(data, '\n')); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// isLoopbackHost reports whether host (without port) is this machine.
func isLoopbackHost(host string) bool {
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cleartextRemote reports whether raw is a plain-http URL to another
// machine, where a key must never go.
func cleartextRemote(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	return strings.EqualFold(u.Scheme, "http") && !isLoopbackHost(u.Hostname())
}

// RedactURL hides a password written inside a URL
// (http://user:secret@host becomes http://user:[redacted]@host), for
// every place a base URL is printed or logged. Text that does not parse
// is returned with anything between "://" and "@" hidden.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err == nil {
		if u.User == nil {
			return raw
		}
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "[redacted]")
		} else {
			u.User = url.User("[redacted]")
		}
		return strings.Replace(u.String(), "%5Bredacted%5D", "[redacted]", 1)
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		if j := strings.LastIndex(raw, "@"); j > i {
			return raw[:i+3] + "[redacted]" + raw[j:]
		}
	}
	return raw
}
