package emulator

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

var nameRE = regexp.MustCompile(`^[_a-zA-Z][-_a-zA-Z0-9]*$`)

// checkName enforces FC's name rule for services, functions and triggers
// (fc-api.md 2.1): 1 to max characters of [-_a-zA-Z0-9], not starting with a
// digit or '-'.
func checkName(what, name string, max int) *apiError {
	if name == "" {
		return invalidArgument("%s name is required", what)
	}
	if len(name) > max || !nameRE.MatchString(name) {
		return invalidArgument("%s name '%s' is invalid: it must match %s and be 1 to %d characters long",
			what, name, nameRE, max)
	}
	return nil
}

// stringField returns obj[key] if it is a string.
func stringField(obj map[string]any, key string) string {
	s, _ := obj[key].(string)
	return s
}

// apply copies the writable fields of a partial update onto attrs: each key
// present replaces the stored value wholesale, nested objects included
// (fc-api.md 2.1). Server-owned keys are ignored.
func apply(attrs, update map[string]any, serverOwned ...string) {
	for k, v := range update {
		if !contains(serverOwned, k) {
			attrs[k] = v
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clone copies the top level of attrs so a response can be adjusted
// without touching the store.
func clone(attrs map[string]any) map[string]any {
	c := make(map[string]any, len(attrs))
	for k, v := range attrs {
		c[k] = v
	}
	return c
}

const (
	defaultLimit = 20
	maxLimit     = 100
)

// paginate picks one page of names as FC lists do (fc-api.md 1.11): names in
// byte order, filtered by prefix, starting at nextToken if given, else at
// startKey (both inclusive), at most limit of them; next is the first name
// not returned, "" at the end.
func paginate(names []string, q url.Values) (page []string, next string, aerr *apiError) {
	limit, aerr := parseLimit(q)
	if aerr != nil {
		return nil, "", aerr
	}
	sort.Strings(names)
	prefix, start := q.Get("prefix"), q.Get("startKey")
	if tok := q.Get("nextToken"); tok != "" {
		start = tok
	}
	for _, name := range names {
		if !strings.HasPrefix(name, prefix) || name < start {
			continue
		}
		if len(page) == limit {
			return page, name, nil
		}
		page = append(page, name)
	}
	return page, "", nil
}

// listReply is a list answer: {"<key>": [...], "nextToken": ...}, the token
// omitted on the last page.
func listReply(key string, items []map[string]any, next string) (reply, *apiError) {
	if items == nil {
		items = []map[string]any{}
	}
	body := map[string]any{key: items}
	if next != "" {
		body["nextToken"] = next
	}
	return ok(body, "")
}
