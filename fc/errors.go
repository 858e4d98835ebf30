package fc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/alibabacloud-go/tea/tea"
)

// Sentinel errors, matched with errors.Is against the *Error an operation
// returns. They let callers decide (create instead of update, report drift,
// back off) without knowing FC's error codes.
var (
	ErrNotFound           = errors.New("not found")
	ErrAlreadyExists      = errors.New("already exists")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrThrottled          = errors.New("throttled")
	ErrAccessDenied       = errors.New("access denied")
	ErrInvalidArgument    = errors.New("invalid argument")
	// ErrChecksumMismatch is returned by GetCode when the downloaded bytes do
	// not match the checksum FC announced.
	ErrChecksumMismatch = errors.New("code checksum mismatch")
)

// Error is an error answer of the FC API.
type Error struct {
	Status    int    // HTTP status
	Code      string // FC error code, e.g. "FunctionNotFound"
	Message   string // FC's message
	RequestID string
	Action    string // API action, e.g. "UpdateFunction"
	Resource  ID     // the resource operated on; zero for account-level lists
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(prefixOf(e.Resource))
	fmt.Fprintf(&b, "%s: %d %s: %s", e.Action, e.Status, e.Code, e.Message)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Is maps FC's error codes and statuses onto the sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == 404 || strings.HasSuffix(e.Code, "NotFound")
	case ErrAlreadyExists:
		return strings.HasSuffix(e.Code, "AlreadyExists")
	case ErrPreconditionFailed:
		return e.Status == 412 || e.Code == "PreconditionFailed"
	case ErrThrottled:
		return e.throttled()
	case ErrAccessDenied:
		return e.Status == 403
	case ErrInvalidArgument:
		return e.Status == 400
	}
	return false
}

// throttled reports FC refusing a request for load: 429 ResourceExhausted
// and 503 ResourceThrottled (fc-api.md section 4). The request was not
// applied, which matters to Create's "already exists" resolution.
func (e *Error) throttled() bool {
	return e.Status == 429 || e.Code == "ResourceExhausted" || e.Code == "ResourceThrottled" ||
		strings.HasPrefix(e.Code, "Throttling")
}

// apiError converts an error answer read by the SDK into *Error. The SDK
// keeps FC's JSON error body in SDKError.Data; reading it there finds the
// code whichever key set FC used (Code/Message/RequestId or
// ErrorCode/ErrorMessage, fc-api.md 1.9).
func apiError(action string, id ID, se *tea.SDKError) *Error {
	e := &Error{Status: tea.IntValue(se.StatusCode), Action: action, Resource: id}
	var data map[string]any
	if se.Data != nil {
		_ = json.Unmarshal([]byte(*se.Data), &data) // a body that is not an object leaves the fields below empty
	}
	e.Code = firstString(data, "Code", "code", "ErrorCode", "errorCode")
	e.Message = firstString(data, "Message", "message", "ErrorMessage", "errorMessage")
	e.RequestID = firstString(data, "RequestId", "requestId", "RequestID")
	if c := tea.StringValue(se.Code); e.Code == "" && c != "<nil>" {
		e.Code = c
	}
	if e.Message == "" && e.Status == 0 {
		// Raised by the SDK itself before sending (a missing parameter).
		e.Message = tea.StringValue(se.Message)
	}
	return e
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
