package fc

import (
	"errors"
	"testing"
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
}
