package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// emulatorProc is fc-emulator run as its own process. The emulator must
// not live inside the bench: Go starts children with vfork, so a child's
// peak RSS counts the parent's memory at the fork, and an in-process
// emulator holding a fleet's code would be measured as fcsync's.
type emulatorProc struct {
	cmd *exec.Cmd
	URL string
}

func startEmulator(bin string) (*emulatorProc, error) {
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--account-id", account, "--access-key-id", keyID, "--access-key-secret", secret)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s: no address on its first line: %w", bin, err)
	}
	addr := strings.TrimSpace(line)
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return &emulatorProc{cmd: cmd, URL: addr}, nil
}

func (e *emulatorProc) Close() {
	e.cmd.Process.Kill()
	e.cmd.Wait()
}

func (e *emulatorProc) control(method, path string, body any, out any) error {
	var rd bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&rd).Encode(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(method, e.URL+"/_emulator"+path, &rd)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("emulator %s %s: %s", method, path, resp.Status)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}

// Stats returns the API calls per action since the last ResetStats.
func (e *emulatorProc) Stats() map[string]int {
	var s struct {
		Calls map[string]int `json:"calls"`
	}
	if err := e.control(http.MethodGet, "/stats", nil, &s); err != nil {
		return map[string]int{"stats-error": 1}
	}
	return s.Calls
}

func (e *emulatorProc) ResetStats() { e.control(http.MethodPost, "/stats/reset", nil, nil) }

// SetLatency makes every API call take d.
func (e *emulatorProc) SetLatency(d time.Duration) error {
	return e.control(http.MethodPut, "/faults", map[string]any{"latency": d.String()}, nil)
}
