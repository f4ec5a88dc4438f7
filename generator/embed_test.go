package generator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

func embedJob(srv *fakeopenai.Server) EmbedJob {
	return EmbedJob{
		Provider:  Provider{BaseURL: srv.URL, APIKey: "sk-test-secret-123", Model: "text-embedding-3-small"},
		BatchSize: 2, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		RequestTimeout: 2 * time.Second,
	}
}

func collect(t *testing.T, job EmbedJob, texts []string) (map[int][]float32, EmbedReport, error) {
	t.Helper()
	got := map[int][]float32{}
	rep, err := Embed(context.Background(), job, texts, func(i int, v []float32) error {
		if len(v) != fakeopenai.EmbedDims {
			return fmt.Errorf("a vector of %d dimensions", len(v))
		}
		got[i] = v
		return nil
	}, nil)
	return got, rep, err
}

func TestEmbedBatchesAndUsage(t *testing.T) {
	srv := fakeopenai.New(nil)
	defer srv.Close()
	texts := []string{"reset my password", "ship to Lyon", "refund an order", "track a parcel", "cancel"}
	got, rep, err := collect(t, embedJob(srv), texts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 3 || len(srv.Requests()) != 3 || rep.Embedded != 5 || len(got) != 5 {
		t.Fatalf("report %+v, %d requests, %d vectors", rep, len(srv.Requests()), len(got))
	}
	for i, text := range texts {
		if !slices.Equal(got[i], fakeopenai.Embed(text, fakeopenai.EmbedDims)) {
			t.Errorf("text %d got another text's vector", i)
		}
	}
	if rep.Tokens != 13 || !rep.CostKnown {
		t.Errorf("tokens %d (cost known %v), want the 13 words the fake counts", rep.Tokens, rep.CostKnown)
	}
	r := srv.Requests()[0]
	if r.Path != "/v1/embeddings" || !slices.Equal(r.Inputs(), texts[:2]) || r.Body.Model != "text-embedding-3-small" {
		t.Errorf("first request %s %q model %q", r.Path, r.Inputs(), r.Body.Model)
	}
}

func TestEmbedRetriesHonourRetryAfter(t *testing.T) {
	var n atomic.Int32
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		switch n.Add(1) {
		case 1:
			return fakeopenai.Error(429, "rate limited", "rate_limit_error", map[string]string{"Retry-After-Ms": "30"})
		case 2:
			return fakeopenai.Error(503, "overloaded", "server_error", nil)
		}
		return nil
	})
	defer srv.Close()
	start := time.Now()
	got, rep, err := collect(t, embedJob(srv), []string{"a b", "c d"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || rep.Retries != 2 {
		t.Errorf("%d vectors after %d retries, want 2 after 2", len(got), rep.Retries)
	}
	if reqs := srv.Requests(); reqs[1].Arrived.Sub(reqs[0].Arrived) < 30*time.Millisecond || time.Since(start) > 10*time.Second {
		t.Errorf("the retry did not wait for Retry-After-Ms: %s", reqs[1].Arrived.Sub(reqs[0].Arrived))
	}
}

func TestEmbedUnusableAnswers(t *testing.T) {
	v := fakeopenai.Embed("x", fakeopenai.EmbedDims)
	for _, tc := range []struct {
		name, body string
		kept       int
		note       string
	}{
		{"one vector for two texts", fakeopenai.Embedding(v), 0, "1 vectors for 2 texts"},
		{"three vectors for two texts", fakeopenai.Embedding(v, v, v), 0, "3 vectors for 2 texts"},
		{"index twice", strings.Replace(fakeopenai.Embedding(v, v), `"index":1`, `"index":0`, 1), 0, "index 0 twice"},
		{"wrong length", fakeopenai.Embedding(v, v[:10]), 1, "10 dimensions"},
		{"empty vector", fakeopenai.Embedding(v, []float32{}), 0, "empty vector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply { return &fakeopenai.Reply{Body: tc.body} })
			defer srv.Close()
			got, rep, err := collect(t, embedJob(srv), []string{"a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.kept || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], tc.note) {
				t.Errorf("kept %d vectors, notes %q; want %d and a note with %q", len(got), rep.Notes, tc.kept, tc.note)
			}
		})
	}
}

func TestEmbedNeverShowsTheKey(t *testing.T) {
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		return fakeopenai.Error(401, "bad key "+strings.TrimPrefix(req.Auth, "Bearer ")+" in "+req.Auth, "invalid_request_error", nil)
	})
	defer srv.Close()
	_, _, err := collect(t, embedJob(srv), []string{"a"})
	if err == nil || strings.Contains(err.Error(), "sk-test-secret-123") || !strings.Contains(err.Error(), "401") {
		t.Errorf("error %v: want a 401 without the key", err)
	}
}

func TestEmbedInterruptedKeepsWhatArrived(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		if req.N == 1 {
			cancel()
			return &fakeopenai.Reply{Delay: time.Minute}
		}
		return nil
	})
	defer srv.Close()
	var kept []int
	_, err := Embed(ctx, embedJob(srv), []string{"a", "b", "c", "d"}, func(i int, v []float32) error {
		kept = append(kept, i)
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) || !slices.Equal(kept, []int{0, 1}) {
		t.Errorf("err %v, kept %v: want the first batch kept and the run cancelled", err, kept)
	}
}

func TestEmbedTimeoutIsBounded(t *testing.T) {
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply { return &fakeopenai.Reply{Delay: time.Minute} })
	defer srv.Close()
	job := embedJob(srv)
	job.RequestTimeout, job.MaxRetries = 50*time.Millisecond, 1
	start := time.Now()
	_, _, err := collect(t, job, []string{"a"})
	if err == nil || !strings.Contains(err.Error(), "no answer within") || time.Since(start) > 5*time.Second {
		t.Errorf("err %v after %s", err, time.Since(start))
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want the first and one retry", n)
	}
}

func TestEmbedConcurrency(t *testing.T) {
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		return &fakeopenai.Reply{Delay: 20 * time.Millisecond}
	})
	defer srv.Close()
	job := embedJob(srv)
	job.Concurrency = 3
	texts := make([]string, 20)
	for i := range texts {
		texts[i] = fmt.Sprintf("text number %d", i)
	}
	got, rep, err := collect(t, job, texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20 || rep.Requests != 10 || rep.Embedded != 20 {
		t.Fatalf("%d vectors, report %+v", len(got), rep)
	}
	for i, text := range texts {
		if !slices.Equal(got[i], fakeopenai.Embed(text, fakeopenai.EmbedDims)) {
			t.Errorf("text %d got another text's vector", i)
		}
	}
	if m := srv.MaxInFlight(); m < 2 || m > 3 {
		t.Errorf("%d requests in flight at most, want 2 or 3", m)
	}
}

func TestEmbedStopsAtAFailure(t *testing.T) {
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		if slices.Contains(req.Inputs(), "bad") {
			return fakeopenai.Error(400, "input rejected", "invalid_request_error", nil)
		}
		return nil
	})
	defer srv.Close()
	job := embedJob(srv)
	got, rep, err := collect(t, job, []string{"a", "b", "bad", "c", "d", "e"})
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("err %v, want the 400", err)
	}
	if len(got) != 2 || rep.Requests != 2 || len(srv.Requests()) != 2 {
		t.Errorf("kept %d vectors after %d requests (%d sent); want the first batch only", len(got), rep.Requests, len(srv.Requests()))
	}
}
