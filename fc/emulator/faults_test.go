package emulator_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

func timeCalls(t *testing.T, latency time.Duration, calls int) time.Duration {
	s := start(t, func(o *emulator.Options) { o.Faults.Latency = latency })
	c := sdk(t, s)
	begin := time.Now()
	for range calls {
		must[*fcapi.ListServicesResponse](t)(c.ListServices(&fcapi.ListServicesRequest{}))
	}
	return time.Since(begin)
}

func TestLatency(t *testing.T) {
	t.Parallel()
	if d := timeCalls(t, 20*time.Millisecond, 5); d < 100*time.Millisecond {
		t.Fatalf("5 calls at 20ms took %v", d)
	}
}

// TestLatency100Calls is the acceptance check: with 20 ms of latency, 100
// sequential calls take at least 2 s.
func TestLatency100Calls(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 2 s")
	}
	t.Parallel()
	if d := timeCalls(t, 20*time.Millisecond, 100); d < 2*time.Second {
		t.Fatalf("100 calls at 20ms took %v", d)
	}
}

// TestLatencyWithoutLock checks the latency is served outside the store lock:
// concurrent slow calls overlap.
func TestLatencyWithoutLock(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) { o.Faults.Latency = 200 * time.Millisecond })
	c := sdk(t, s)
	begin := time.Now()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String(fmt.Sprint("s", i))}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if d := time.Since(begin); d > time.Second {
		t.Fatalf("10 concurrent calls at 200ms took %v", d)
	}
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) { o.Faults.ThrottleRPS = 50 })
	c := sdk(t, s)
	var mu sync.Mutex
	okCount, throttled := 0, 0
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			_, err := c.ListServices(&fcapi.ListServicesRequest{})
			mu.Lock()
			defer mu.Unlock()
			var se *tea.SDKError
			switch {
			case err == nil:
				okCount++
			case errors.As(err, &se) && tea.IntValue(se.StatusCode) == 429 && tea.StringValue(se.Code) == "ResourceExhausted":
				throttled++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if okCount < 50 || throttled == 0 {
		t.Fatalf("%d ok, %d throttled", okCount, throttled)
	}
	if n := s.Stats()["ListServices"]; n != 200 {
		t.Fatalf("stats counted %d", n)
	}
}

func TestFailNth(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "before")
	s.SetFaults(emulator.Faults{FailNth: map[string]int{"CreateService": 2}})
	createService(t, c, "a")
	_, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("b")})
	wantErr(t, err, http.StatusInternalServerError, "InternalServerError")
	// Not applied: the same create now succeeds, and only once.
	createService(t, c, "b")
	_, err = c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("b")})
	wantErr(t, err, http.StatusConflict, "ServiceAlreadyExists")
}

func TestFailFrom(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	s.SetFaults(emulator.Faults{FailFrom: map[string]int{"CreateService": 2}})
	createService(t, c, "a")
	for range 3 {
		_, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("b")})
		wantErr(t, err, http.StatusInternalServerError, "InternalServerError")
	}
	s.SetFaults(emulator.Faults{})
	createService(t, c, "b") // never applied while failing
}

func TestFailureRate(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) { o.Faults = emulator.Faults{FailureRate: 0.5, Seed: 7} })
	c := sdk(t, s)
	acked := map[string]bool{}
	internal, unavailable, dropped := 0, 0, 0
	for i := range 60 {
		name := fmt.Sprint("s", i)
		_, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String(name)})
		var se *tea.SDKError
		switch {
		case err == nil:
			acked[name] = true
		case errors.As(err, &se) && tea.IntValue(se.StatusCode) == 503:
			if tea.StringValue(se.Code) != "ServiceUnavailable" {
				t.Fatalf("error %v", se)
			}
			unavailable++
		case errors.As(err, &se):
			if tea.IntValue(se.StatusCode) != 500 || tea.StringValue(se.Code) != "InternalServerError" {
				t.Fatalf("error %v", se)
			}
			internal++
		default:
			dropped++ // the connection was closed without an answer
		}
	}
	if internal == 0 || unavailable == 0 || dropped == 0 || len(acked) == 0 {
		t.Fatalf("%d ok, %d 500s, %d 503s, %d dropped", len(acked), internal, unavailable, dropped)
	}
	s.SetFaults(emulator.Faults{})
	var got []string
	for _, svc := range must[*fcapi.ListServicesResponse](t)(c.ListServices(&fcapi.ListServicesRequest{Limit: tea.Int32(100)})).Body.Services {
		got = append(got, tea.StringValue(svc.ServiceName))
	}
	if len(got) != len(acked) {
		t.Fatalf("%d services exist, %d creates acknowledged: failed requests must not be applied", len(got), len(acked))
	}
	for _, name := range got {
		if !acked[name] {
			t.Fatalf("%s exists but its create failed", name)
		}
	}
}

func TestEditBefore(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	createFunction(t, c, "svc", "f")
	read := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{}))
	s.SetFaults(emulator.Faults{EditBefore: map[string]int{"UpdateFunction": 1}})
	_, err := c.UpdateFunctionWithOptions(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{Description: tea.String("mine")},
		&fcapi.UpdateFunctionHeaders{IfMatch: read.Headers["etag"]}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	now := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{}))
	if tea.StringValue(now.Body.Description) != "edited concurrently" ||
		tea.StringValue(now.Headers["etag"]) == tea.StringValue(read.Headers["etag"]) ||
		tea.StringValue(now.Body.LastModifiedTime) <= tea.StringValue(read.Body.LastModifiedTime) {
		t.Fatalf("after edit %v", now.Body)
	}
	// Only the first request was preceded by an edit.
	must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunctionWithOptions(tea.String("svc"), tea.String("f"),
		&fcapi.UpdateFunctionRequest{Description: tea.String("mine")},
		&fcapi.UpdateFunctionHeaders{IfMatch: now.Headers["etag"]}, &util.RuntimeOptions{}))
}

func TestControlEndpoints(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{})
	c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{})

	var st struct {
		Calls map[string]int `json:"calls"`
		Total int            `json:"total"`
	}
	getJSON(t, s.URL+"/_emulator/stats", &st)
	if st.Calls["CreateService"] != 1 || st.Calls["GetService"] != 2 || st.Total != 3 {
		t.Fatalf("stats %+v", st)
	}
	if code := send(t, "POST", s.URL+"/_emulator/stats/reset", ""); code != http.StatusNoContent {
		t.Fatalf("reset answered %d", code)
	}
	getJSON(t, s.URL+"/_emulator/stats", &st)
	if st.Total != 0 || len(s.Stats()) != 0 {
		t.Fatalf("after reset %+v", st)
	}

	if code := send(t, "PUT", s.URL+"/_emulator/faults", `{"latency":"1ms","failNth":{"GetService":1}}`); code != http.StatusNoContent {
		t.Fatalf("faults answered %d", code)
	}
	_, err := c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{})
	wantErr(t, err, http.StatusInternalServerError, "InternalServerError")
	if code := send(t, "PUT", s.URL+"/_emulator/faults", `{"latency":"soon"}`); code != http.StatusBadRequest {
		t.Fatalf("bad faults answered %d", code)
	}
	var health map[string]any
	getJSON(t, s.URL+"/_emulator/healthz", &health)
	if health["status"] != "ok" {
		t.Fatalf("healthz %v", health)
	}
}

func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func send(t testing.TB, method, url, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMaxInFlight(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) { o.Faults = emulator.Faults{Latency: 50 * time.Millisecond} })
	c := sdk(t, s)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.ListServices(&fcapi.ListServicesRequest{})
		}()
	}
	wg.Wait()
	if got := s.MaxInFlight(); got < 2 || got > 5 {
		t.Fatalf("MaxInFlight = %d after 5 concurrent slow calls, want 2..5", got)
	}
	s.ResetStats()
	if _, err := c.ListServices(&fcapi.ListServicesRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := s.MaxInFlight(); got != 1 {
		t.Fatalf("MaxInFlight = %d after reset and one call, want 1", got)
	}
}

// FailEcho refuses with a message that quotes the request body, without
// applying it.
func TestFailEcho(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	s.SetFaults(emulator.Faults{FailEcho: map[string]int{"CreateService": 1}})
	_, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("a"), Description: tea.String("echo-me")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	if !strings.Contains(err.Error(), "echo-me") {
		t.Fatalf("error %v does not quote the request", err)
	}
	s.SetFaults(emulator.Faults{})
	createService(t, c, "a") // not applied while refused
}

// LoseRate applies the request, then drops the connection: the write
// landed although the client saw no answer.
func TestLoseRate(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) { o.Faults = emulator.Faults{LoseRate: 1} })
	c := sdk(t, s)
	if _, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("lost")}); err == nil {
		t.Fatal("the answer was not lost")
	}
	s.SetFaults(emulator.Faults{})
	must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("lost"), &fcapi.GetServiceRequest{}))
	if n := s.Injected()["lost"]; n != 0 {
		t.Errorf("counts survive SetFaults: %d", n)
	}
}

// Answers replace the Nth answer of an action without applying it.
func TestCannedAnswer(t *testing.T) {
	t.Parallel()
	s := start(t, func(*emulator.Options) {})
	c := sdk(t, s)
	createService(t, c, "svc")
	s.SetFaults(emulator.Faults{Answers: []emulator.Answer{{Action: "ListServices", Nth: 2, Body: `{}`}}})
	first := must[*fcapi.ListServicesResponse](t)(c.ListServices(&fcapi.ListServicesRequest{}))
	second := must[*fcapi.ListServicesResponse](t)(c.ListServices(&fcapi.ListServicesRequest{}))
	if len(first.Body.Services) != 1 || len(second.Body.Services) != 0 {
		t.Fatalf("first %d services, second %d: want 1 then the canned {}", len(first.Body.Services), len(second.Body.Services))
	}
	if n := s.Injected()["canned"]; n != 1 {
		t.Errorf("%d canned answers counted", n)
	}
}
