package fc_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

func TestRetryThrottledBurst(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClientWith(t, s.URL, testKeyID, testSecret, fc.RetryPolicy{
		MaxAttempts: 40, BaseDelay: 20 * time.Millisecond, MaxDelay: 400 * time.Millisecond, MaxElapsed: 15 * time.Second})
	ctx := testContext(t)
	id := mustCreate(t, c, fc.ServiceID("svc"), nil, nil).ID
	s.SetFaults(emulator.Faults{ThrottleRPS: 50})
	s.ResetStats()

	// 200 Gets against a bucket of 50: even if a loaded machine spreads the
	// burst over a few seconds, some are refused.
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			if _, err := c.Get(ctx, id); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.Stats()["GetService"]; n <= 200 {
		t.Errorf("%d GetService calls for 200 Gets: the throttle refused none, so retries were not exercised", n)
	}
}

func TestRetryFailNth(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClient(t, s)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	s.SetFaults(emulator.Faults{FailNth: map[string]int{"CreateFunction": 1}})
	s.ResetStats()
	r := mustCreate(t, c, fc.FunctionID("svc", "fn"), map[string]any{"runtime": "python3.9", "handler": "i.h"},
		makeZip(t, map[string]string{"i.py": ""}))
	if r.Spec["handler"] != "i.h" {
		t.Errorf("spec: %v", r.Spec)
	}
	if n := s.Stats()["CreateFunction"]; n != 2 {
		t.Errorf("%d CreateFunction calls, want 2 (one failed, one retried)", n)
	}
}

// lossyProxy stands between the client and the emulator and loses the
// connection of the first request of chosen actions: either before
// forwarding it (never applied) or after (applied, answer lost), which no
// emulator fault can express.
type lossyProxy struct {
	target *url.URL
	mu     sync.Mutex
	lose   map[string]bool // action -> apply before losing the connection
}

func newLossyProxy(t *testing.T, s *emulator.Server, lose map[string]bool) string {
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&lossyProxy{target: u, lose: lose})
	t.Cleanup(srv.Close)
	return srv.URL
}

func (p *lossyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get("X-Acs-Action")
	p.mu.Lock()
	applyFirst, lose := p.lose[action]
	delete(p.lose, action)
	p.mu.Unlock()

	if !lose || applyFirst {
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
		out.Host = r.Host // the SDK signed the host it talked to
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if !lose {
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
			return
		}
		io.Copy(io.Discard, resp.Body)
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestRetryDroppedConnection(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClientWith(t, newLossyProxy(t, s, map[string]bool{"GetService": false}), testKeyID, testSecret, fastRetry)
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	s.ResetStats()
	if _, err := c.Get(ctx, fc.ServiceID("svc")); err != nil {
		t.Fatal(err)
	}
	if n := s.Stats()["GetService"]; n != 1 {
		t.Errorf("the emulator saw %d GetService calls, want the 1 retried after the lost one", n)
	}
}

// TestRetryResolvesLostAnswers: writes whose answer was lost after FC
// applied them are recognised on retry instead of failing.
func TestRetryResolvesLostAnswers(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClientWith(t, newLossyProxy(t, s, map[string]bool{"CreateService": true, "UpdateService": true, "DeleteService": true}),
		testKeyID, testSecret, fastRetry)
	ctx := testContext(t)
	id := fc.ServiceID("svc")

	created, err := c.Create(ctx, id, map[string]any{"description": "a"}, nil)
	if err != nil {
		t.Fatalf("create whose first answer was lost: %v", err)
	}
	if created.Spec["description"] != "a" || created.ETag == "" {
		t.Errorf("create resolved to %+v", created)
	}
	updated, err := c.Update(ctx, id, map[string]any{"description": "b"}, nil, created.ETag)
	if err != nil {
		t.Fatalf("update whose first answer was lost: %v", err)
	}
	if updated.Spec["description"] != "b" {
		t.Errorf("update resolved to %+v", updated)
	}
	if err := c.Delete(ctx, id, updated.ETag); err != nil {
		t.Fatalf("delete whose first answer was lost: %v", err)
	}
	st := s.Stats()
	if st["CreateService"] != 2 || st["UpdateService"] != 2 || st["DeleteService"] != 2 {
		t.Errorf("calls: %v; want each write twice (applied, then resolved)", st)
	}
}

func TestRetryStopsOnCancel(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	slow := fc.RetryPolicy{MaxAttempts: 10, BaseDelay: 5 * time.Second, MaxDelay: 5 * time.Second, MaxElapsed: time.Minute}
	c := newClientWith(t, s.URL, testKeyID, testSecret, slow)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)

	for _, tc := range []struct {
		name   string
		faults emulator.Faults
	}{
		{"during an attempt", emulator.Faults{Latency: time.Second}},
		{"during a backoff", emulator.Faults{FailureRate: 1}},
	} {
		s.SetFaults(tc.faults)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		start := time.Now()
		_, err := c.Get(ctx, fc.ServiceID("svc"))
		cancel()
		if took := time.Since(start); took > 600*time.Millisecond {
			t.Errorf("%s: Get returned %v after cancellation", tc.name, took)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: want the context's error, got %v", tc.name, err)
		}
	}
}
