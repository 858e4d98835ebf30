package fc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

// TestAPIErrors drives each error path through the SDK and checks the
// sentinel it matches and that the *Error carries FC's request id.
func TestAPIErrors(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{MaxCodeSize: 1 << 10})
	c := newClient(t, s)
	ctx := testContext(t)
	svc := mustCreate(t, c, fc.ServiceID("svc"), map[string]any{"description": "a"}, nil)
	fresh, err := c.Update(ctx, svc.ID, map[string]any{"description": "b"}, nil, svc.ETag)
	if err != nil {
		t.Fatal(err)
	}
	stale := svc.ETag
	big := make([]byte, 4<<10) // over the emulator's 1 KiB limit

	for _, tc := range []struct {
		name   string
		op     func() error
		want   error
		status int
	}{
		{"missing service", func() error { _, err := c.Get(ctx, fc.ServiceID("nope")); return err }, fc.ErrNotFound, 404},
		{"missing function", func() error { _, err := c.Get(ctx, fc.FunctionID("svc", "nope")); return err }, fc.ErrNotFound, 404},
		{"missing domain", func() error { return c.Delete(ctx, fc.DomainID("nope.example.com"), "") }, fc.ErrNotFound, 404},
		{"existing service", func() error { _, err := c.Create(ctx, svc.ID, nil, nil); return err }, fc.ErrAlreadyExists, 409},
		{"stale etag on update", func() error {
			_, err := c.Update(ctx, svc.ID, map[string]any{"description": "c"}, nil, stale)
			return err
		}, fc.ErrPreconditionFailed, 412},
		{"stale etag on delete", func() error { return c.Delete(ctx, svc.ID, stale) }, fc.ErrPreconditionFailed, 412},
		{"wrong secret", func() error {
			_, err := newClientWith(t, s.URL, testKeyID, "wrong", fastRetry).Get(ctx, svc.ID)
			return err
		}, fc.ErrAccessDenied, 403},
		{"unknown key id", func() error {
			_, err := newClientWith(t, s.URL, "AKIDUNKNOWN", testSecret, fastRetry).Get(ctx, svc.ID)
			return err
		}, fc.ErrAccessDenied, 403},
		{"invalid name", func() error { _, err := c.Create(ctx, fc.ServiceID("1-bad"), nil, nil); return err }, fc.ErrInvalidArgument, 400},
		{"over-size code", func() error {
			_, err := c.Create(ctx, fc.FunctionID("svc", "big"), map[string]any{"runtime": "python3.9", "handler": "i.h"}, big)
			return err
		}, fc.ErrInvalidArgument, 400},
	} {
		err := tc.op()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: want %v, got %v", tc.name, tc.want, err)
			continue
		}
		var e *fc.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %T is not *fc.Error", tc.name, err)
			continue
		}
		if e.Status != tc.status || e.RequestID == "" || e.Code == "" || e.Action == "" {
			t.Errorf("%s: %+v: want status %d, a code, an action and a request id", tc.name, e, tc.status)
		}
		if !strings.Contains(err.Error(), "(request id "+e.RequestID+")") {
			t.Errorf("%s: message lacks the request id: %s", tc.name, err)
		}
		if strings.Contains(err.Error(), testSecret) {
			t.Errorf("%s: message shows the secret: %s", tc.name, err)
		}
	}
	if st := s.Stats(); st["CreateFunction"] != 1 {
		t.Errorf("an over-size create was tried %d times; 4xx must not be retried", st["CreateFunction"])
	}

	// The fresh etag still works after all that.
	if err := c.Delete(ctx, svc.ID, fresh.ETag); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentEditFailsPrecondition: an edit made online between Get and
// Update is reported, not overwritten, and not mistaken for our own update.
func TestConcurrentEditFailsPrecondition(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClient(t, s)
	ctx := testContext(t)
	svc := mustCreate(t, c, fc.ServiceID("svc"), map[string]any{"description": "a"}, nil)
	s.SetFaults(emulator.Faults{EditBefore: map[string]int{"UpdateService": 1}})
	_, err := c.Update(ctx, svc.ID, map[string]any{"description": "b"}, nil, svc.ETag)
	if !errors.Is(err, fc.ErrPreconditionFailed) {
		t.Fatalf("want ErrPreconditionFailed, got %v", err)
	}
	got, err := c.Get(ctx, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec["description"] == "b" {
		t.Errorf("the concurrent edit was overwritten")
	}
}
