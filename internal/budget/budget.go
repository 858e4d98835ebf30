// Package budget bounds the bytes that concurrent downloads and unpacks
// hold at once. A limit per archive is not enough: eight functions read in
// parallel, each within its own limit, once took a fetch to 8 GB.
package budget

import (
	"context"
	"fmt"
	"sync"
)

// Budget is a number of bytes shared by concurrent holders. The zero value
// and nil are unlimited.
type Budget struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters []chan struct{} // woken on every release; each re-checks
}

// New returns a budget of size bytes.
func New(size int64) *Budget { return &Budget{size: size} }

// Size is the budget's total; 0 for an unlimited one.
func (b *Budget) Size() int64 {
	if b == nil {
		return 0
	}
	return b.size
}

// TooLargeError is a request for more than the whole budget: waiting
// could never satisfy it.
type TooLargeError struct{ Want, Size int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("needs %d bytes of memory at once, more than the limit of %d", e.Want, e.Size)
}

// Acquire waits until n bytes are free and takes them, or fails when ctx
// ends or n exceeds the whole budget.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	if b == nil || b.size <= 0 || n <= 0 {
		return nil
	}
	if n > b.size {
		return &TooLargeError{Want: n, Size: b.size}
	}
	for {
		b.mu.Lock()
		if b.used+n <= b.size {
			b.used += n
			b.mu.Unlock()
			return nil
		}
		wake := make(chan struct{})
		b.waiters = append(b.waiters, wake)
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Release gives back n bytes taken by Acquire.
func (b *Budget) Release(n int64) {
	if b == nil || b.size <= 0 || n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	if b.used < 0 {
		panic("budget: released more than acquired")
	}
	w := b.waiters
	b.waiters = nil
	b.mu.Unlock()
	for _, c := range w {
		close(c)
	}
}

// InUse is the number of bytes held now.
func (b *Budget) InUse() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
