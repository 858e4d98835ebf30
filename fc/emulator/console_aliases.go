package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Aliases in the console. The console keeps no alias state of its own: it
// reads and writes aliases through the API's handler table, as it does
// functions. This is the whole hook: once the emulator serves ListAliases,
// GetAlias and UpdateAlias with FC's bodies (fc-api.md: aliasName,
// versionId, additionalVersionWeight, an ETag on GetAlias), the service
// section of the console lists each alias and edits its traffic weight,
// with no change here. Until then the section says aliases are not emulated.

// aliasActions are the API actions the console's alias section needs.
var aliasActions = []string{"ListAliases", "GetAlias", "UpdateAlias"}

// aliasView is one alias of a service as the API answers it.
type aliasView struct {
	Service, Name, VersionID      string
	Description, LastModifiedTime string
	ETag                          string
	Weights                       []weightRow
}

// weightRow is one entry of additionalVersionWeight: the share (0 to 1) of
// the alias's requests sent to Version instead of its versionId.
type weightRow struct{ Version, Weight string }

func (c *console) aliasesEmulated() bool {
	for _, a := range aliasActions {
		if c.api[a] == nil {
			return false
		}
	}
	return true
}

// aliases reads a service's aliases, each with its ETag.
func (c *console) aliases(r *http.Request, svc string) ([]aliasView, error) {
	var out []aliasView
	q := url.Values{"limit": {strconv.Itoa(maxLimit)}}
	for {
		rep, err := c.call(r, http.MethodGet, resourcePath(svc)+"/aliases", q, nil, "")
		if err != nil {
			return nil, err
		}
		var page struct {
			Aliases []struct {
				AliasName, VersionID, Description, LastModifiedTime string
				AdditionalVersionWeight                             map[string]any
			}
			NextToken string
		}
		if err := remarshal(rep.body, &page); err != nil {
			return nil, err
		}
		for _, a := range page.Aliases {
			v := aliasView{Service: svc, Name: a.AliasName, VersionID: a.VersionID,
				Description: a.Description, LastModifiedTime: a.LastModifiedTime}
			for _, ver := range sortedKeys(a.AdditionalVersionWeight) {
				v.Weights = append(v.Weights, weightRow{Version: ver, Weight: text(a.AdditionalVersionWeight[ver])})
			}
			one, err := c.call(r, http.MethodGet, resourcePath(svc)+"/aliases/"+url.PathEscape(a.AliasName), nil, nil, "")
			if err != nil {
				return nil, err
			}
			v.ETag = one.etag
			out = append(out, v)
		}
		if page.NextToken == "" {
			return out, nil
		}
		q.Set("nextToken", page.NextToken)
	}
}

// remarshal reads an answer's body into a typed value through JSON, as an
// API client would.
func remarshal(body map[string]any, v any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// saveAlias sets an alias's additionalVersionWeight from the rows of its
// form (a row without a version is dropped), with UpdateAlias guarded by
// the ETag the page showed.
func (c *console) saveAlias(w http.ResponseWriter, r *http.Request) {
	if !c.aliasesEmulated() {
		http.Error(w, "console: aliases are not emulated yet", http.StatusNotImplemented)
		return
	}
	f := r.PostForm
	svc, alias := f.Get("service"), f.Get("alias")
	weights := map[string]any{}
	versions, shares := f["version"], f["weight"]
	for i, ver := range versions {
		if ver == "" || i >= len(shares) {
			continue
		}
		weights[ver] = formNumber(shares[i])
	}
	_, err := c.call(r, http.MethodPut, resourcePath(svc)+"/aliases/"+url.PathEscape(alias), nil,
		map[string]any{"additionalVersionWeight": weights}, f.Get("etag"))
	if err != nil {
		c.overviewPage(w, r, &refusal{what: "alias " + svc + "/" + alias, err: err})
		return
	}
	seeOther(w, r, "/console", url.Values{"saved": {"alias"}})
}
