package fc_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

// foreignHost is another server a redirect points at; it counts what
// reaches it.
func foreignHost(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"functionName":"f3","description":"foreign"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// Issue 9 hole 4: a 307 on a write re-sent its body (a secret included)
// to another host and was reported a success; a 302 on a read was followed
// and the foreign answer taken for FC's.
func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClient(t, s)
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	f := mustCreate(t, c, fc.FunctionID("svc", "f3"), map[string]any{"runtime": "python3.9", "handler": "i.h"},
		makeZip(t, map[string]string{"i.py": ""}))
	foreign, hits := foreignHost(t)

	for _, tc := range []struct {
		action, status string
		call           func() error
	}{
		{"UpdateFunction", "307", func() error {
			_, err := c.Update(ctx, f.ID, map[string]any{"environmentVariables": map[string]any{"DB_PASSWORD": "hunter2"}}, nil, f.ETag)
			return err
		}},
		{"GetFunction", "302", func() error { _, err := c.Get(ctx, f.ID); return err }},
	} {
		status := 307
		if tc.status == "302" {
			status = 302
		}
		s.SetFaults(emulator.Faults{Answers: []emulator.Answer{{Action: tc.action, Nth: 1, Status: status,
			Header: map[string]string{"Location": foreign.URL + "/2021-04-06/services/svc/functions/f3"}}}})
		s.ResetStats()
		err := tc.call()
		var re *fc.RedirectError
		if !errors.As(err, &re) {
			t.Fatalf("%s answered %s: want a RedirectError, got %v", tc.action, tc.status, err)
		}
		if !strings.Contains(err.Error(), "redirect to "+foreign.URL) || !strings.Contains(err.Error(), "not sent there") {
			t.Errorf("message does not say what happened: %v", err)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("%s: the foreign host got %d requests", tc.action, n)
		}
		if n := s.Stats()[tc.action]; n != 1 {
			t.Errorf("%s sent %d times, want once: a redirect is not retried", tc.action, n)
		}
	}
	s.SetFaults(emulator.Faults{})
	got, err := c.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Spec["environmentVariables"].(map[string]any)["DB_PASSWORD"]; ok {
		t.Errorf("the redirected update was applied: %v", got.Spec)
	}
}

// clientOf is a client of endpoint with short deadlines and a notice
// collector.
func clientOf(t *testing.T, endpoint string, tune func(*fc.Config)) (*fc.Client, func() []string) {
	t.Helper()
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: tea.String("access_key"), AccessKeyId: tea.String(testKeyID), AccessKeySecret: tea.String(testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var notes []string
	cfg := fc.Config{Endpoint: endpoint, Region: "cn-hangzhou", AccountID: testAccount, Credential: cred,
		Retry:  fc.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Notify: func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() }}
	if tune != nil {
		tune(&cfg)
	}
	c, err := fc.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), notes...) }
}

// Issue 9 hole 7: an endpoint that accepts and never answers gave 60 s of
// silence. Now one line says what is awaited, and the deadline ends it.
func TestSilentEndpoint(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() }) // held open, never answered
		}
	}()
	c, notes := clientOf(t, "http://"+ln.Addr().String(), func(cfg *fc.Config) {
		cfg.HTTPTimeout, cfg.NoticeAfter = 300*time.Millisecond, 50*time.Millisecond
	})
	_, err = c.Get(testContext(t), fc.ServiceID("demo"))
	var te *fc.TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "did not answer GetService demo within 300ms") {
		t.Fatalf("want a timeout naming the call, got %v", err)
	}
	n := notes()
	if len(n) != 1 || !strings.Contains(n[0], "waiting for FC at "+ln.Addr().String()+" to answer GetService demo") {
		t.Errorf("want one waiting line over the three attempts, got %q", n)
	}
}

// Issue 9 hole 7: a server that is not FC gave "<nil> is not a
// map[string]interface{}".
func TestNotFC(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><body>Welcome to nginx!</body></html>"))
	}))
	t.Cleanup(page.Close)
	c, _ := clientOf(t, page.URL, nil)
	_, err := c.ListServices(testContext(t), "")
	if err == nil || !strings.Contains(err.Error(), "the endpoint did not answer like FC: HTTP 200 text/html") || strings.Contains(err.Error(), "<nil>") {
		t.Fatalf("got %v", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests: a foreign answer is not retried", n)
	}
}

// Issue 9 hole 5: a 3 GB API answer reached 6.8 GB of memory. The answer
// is now refused once it passes the cap; what is allocated stays near the
// cap, whatever the server sends.
func TestAnswerCap(t *testing.T) {
	const sent, limit = 256 << 20, 1 << 20
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"services":[{"serviceName":"`))
		chunk := []byte(strings.Repeat("a", 64<<10))
		for sentSoFar := 0; sentSoFar < sent; sentSoFar += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(endless.Close)
	c, _ := clientOf(t, endless.URL, func(cfg *fc.Config) { cfg.MaxAnswer = limit })
	ctx := testContext(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.ListServices(ctx, "")
	runtime.ReadMemStats(&after)
	var tl *fc.TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("want TooLargeError, got %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*limit {
		t.Errorf("allocated %d bytes for an answer capped at %d", alloc, limit)
	} else {
		t.Logf("a %d MiB answer capped at %d MiB: %.1f MiB allocated", sent>>20, limit>>20, float64(alloc)/(1<<20))
	}
}

var _ = context.Background
