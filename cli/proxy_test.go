package cli_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The tests' proxies between fcsync and the emulator play network
// accidents around one request; these forward everything else as is.

// roundTrip sends a request on to target as it came (Host included, so
// that its signature still holds) and returns the answer with its body.
func roundTrip(target string, r *http.Request, body []byte) (*http.Response, []byte, error) {
	out, err := http.NewRequest(r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	out.Header, out.Host = r.Header.Clone(), r.Host
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

// answer writes an answer received from the emulator.
func answer(w http.ResponseWriter, resp *http.Response, data []byte) {
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(data)
}

// forward sends a request on and its answer back.
func forward(w http.ResponseWriter, r *http.Request, target string) {
	body, _ := io.ReadAll(r.Body)
	resp, data, err := roundTrip(target, r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	answer(w, resp, data)
}

// commitTimeout sets a function's timeout in its project file (from the
// 3 clone renders) and commits it, the local change the accident tests push.
func commitTimeout(t *testing.T, proj, fn string, timeout int) {
	t.Helper()
	rel := "services/demo/functions/" + fn + "/function.yaml"
	data, err := os.ReadFile(filepath.Join(proj, rel))
	if err != nil {
		t.Fatal(err)
	}
	write(t, proj, rel, strings.Replace(string(data), "timeout: 3\n", fmt.Sprintf("timeout: %d\n", timeout), 1))
	gitCmd(t, proj, "commit", "-q", "-am", fmt.Sprintf("%s: timeout %d", fn, timeout))
}
