// Package conformance holds tests that drive fc-emulator through the official
// Function Compute SDKs, unmodified, so the emulator is held to what real
// clients send and expect rather than to what fcsync's own client does.
package conformance
