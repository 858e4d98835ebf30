package emulator

import (
	"net/http"
	"strings"
)

var domainOwned = []string{"domainName", "accountId", "apiVersion", "createdTime", "lastModifiedTime"}

// checkDomainName accepts host names: dot-separated labels of letters,
// digits and '-', a leading "*." for wildcard domains. Guess: FC's own check
// is not documented; it also requires the CNAME to point at FC, which the
// emulator skips (fc-api.md 2.5).
func checkDomainName(name string) *apiError {
	host := strings.TrimPrefix(name, "*.")
	valid := host != "" && len(name) <= 253
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			valid = false
		}
	}
	if !valid {
		return invalidArgument("domain name '%s' is invalid", name)
	}
	return nil
}

func (e *Emulator) lookupDomain(req *request) (*domain, *apiError) {
	if d := e.st.Domains[req.domain]; d != nil {
		return d, nil
	}
	return nil, domainNotFound(req.domain)
}

// renderDomain blanks the certificate's private key: FC is not known to
// echo it (fc-api.md 2.5), and a secret should not travel back anyway.
func renderDomain(d *domain) map[string]any {
	out := clone(d.Attrs)
	if cc, ok := out["certConfig"].(map[string]any); ok {
		if _, has := cc["privateKey"]; has {
			cc = clone(cc)
			cc["privateKey"] = ""
			out["certConfig"] = cc
		}
	}
	return out
}

func (e *Emulator) createCustomDomain(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(domainShape)
	if aerr != nil {
		return reply{}, aerr
	}
	name := stringField(obj, "domainName")
	if aerr := checkDomainName(name); aerr != nil {
		return reply{}, aerr
	}
	if e.st.Domains[name] != nil {
		return reply{}, errorf(http.StatusConflict, "DomainNameAlreadyExists", "domain name '%s' already exists", name)
	}
	attrs := map[string]any{}
	apply(attrs, obj, domainOwned...)
	complete(attrs, domainDefaults())
	if aerr := checkDomainRules(attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["domainName"] = name
	attrs["accountId"] = req.account
	attrs["apiVersion"] = dialect2016
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	d := &domain{Attrs: attrs}
	e.st.Domains[name] = d
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderDomain(d), "")
}

func (e *Emulator) getCustomDomain(req *request) (reply, *apiError) {
	d, aerr := e.lookupDomain(req)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderDomain(d), "")
}

// updateCustomDomain has no If-Match: FC has no ETag on custom domains.
func (e *Emulator) updateCustomDomain(req *request) (reply, *apiError) {
	d, aerr := e.lookupDomain(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(domainShape)
	if aerr != nil {
		return reply{}, aerr
	}
	updated := clone(d.Attrs)
	apply(updated, obj, domainOwned...)
	if aerr := checkDomainRules(updated); aerr != nil {
		return reply{}, aerr
	}
	d.Attrs = updated
	e.st.touch(d.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderDomain(d), "")
}

func (e *Emulator) deleteCustomDomain(req *request) (reply, *apiError) {
	if _, aerr := e.lookupDomain(req); aerr != nil {
		return reply{}, aerr
	}
	delete(e.st.Domains, req.domain)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func (e *Emulator) listCustomDomains(req *request) (reply, *apiError) {
	page, next, aerr := paginate(sortedKeys(e.st.Domains), req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		items = append(items, renderDomain(e.st.Domains[name]))
	}
	return listReply("customDomains", items, next)
}
