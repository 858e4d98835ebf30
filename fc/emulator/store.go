package emulator

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"hash/crc64"
	"strconv"
	"time"
)

// store is the emulator's whole state: one account's services (with their
// functions and triggers) and custom domains. Every resource keeps its
// attributes as the JSON object the API returns, so fields the emulator does
// not know are stored and returned untouched.
type store struct {
	// Clock is the last timestamp handed out; timestamps only move forward,
	// even across restarts and clock steps.
	Clock    time.Time           `json:"clock"`
	Services map[string]*service `json:"services"`
	Domains  map[string]*domain  `json:"domains"`
	// Layers and OSS are account-level: layer versions, and the objects
	// code can be read from (oss.go).
	Layers map[string]*layer   `json:"layers,omitempty"`
	OSS    map[string]*blobRef `json:"oss,omitempty"`
	// Functions3 are the functions born in FC 3.0, by name (functions3.go).
	Functions3 map[string]*service `json:"functions3,omitempty"`
}

type service struct {
	Attrs     map[string]any       `json:"attrs"`
	ETag      string               `json:"etag"`
	Functions map[string]*function `json:"functions"`
	serviceKinds
}

type function struct {
	Attrs map[string]any `json:"attrs"`
	ETag  string         `json:"etag"`
	// CodeBlob names the file under DataDir/code holding the zip (sha256 hex of
	// its bytes); empty for functions without code.
	CodeBlob string              `json:"codeBlob,omitempty"`
	Triggers map[string]*trigger `json:"triggers"`
	code     []byte
}

type trigger struct {
	Attrs map[string]any `json:"attrs"`
	ETag  string         `json:"etag"`
}

type domain struct {
	Attrs map[string]any `json:"attrs"`
}

func newStore() *store {
	return &store{Services: map[string]*service{}, Domains: map[string]*domain{},
		Layers: map[string]*layer{}, OSS: map[string]*blobRef{}, Functions3: map[string]*service{}}
}

// timeLayout is RFC 3339 in UTC with a fixed millisecond part, so that
// timestamps sort as strings. Guess: FC shows second precision; milliseconds
// let lastModifiedTime strictly increase on updates within one second without
// running ahead of the wall clock.
const timeLayout = "2006-01-02T15:04:05.000Z"

// stamp returns the next timestamp: now, or 1 ms after the previous one if the
// clock has not moved on.
func (s *store) stamp(now time.Time) string {
	t := now.UTC().Truncate(time.Millisecond)
	if !t.After(s.Clock) {
		t = s.Clock.Add(time.Millisecond)
	}
	s.Clock = t
	return t.Format(timeLayout)
}

// etagOf derives an ETag from a resource's attributes: 32 lowercase hex like
// FC's. lastModifiedTime is part of the attributes and changes on every
// mutation, so the ETag does too. Guess: a service's ETag changes only when
// the service itself does, not when its functions do (fc-api.md 7.4).
func etagOf(attrs map[string]any) string {
	b, _ := json.Marshal(attrs)
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

var crcTable = crc64.MakeTable(crc64.ECMA)

// Checksum is FC's codeChecksum of a code package: the CRC-64/ECMA-182 ("XZ"
// variant, Go's crc64.ECMA table) of the zip bytes as an unsigned decimal
// string, the same value OSS sends as x-oss-hash-crc64ecma (fc-api.md 3).
func Checksum(zip []byte) string {
	return strconv.FormatUint(crc64.Checksum(zip, crcTable), 10)
}

// touch stamps a mutated resource and returns its new ETag.
func (s *store) touch(attrs map[string]any, now time.Time) string {
	attrs["lastModifiedTime"] = s.stamp(now)
	return etagOf(attrs)
}
