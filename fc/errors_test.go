package fc

import (
	"errors"
	"strconv"
	"testing"

	"github.com/alibabacloud-go/tea/tea"
)

func TestErrorIs(t *testing.T) {
	all := []error{ErrNotFound, ErrAlreadyExists, ErrPreconditionFailed, ErrThrottled, ErrAccessDenied, ErrInvalidArgument}
	for _, tc := range []struct {
		status int
		code   string
		want   error
	}{
		{404, "FunctionNotFound", ErrNotFound},
		{404, "DomainNameNotFound", ErrNotFound},
		{409, "ServiceAlreadyExists", ErrAlreadyExists},
		{409, "DomainNameAlreadyExists", ErrAlreadyExists},
		{412, "PreconditionFailed", ErrPreconditionFailed},
		{429, "ResourceExhausted", ErrThrottled},
		{503, "ResourceThrottled", ErrThrottled},
		{403, "SignatureNotMatch", ErrAccessDenied},
		{403, "InvalidAccessKeyID", ErrAccessDenied},
		{400, "InvalidArgument", ErrInvalidArgument},
		{400, "EntityTooLarge", ErrInvalidArgument},
		{400, "LimitExceeded", ErrInvalidArgument},
		{500, "InternalServerError", nil},
		{409, "ServiceNotEmpty", nil},
	} {
		err := error(&Error{Status: tc.status, Code: tc.code})
		for _, s := range all {
			if got := errors.Is(err, s); got != (s == tc.want) {
				t.Errorf("%d %s: errors.Is(%v) = %v", tc.status, tc.code, s, got)
			}
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Status: 412, Code: "PreconditionFailed", Message: "the resource being modified has been changed",
		RequestID: "r-1", Action: "UpdateFunction", Resource: FunctionID("svc", "fn")}
	want := "function svc/fn: UpdateFunction: 412 PreconditionFailed: the resource being modified has been changed (request id r-1)"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
	e = &Error{Status: 429, Code: "ResourceExhausted", Message: "slow down", Action: "ListServices"}
	if want := "ListServices: 429 ResourceExhausted: slow down"; e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
}

func TestChecksum(t *testing.T) {
	if got := Checksum([]byte("123456789")); got != "11051210869376104954" {
		t.Errorf("Checksum(123456789) = %s", got)
	}
	if got := Checksum(nil); got != "0" {
		t.Errorf("Checksum(empty) = %s", got)
	}
	// A zip header and more, against a bit-by-bit CRC-64/XZ written from
	// its definition rather than with hash/crc64.
	data := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00index.py def handler(event, context): return 'hello'")
	if got, want := Checksum(data), strconv.FormatUint(crc64XZ(data), 10); got != want {
		t.Errorf("Checksum = %s, bitwise CRC-64/XZ = %s", got, want)
	}
}

// crc64XZ is CRC-64/XZ: ECMA-182 polynomial reflected, init and xorout all ones.
func crc64XZ(data []byte) uint64 {
	const poly = 0xC96C5795D7870F42
	crc := ^uint64(0)
	for _, b := range data {
		crc ^= uint64(b)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ poly
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

// TestAPIErrorBodies: FC's native error keys are read as well as the
// OpenAPI ones the SDK knows (fc-api.md 1.9).
func TestAPIErrorBodies(t *testing.T) {
	native := tea.NewSDKError(map[string]any{
		"code": "<nil>", "message": "code: 404, <nil> request id: <nil>",
		"data": map[string]any{"ErrorCode": "ServiceNotFound", "ErrorMessage": "service 'x' does not exist", "statusCode": 404},
	})
	e := apiError("GetService", ServiceID("x"), native)
	if e.Status != 404 || e.Code != "ServiceNotFound" || e.Message != "service 'x' does not exist" || !errors.Is(e, ErrNotFound) {
		t.Errorf("native body: %+v", e)
	}
	openAPI := tea.NewSDKError(map[string]any{
		"code": "ResourceExhausted", "message": "code: 429, slow down request id: r-9",
		"data": map[string]any{"Code": "ResourceExhausted", "Message": "slow down", "RequestId": "r-9", "statusCode": 429},
	})
	e = apiError("ListServices", ID{}, openAPI)
	if e.Status != 429 || e.RequestID != "r-9" || !errors.Is(e, ErrThrottled) {
		t.Errorf("OpenAPI body: %+v", e)
	}
}
