package emulator_test

import (
	"fmt"
	"net/http"
	"sort"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// lister lists one page of some kind of resource: names and the next token.
type lister func(limit *int32, nextToken, prefix, startKey *string) ([]string, *string, error)

func serviceLister(c *fcapi.Client) lister {
	return func(limit *int32, next, prefix, start *string) ([]string, *string, error) {
		r, err := c.ListServices(&fcapi.ListServicesRequest{Limit: limit, NextToken: next, Prefix: prefix, StartKey: start})
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for _, s := range r.Body.Services {
			names = append(names, tea.StringValue(s.ServiceName))
		}
		return names, r.Body.NextToken, nil
	}
}

func functionLister(c *fcapi.Client) lister {
	return func(limit *int32, next, prefix, start *string) ([]string, *string, error) {
		r, err := c.ListFunctions(tea.String("svc"), &fcapi.ListFunctionsRequest{Limit: limit, NextToken: next, Prefix: prefix, StartKey: start})
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for _, f := range r.Body.Functions {
			names = append(names, tea.StringValue(f.FunctionName))
		}
		return names, r.Body.NextToken, nil
	}
}

func triggerLister(c *fcapi.Client) lister {
	return func(limit *int32, next, prefix, start *string) ([]string, *string, error) {
		r, err := c.ListTriggers(tea.String("svc"), tea.String("f"), &fcapi.ListTriggersRequest{Limit: limit, NextToken: next, Prefix: prefix, StartKey: start})
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for _, x := range r.Body.Triggers {
			names = append(names, tea.StringValue(x.TriggerName))
		}
		return names, r.Body.NextToken, nil
	}
}

func domainLister(c *fcapi.Client) lister {
	return func(limit *int32, next, prefix, start *string) ([]string, *string, error) {
		r, err := c.ListCustomDomains(&fcapi.ListCustomDomainsRequest{Limit: limit, NextToken: next, Prefix: prefix, StartKey: start})
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for _, d := range r.Body.CustomDomains {
			names = append(names, tea.StringValue(d.DomainName))
		}
		return names, r.Body.NextToken, nil
	}
}

// listAll follows nextToken to the end, returning every name and the number
// of calls it took.
func listAll(t testing.TB, l lister, limit *int32, prefix *string) ([]string, int) {
	t.Helper()
	var all []string
	var next *string
	for pages := 1; ; pages++ {
		names, tok, err := l(limit, next, prefix, nil)
		if err != nil {
			t.Fatal(err)
		}
		max := 20
		if limit != nil {
			max = int(*limit)
		}
		if len(names) > max {
			t.Fatalf("page of %d items with limit %d", len(names), max)
		}
		all = append(all, names...)
		if tok == nil {
			return all, pages
		}
		if len(names) == 0 || *tok == "" {
			t.Fatalf("page %d: empty page or token with more to come (%d, %q)", pages, len(names), *tok)
		}
		next = tok
	}
}

// names returns n names in the order they are created: deliberately not
// sorted, so the listing has to sort them.
func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("r%03d", (i*37)%n)
	}
	return out
}

func checkPaging(t *testing.T, l lister, created []string) {
	t.Helper()
	want := append([]string(nil), created...)
	sort.Strings(want)
	for _, limit := range []*int32{nil, tea.Int32(1), tea.Int32(7), tea.Int32(20), tea.Int32(100)} {
		per := 20
		if limit != nil {
			per = int(*limit)
		}
		got, pages := listAll(t, l, limit, nil)
		wantPages := max(1, (len(want)+per-1)/per)
		if fmt.Sprint(got) != fmt.Sprint(want) || pages != wantPages {
			t.Fatalf("limit %d: %d items in %d pages, want %d in %d (no duplicates, in order)", per, len(got), pages, len(want), wantPages)
		}
	}
}

func TestPaginationServices(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 20, 21, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			c := sdk(t, start(t))
			created := names(n)
			for _, name := range created {
				createService(t, c, name)
			}
			checkPaging(t, serviceLister(c), created)
		})
	}
}

func TestPaginationChildren(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 21, 101} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			c := sdk(t, start(t, func(o *emulator.Options) { o.MaxFunctionsPerService = 200 }))
			createService(t, c, "svc")
			created := names(n)
			for _, name := range created {
				createFunction(t, c, "svc", name)
			}
			checkPaging(t, functionLister(c), created)

			createFunction(t, c, "svc", "f")
			for _, name := range created {
				must[*fcapi.CreateTriggerResponse](t)(c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
					TriggerName: tea.String(name), TriggerType: tea.String("timer"), TriggerConfig: tea.String(`{"cronExpression":"@every 5m","enable":true}`)}))
				must[*fcapi.CreateCustomDomainResponse](t)(c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{DomainName: tea.String(name)}))
			}
			checkPaging(t, triggerLister(c), created)
			checkPaging(t, domainLister(c), created)
		})
	}
}

func TestPaginationPrefixStartKeyAndLimits(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	for _, name := range []string{"b2", "a1", "b1", "B0", "b3", "c1", "b10"} {
		createService(t, c, name)
	}
	l := serviceLister(c)
	got, _, err := l(nil, nil, tea.String("b"), tea.String("b10"))
	if err != nil || fmt.Sprint(got) != "[b10 b2 b3]" {
		t.Fatalf("prefix b, startKey b10: %v %v", got, err)
	}
	// startKey is inclusive and need not exist.
	got, _, _ = l(nil, nil, nil, tea.String("b15"))
	if fmt.Sprint(got) != "[b2 b3 c1]" {
		t.Fatalf("startKey b15: %v", got)
	}
	// Byte order: "B0" sorts before "a1".
	got, tok, _ := l(tea.Int32(2), nil, nil, nil)
	if fmt.Sprint(got) != "[B0 a1]" || tea.StringValue(tok) != "b1" {
		t.Fatalf("first page %v token %v", got, tea.StringValue(tok))
	}
	// With a nextToken, startKey is ignored; prefix still applies.
	got, tok, _ = l(tea.Int32(2), tea.String("b1"), tea.String("b"), tea.String("c"))
	if fmt.Sprint(got) != "[b1 b10]" || tea.StringValue(tok) != "b2" {
		t.Fatalf("token page %v token %v", got, tea.StringValue(tok))
	}
	got, tok, _ = l(tea.Int32(2), tok, tea.String("b"), nil)
	if fmt.Sprint(got) != "[b2 b3]" || tok != nil {
		t.Fatalf("last page %v token %v", got, tea.StringValue(tok))
	}
	for _, bad := range []int32{0, 101, -1} {
		_, _, err := l(tea.Int32(bad), nil, nil, nil)
		wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	}
	got, _, _ = l(tea.Int32(100), nil, nil, nil)
	if len(got) != 7 {
		t.Fatalf("limit 100: %v", got)
	}
}
