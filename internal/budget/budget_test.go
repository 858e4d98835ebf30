package budget_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fcsync/fcsync/internal/budget"
)

// Holders never hold more than the budget together, however many wait.
func TestBudgetBoundsHolders(t *testing.T) {
	b := budget.New(100)
	var mu sync.Mutex
	held, peak := int64(0), int64(0)
	var wg sync.WaitGroup
	for i := range 32 {
		n := int64(10 + i%4*20) // 10, 30, 50, 70
		wg.Go(func() {
			if err := b.Acquire(context.Background(), n); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			held += n
			peak = max(peak, held)
			mu.Unlock()
			time.Sleep(time.Millisecond) // let others try meanwhile
			mu.Lock()
			held -= n
			mu.Unlock()
			b.Release(n)
		})
	}
	wg.Wait()
	if peak > 100 {
		t.Errorf("holders held %d bytes at once, budget 100", peak)
	}
	if b.InUse() != 0 {
		t.Errorf("%d bytes still held", b.InUse())
	}
}

func TestBudgetRefusesMoreThanItsSize(t *testing.T) {
	var tl *budget.TooLargeError
	if err := budget.New(100).Acquire(context.Background(), 101); !errors.As(err, &tl) {
		t.Fatalf("want TooLargeError, got %v", err)
	}
}

func TestBudgetWaitEndsWithContext(t *testing.T) {
	b := budget.New(100)
	if err := b.Acquire(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Acquire(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("want the context's error, got %v", err)
	}
}
