package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// verifySignature checks the Authorization header of an API request against
// the configured key pair. ACS3-HMAC-SHA256 is what the Go SDK sends
// (fc-api.md 1.3); "FC <id>:<sig>" is what the Node SDK sends (1.5). The
// scheme decides the verification, not the path prefix, as on the real
// gateway.
//
// A request dated more than 15 minutes from the server's clock is refused
// (1.5 documents it for the FC scheme; 1.3 step 7 says Alibaba's gateways do
// it for ACS3 too). Guess: nonce reuse is not checked (unconfirmed for FC).
func (e *Emulator) verifySignature(r *http.Request, body []byte) *apiError {
	auth := r.Header.Get("Authorization")
	if auth != "" {
		if aerr := checkDate(r, e.opts.Now()); aerr != nil {
			return aerr
		}
	}
	switch {
	case strings.HasPrefix(auth, "ACS3-HMAC-SHA256 "):
		return e.verifyACS3(r, body, strings.TrimPrefix(auth, "ACS3-HMAC-SHA256 "))
	case strings.HasPrefix(auth, "FC "):
		return e.verifyFC(r, strings.TrimPrefix(auth, "FC "))
	case auth == "":
		// Guess: the code for a missing Authorization header is not documented;
		// FC answers 403 (fc-api.md 1.5).
		return errorf(http.StatusForbidden, "AccessDenied", "required HTTP header Authorization was not specified")
	}
	return errorf(http.StatusForbidden, "AccessDenied", "unsupported Authorization scheme")
}

// maxSkew is how far a request's date may be from the server's clock
// (fc-api.md 1.5 and 5).
const maxSkew = 15 * time.Minute

// checkDate refuses a request whose signed date (x-acs-date for ACS3, Date
// for the FC scheme) is missing or too far from now. Guess: the code for a
// skewed date is not documented (fc-api.md 4 suggests RequestTimeTooSkewed).
func checkDate(r *http.Request, now time.Time) *apiError {
	var when time.Time
	var err error
	switch {
	case r.Header.Get("x-acs-date") != "":
		when, err = time.Parse("2006-01-02T15:04:05Z", r.Header.Get("x-acs-date"))
	case r.Header.Get("Date") != "":
		when, err = http.ParseTime(r.Header.Get("Date"))
	default:
		return errorf(http.StatusBadRequest, "MissingRequiredHeader", "required HTTP header Date was not specified")
	}
	if err != nil {
		return invalidArgument("the request date is not a valid date: %v", err)
	}
	if d := now.Sub(when); d > maxSkew || d < -maxSkew {
		return errorf(http.StatusForbidden, "RequestTimeTooSkewed",
			"the difference between the request time '%s' and the server's time '%s' is larger than 15 minutes",
			when.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// secretOf finds the secret of an access key id among the configured keys.
// An STS key (one with a security token) is accepted only with its token,
// sent as x-acs-security-token (ACS3, 1.2) or x-fc-security-token (the FC
// scheme, 1.5). Guess: the code for a wrong token is not documented.
func (e *Emulator) secretOf(r *http.Request, id string) (string, *apiError) {
	for _, k := range e.keys() {
		if k.ID != id {
			continue
		}
		if k.SecurityToken != "" {
			token := r.Header.Get("x-acs-security-token")
			if token == "" {
				token = r.Header.Get("x-fc-security-token")
			}
			if token != k.SecurityToken {
				return "", errorf(http.StatusForbidden, "InvalidSecurityToken", "the security token of access key ID '%s' is invalid or expired", id)
			}
		}
		return k.Secret, nil
	}
	return "", errorf(http.StatusForbidden, "InvalidAccessKeyID", "invalid access key ID '%s'", id)
}

// keys are every key pair the emulator accepts: the primary one and Keys.
func (e *Emulator) keys() []AccessKey {
	return append([]AccessKey{{ID: e.opts.AccessKeyID, Secret: e.opts.AccessKeySecret}}, e.opts.Keys...)
}

func signatureNotMatch() *apiError {
	return errorf(http.StatusForbidden, "SignatureNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your access key and signing method")
}

func (e *Emulator) verifyACS3(r *http.Request, body []byte, params string) *apiError {
	var credential, signedHeaders, signature string
	for _, kv := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	secret, aerr := e.secretOf(r, credential)
	if aerr != nil {
		return aerr
	}
	payloadHash := sha256Hex(body)
	if r.Header.Get("x-acs-content-sha256") != payloadHash {
		return signatureNotMatch()
	}
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(acs3Path(r.URL.EscapedPath()) + "\n")
	canon.WriteString(acs3Query(r.URL.Query()) + "\n")
	for _, name := range strings.Split(signedHeaders, ";") {
		v := r.Header.Get(name)
		if name == "host" {
			v = r.Host
		}
		canon.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
	}
	canon.WriteString("\n" + signedHeaders + "\n" + payloadHash)
	toSign := "ACS3-HMAC-SHA256\n" + sha256Hex([]byte(canon.String()))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(toSign))
	if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(signature)) {
		return signatureNotMatch()
	}
	return nil
}

// acs3Escape is the value encoding of the ACS3 canonical request.
func acs3Escape(s string) string {
	s = url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
}

func acs3Path(p string) string {
	if p == "" {
		return "/"
	}
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(p)
}

func acs3Query(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, k+"="+acs3Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

func (e *Emulator) verifyFC(r *http.Request, params string) *apiError {
	id, sig, ok := strings.Cut(params, ":")
	if !ok {
		return signatureNotMatch()
	}
	secret, aerr := e.secretOf(r, id)
	if aerr != nil {
		return aerr
	}
	var fcHeaders []string
	for name, vs := range r.Header {
		lower := strings.ToLower(strings.TrimSpace(name))
		if strings.HasPrefix(lower, "x-fc-") && len(vs) > 0 {
			fcHeaders = append(fcHeaders, lower+":"+vs[0]+"\n")
		}
	}
	sort.Strings(fcHeaders)
	prefix := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(fcHeaders, "")
	// The documented resource is the decoded path; some SDKs sign the
	// escaped one. FC names make both equal in practice, so accept either.
	for _, resource := range []string{r.URL.Path, r.URL.EscapedPath()} {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(prefix + resource))
		if hmac.Equal([]byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))), []byte(sig)) {
			return nil
		}
	}
	return signatureNotMatch()
}

// accountID resolves the account a request addresses (fc-api.md 1.6): the
// X-Fc-Account-Id header, else the first label of a host name of the form
// <accountId>.<region>.fc.aliyuncs.com, else the configured account.
func (e *Emulator) accountID(r *http.Request) string {
	if id := r.Header.Get("X-Fc-Account-Id"); id != "" {
		return id
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(host) == nil {
		label, _, _ := strings.Cut(host, ".")
		if label != "" && strings.Trim(label, "0123456789") == "" {
			return label
		}
	}
	return e.opts.AccountID
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
