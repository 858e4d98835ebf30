package fc_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

// TestListAllPages lists groups of services around FC's page boundaries,
// with the client's page size (100) and with FC's default (20). The groups
// share one emulator and are told apart by prefix, so prefix filtering
// across pages is checked too.
func TestListAllPages(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClient(t, s)
	ctx := testContext(t)
	counts := []int{0, 1, 20, 21, 100, 101, 250}

	var ids []fc.ID
	for _, n := range counts {
		for i := range n {
			ids = append(ids, fc.ServiceID(fmt.Sprintf("p%d-%03d", n, i)))
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	sem := make(chan struct{}, 8)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := c.Create(ctx, id, map[string]any{"description": id.Service}, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	for _, page := range []int{100, 0} {
		limit := page
		if limit == 0 {
			limit = 20
		}
		fc.SetPageSize(c, page)
		for _, n := range counts {
			s.ResetStats()
			got, err := c.ListServices(ctx, fmt.Sprintf("p%d-", n))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("page size %d: %d services listed, want %d", limit, len(got), n)
			}
			names := make([]string, len(got))
			for i, r := range got {
				names[i] = r.ID.Service
				if r.Spec["description"] != r.ID.Service {
					t.Fatalf("%s: description %v", r.ID, r.Spec["description"])
				}
			}
			if !sort.StringsAreSorted(names) || (n > 0 && (names[0] != fmt.Sprintf("p%d-000", n) || names[n-1] != fmt.Sprintf("p%d-%03d", n, n-1))) {
				t.Fatalf("page size %d, %d items: names %v", limit, n, names)
			}
			if want := max(1, (n+limit-1)/limit); s.Stats()["ListServices"] != want {
				t.Errorf("page size %d, %d items: %d ListServices calls, want %d", limit, n, s.Stats()["ListServices"], want)
			}
		}
	}
}
