//go:build unix

package gitstate

import (
	"errors"
	"syscall"
)

// processAlive reports whether pid names a process on this host; a process
// of another user (EPERM) is alive too.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
