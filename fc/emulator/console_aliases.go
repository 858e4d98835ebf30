package emulator

import (
	"net/http"
	"net/url"
)

// Aliases in the console: each service's section lists its aliases and
// edits an alias's traffic weights (additionalVersionWeight, the canary
// shares of other versions), saved through UpdateAlias with the ETag the
// page showed.

// aliasView is one alias of a service.
type aliasView struct {
	Service, Name, VersionID      string
	Description, LastModifiedTime string
	ETag                          string
	Weights                       []weightRow
}

// weightRow is one entry of additionalVersionWeight: the share (0 to 1) of
// the alias's requests sent to Version instead of its versionId.
type weightRow struct{ Version, Weight string }

func viewAlias(svc, name string, a *alias) aliasView {
	v := aliasView{Service: svc, Name: name, VersionID: text(a.Attrs["versionId"]),
		Description: text(a.Attrs["description"]), LastModifiedTime: text(a.Attrs["lastModifiedTime"]), ETag: a.ETag}
	weights, _ := a.Attrs["additionalVersionWeight"].(map[string]any)
	for _, ver := range sortedKeys(weights) {
		v.Weights = append(v.Weights, weightRow{Version: ver, Weight: text(weights[ver])})
	}
	return v
}

// saveAlias sets an alias's additionalVersionWeight from the rows of its
// form (a row without a version is dropped) with one UpdateAlias.
func (c *console) saveAlias(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	svc, alias := f.Get("service"), f.Get("alias")
	if f.Get("etag") == "" {
		c.overviewPage(w, r, &refusal{what: "alias " + svc + "/" + alias, err: errNoETag})
		return
	}
	weights := map[string]any{}
	versions, shares := f["version"], f["weight"]
	for i, ver := range versions {
		if ver != "" && i < len(shares) {
			weights[ver] = formNumber(shares[i])
		}
	}
	_, err := c.call(r, http.MethodPut, resourcePath(svc)+"/aliases/"+url.PathEscape(alias), nil,
		map[string]any{"additionalVersionWeight": weights}, f.Get("etag"))
	if err != nil {
		c.overviewPage(w, r, &refusal{what: "alias " + svc + "/" + alias, err: err})
		return
	}
	seeOther(w, r, "/console", url.Values{"saved": {"alias"}})
}
