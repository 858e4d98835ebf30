package fc

import (
	"fmt"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	_ "github.com/fcsync/fcsync/internal/sdkquiet" // before the SDK reads DEBUG
)

// Call describes one API attempt for --debug: what was asked, what FC
// answered and how long it took. It carries no header, body or query, so
// neither credentials nor secret values can reach a trace through it.
type Call struct {
	Action    string
	Method    string
	Path      string // after the host, version prefix included
	Status    int    // HTTP status; 0 when no answer came
	RequestID string
	Duration  time.Duration
	Failed    bool // no answer: a network error or a cancellation
}

func (c Call) String() string {
	status := fmt.Sprint(c.Status)
	if c.Failed {
		status = "no answer"
	}
	s := fmt.Sprintf("%s %s %s -> %s in %dms", c.Action, c.Method, c.Path, status, c.Duration.Milliseconds())
	if c.RequestID != "" {
		s += " (request id " + c.RequestID + ")"
	}
	return s
}

// CredentialValues are the parts of a credential that must never be shown
// or sent anywhere: the AccessKey id and secret and the STS token. For a
// RAM role they are fetched, as the first API call would.
func CredentialValues(cred credentials.Credential) []string {
	var out []string
	for _, get := range []func() (*string, error){cred.GetAccessKeyId, cred.GetAccessKeySecret, cred.GetSecurityToken} {
		if v, err := get(); err == nil && v != nil && *v != "" {
			out = append(out, *v)
		}
	}
	return out
}
