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

// renderDomain3 is a custom domain as the 2023-03-30 API answers it: a
// route of FC 2.0 ({serviceName, functionName}) names the function
// "svc$fn" (fc3-api.md 3.2, UNCONFIRMED).
func renderDomain3(req *request, d *domain) map[string]any {
	out := renderDomain(d)
	if req.dialect != dialect2023 {
		return out
	}
	rc, _ := out["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	if len(routes) == 0 {
		return out
	}
	mapped := make([]any, len(routes))
	for i, r := range routes {
		route := clone(r.(map[string]any))
		if svc := stringField(route, "serviceName"); svc != "" {
			route["functionName"] = name3(svc, stringField(route, "functionName"))
		}
		delete(route, "serviceName")
		mapped[i] = route
	}
	rc = clone(rc)
	rc["routes"] = mapped
	out["routeConfig"] = rc
	return out
}

// checkRoutes3: FC 3.0's routes require a path and a function
// (fc3-api.md B.5 PathConfig).
func checkRoutes3(attrs map[string]any) *apiError {
	rc, _ := attrs["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	for i, r := range routes {
		route, _ := r.(map[string]any)
		for _, key := range []string{"path", "functionName"} {
			if stringField(route, key) == "" {
				return invalidArgument("RouteConfig.Routes[%d].%s is required", i, capitalise(key))
			}
		}
	}
	return nil
}

// checkDomainWrite checks a domain after a write is merged in.
func checkDomainWrite(req *request, attrs map[string]any) *apiError {
	if aerr := checkDomainRules(attrs); aerr != nil {
		return aerr
	}
	if req.dialect == dialect2023 {
		return checkRoutes3(attrs)
	}
	return nil
}

func (e *Emulator) createCustomDomain(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(shapeFor(req, domainShape, createDomainShape3))
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
	if aerr := checkDomainWrite(req, attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["domainName"] = name
	attrs["accountId"] = req.account
	// Domains made through FC 2.0 report 2016-08-15 whichever dialect
	// made them; FC 3.0's report 2023-03-30 (fc3-api.md 3.2).
	attrs["apiVersion"] = dialect2016
	if req.dialect == dialect2023 {
		attrs["apiVersion"] = dialect2023
	}
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	d := &domain{Attrs: attrs}
	e.st.Domains[name] = d
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderDomain3(req, d), "")
}

func (e *Emulator) getCustomDomain(req *request) (reply, *apiError) {
	d, aerr := e.lookupDomain(req)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderDomain3(req, d), "")
}

// updateCustomDomain has no If-Match: FC has no ETag on custom domains.
func (e *Emulator) updateCustomDomain(req *request) (reply, *apiError) {
	d, aerr := e.lookupDomain(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, domainShape, updateDomainShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	updated := clone(d.Attrs)
	apply(updated, obj, domainOwned...)
	if aerr := checkDomainWrite(req, updated); aerr != nil {
		return reply{}, aerr
	}
	d.Attrs = updated
	e.st.touch(d.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderDomain3(req, d), "")
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
		items = append(items, renderDomain3(req, e.st.Domains[name]))
	}
	return listReply("customDomains", items, next)
}
