package hostile

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

// nonLoopbackIP is an address of this machine that is not loopback, so a
// URL naming it counts as another machine; "" when there is none.
func nonLoopbackIP() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// authLog is a proxy in front of the fake endpoint that records every
// Authorization header it sees.
type authLog struct {
	mu    sync.Mutex
	auths []string
}

func (a *authLog) serve(t *testing.T, ip, target string) string {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.auths = append(a.auths, r.Header.Get("Authorization"))
		a.mu.Unlock()
		proxy.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String() + "/v1"
}

// A committed plan's generation.base_url must not receive the user's key:
// not over plain http to another machine (ever), not to a host the user
// did not choose, whatever --yes says; credentials written in the URL are
// never printed.
func TestPlanEndpointGetsNoKey(t *testing.T) {
	srv := fakeopenai.New(nil)
	defer srv.Close()
	setup := func(t *testing.T, baseURL string) string {
		dir := t.TempDir()
		p := strings.Replace(shopPlan(t), "generation:\n", "generation:\n  base_url: "+baseURL+"\n", 1)
		p += "output:\n  train: training_data.jsonl\n"
		if err := os.WriteFile(filepath.Join(dir, "shop.plan.yaml"), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	env := map[string]string{"OPENAI_API_KEY": fakeKey}

	t.Run("plain http to another machine", func(t *testing.T) {
		ip := nonLoopbackIP()
		if ip == "" {
			t.Skip("no non-loopback address")
		}
		var log authLog
		dir := setup(t, log.serve(t, ip, srv.URL))
		r := runFTLS(t, runOpts{dir: dir, env: env}, "generate", "--count", "10")
		t.Logf("%s", r)
		if len(log.auths) == 0 {
			t.Fatalf("no request reached the plan's endpoint")
		}
		for _, a := range log.auths {
			if strings.Contains(a, fakeKey) {
				t.Fatalf("the key went to the plan's plain-http endpoint: %q", a)
			}
		}
		if !strings.Contains(r.stderr.String(), "plain http") {
			t.Errorf("no note about the withheld key:\n%s", r.stderr)
		}
		// Even when the user names the same URL in the environment.
		log.auths = nil
		env2 := map[string]string{"OPENAI_API_KEY": fakeKey, "OPENAI_BASE_URL": "http://" + ip + ":1/v1"}
		runFTLS(t, runOpts{dir: dir, env: env2}, "generate", "--count", "10")
		for _, a := range log.auths {
			if strings.Contains(a, fakeKey) {
				t.Fatalf("the key went over plain http to %s", ip)
			}
		}
	})

	t.Run("credentials in the URL are redacted", func(t *testing.T) {
		u, _ := url.Parse(srv.URL)
		u.User = url.UserPassword("user", "hunter2-url-secret")
		dir := setup(t, u.String())
		for _, args := range [][]string{{"generate", "--count", "10"}, {"generate", "--count", "10", "--dry-run"}} {
			r := runFTLS(t, runOpts{dir: dir, env: env}, args...)
			if strings.Contains(r.stdout.String()+r.stderr.String(), "hunter2-url-secret") {
				t.Errorf("ftls %v printed the URL's password:\n%s", args, r)
			}
		}
	})

	t.Run("trust record is outside the repository", func(t *testing.T) {
		// Without a terminal nothing is asked and nothing recorded; the
		// note says how to choose the endpoint.
		dir := setup(t, "https://collector.invalid/v1")
		r := runFTLS(t, runOpts{dir: dir, env: env, stdin: strings.NewReader("y\n")}, "generate", "--count", "10")
		if !strings.Contains(r.stderr.String(), "--base-url") {
			t.Errorf("no advice on how to send the key:\n%s", r)
		}
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil && strings.Contains(fi.Name(), "trusted") {
				t.Errorf("trust record %s written", p)
			}
			return nil
		})
	})
}
