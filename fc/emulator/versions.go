package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Versions (fc-api.md 2.7): a published version is an immutable snapshot of
// the service's configuration and of every function, code included,
// triggers excluded. Ids count up from 1 per service and are never reused.

func versionNotFound(svc, id string) *apiError {
	return errorf(http.StatusNotFound, "VersionNotFound", "version '%s' of service '%s' does not exist", id, svc)
}

func aliasNotFound(svc, name string) *apiError {
	return errorf(http.StatusNotFound, "AliasNotFound", "alias '%s' of service '%s' does not exist", name, svc)
}

// isVersionID tells a version id from an alias name: alias names cannot
// start with a digit (fc-api.md 2.1).
func isVersionID(q string) bool {
	return q != "" && strings.Trim(q, "0123456789") == ""
}

// view is what a read through a qualifier sees: the live service for
// LATEST, else the snapshot of the version the qualifier names or an alias
// points at.
type view struct {
	version   string // "" for LATEST
	service   map[string]any
	etag      string
	functions map[string]*function
}

// viewOf resolves qualifier q of svc. Guess: an alias resolves to its main
// version; the emulator does not play the weighted canary
// (additionalVersionWeight), so reads and invocations are deterministic.
func viewOf(svc *service, name, q string) (view, *apiError) {
	if q == "" || q == "LATEST" {
		return view{service: svc.Attrs, etag: svc.ETag, functions: svc.Functions}, nil
	}
	id := q
	if !isVersionID(q) {
		a := svc.Aliases[q]
		if a == nil {
			return view{}, aliasNotFound(name, q)
		}
		id = stringField(a.Attrs, "versionId")
	}
	v := svc.Versions[id]
	if v == nil {
		return view{}, versionNotFound(name, id)
	}
	// The official PHP SDK's tests (fc-php-sdk test/versioning_test.php,
	// testGetService) show GetService through a version or alias answering
	// with the version's description in place of the service's.
	attrs := clone(v.Service)
	attrs["description"] = v.Attrs["description"]
	return view{version: id, service: attrs, etag: etagOf(attrs), functions: v.Functions}, nil
}

// qualifierExists checks that q names LATEST, a version or an alias of svc.
func qualifierExists(svc *service, name, q string) *apiError {
	_, aerr := viewOf(svc, name, q)
	return aerr
}

var versionShape = objectOf(map[string]*shape{"description": tString})

func (e *Emulator) publishServiceVersion(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(svc.ETag); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(versionShape)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := checkDescription(obj); aerr != nil {
		return reply{}, aerr
	}
	snapService, snapFunctions := snapshot(svc)
	if last := newestVersion(svc); last != nil && sameContent(last, snapService, snapFunctions) {
		// The docs say a version can be published only after something
		// changed since the last one, and the official PHP and Node SDK
		// tests show a second publish failing (and one after the newest
		// version is deleted succeeding). Guess: the code is not documented
		// (fc-api.md 7.8); InvalidArgument, as FC's other refusals of a
		// request that cannot be carried out as sent.
		return reply{}, invalidArgument("can not publish version of service '%s': nothing changed since version '%s'",
			req.svc, stringField(last.Attrs, "versionId"))
	}
	svc.LastVersion++
	id := strconv.Itoa(svc.LastVersion)
	now := e.st.stamp(req.now)
	attrs := map[string]any{"versionId": id, "description": stringField(obj, "description"),
		"createdTime": now, "lastModifiedTime": now}
	if svc.Versions == nil {
		svc.Versions = map[string]*version{}
	}
	svc.Versions[id] = &version{Attrs: attrs, Service: snapService, Functions: snapFunctions}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(clone(attrs), "")
}

// snapshot copies what a version holds: the service's attributes and every
// function without its triggers, sharing the immutable code bytes.
func snapshot(svc *service) (map[string]any, map[string]*function) {
	fns := make(map[string]*function, len(svc.Functions))
	for name, fn := range svc.Functions {
		fns[name] = &function{Attrs: deepCopyMap(fn.Attrs), ETag: fn.ETag, CodeBlob: fn.CodeBlob, code: fn.code}
	}
	return deepCopyMap(svc.Attrs), fns
}

func newestVersion(svc *service) *version {
	var newest *version
	best := 0
	for id, v := range svc.Versions {
		if n, _ := strconv.Atoi(id); n > best {
			best, newest = n, v
		}
	}
	return newest
}

// sameContent compares a version with the service now. Guess: timestamps
// are not content, so an update that set every value to what it was is no
// change; ids are, so a function deleted and made again is one.
func sameContent(v *version, svcAttrs map[string]any, fns map[string]*function) bool {
	if !reflect.DeepEqual(contentOf(v.Service), contentOf(svcAttrs)) || len(v.Functions) != len(fns) {
		return false
	}
	for name, fn := range fns {
		old := v.Functions[name]
		if old == nil || !reflect.DeepEqual(contentOf(old.Attrs), contentOf(fn.Attrs)) {
			return false
		}
	}
	return true
}

// contentOf is attrs without lastModifiedTime, through JSON so that a
// number read back from disk (json.Number) equals the one sent.
func contentOf(attrs map[string]any) any {
	c := clone(attrs)
	delete(c, "lastModifiedTime")
	b, _ := json.Marshal(c)
	var v any
	json.Unmarshal(b, &v)
	return v
}

// checkDescription: FC's descriptions are at most 256 characters (the
// SDK's doc-comment of the layer description; Guess: the same for
// versions and aliases).
func checkDescription(obj map[string]any) *apiError {
	if d := stringField(obj, "description"); len([]rune(d)) > 256 {
		return invalidValue("description", "at most 256 characters", d)
	}
	return nil
}

func (e *Emulator) listServiceVersions(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	direction := req.query.Get("direction")
	if direction == "" {
		direction = "BACKWARD"
	}
	if direction != "BACKWARD" && direction != "FORWARD" {
		return reply{}, invalidValue("direction", "FORWARD | BACKWARD", direction)
	}
	limit, aerr := parseLimit(req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	ids := make([]int, 0, len(svc.Versions))
	for id := range svc.Versions {
		n, _ := strconv.Atoi(id)
		ids = append(ids, n)
	}
	sort.Ints(ids)
	backward := direction == "BACKWARD"
	if backward {
		sort.Sort(sort.Reverse(sort.IntSlice(ids)))
	}
	// startKey (or nextToken, which wins) is inclusive, in the direction
	// listed (fc-api.md 1.11).
	start := req.query.Get("startKey")
	if tok := req.query.Get("nextToken"); tok != "" {
		start = tok
	}
	from, hasStart := 0, start != ""
	if hasStart {
		var err error
		if from, err = strconv.Atoi(start); err != nil {
			return reply{}, invalidValue("startKey", "a version id", start)
		}
	}
	items := []map[string]any{}
	next := ""
	for _, id := range ids {
		if hasStart && ((backward && id > from) || (!backward && id < from)) {
			continue
		}
		if len(items) == limit {
			next = strconv.Itoa(id)
			break
		}
		items = append(items, clone(svc.Versions[strconv.Itoa(id)].Attrs))
	}
	body := map[string]any{"versions": items, "direction": direction}
	if next != "" {
		body["nextToken"] = next
	}
	return ok(body, "")
}

func (e *Emulator) deleteServiceVersion(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if svc.Versions[req.version] == nil {
		return reply{}, versionNotFound(req.svc, req.version)
	}
	// Guess: FC keeps a version an alias routes to, as the official Node
	// SDK's tests delete aliases before versions; the code is not
	// documented.
	for _, name := range sortedKeys(svc.Aliases) {
		if aliasUses(svc.Aliases[name], req.version) {
			return reply{}, invalidArgument("version '%s' of service '%s' is used by alias '%s'", req.version, req.svc, name)
		}
	}
	forgetQualifierConfigs(svc, req.version)
	delete(svc.Versions, req.version)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// checkServiceEmpty refuses to delete a service that still has versions or
// aliases: the official PHP SDK's tests expect DeleteService to fail while a
// version exists. Guess: the same code as for a service with functions, and
// aliases count as versions do. Tags, VPC bindings go with the service.
func checkServiceEmpty(svc *service, name string) *apiError {
	if len(svc.Versions) > 0 || len(svc.Aliases) > 0 {
		return errorf(http.StatusConflict, "ServiceNotEmpty", "service '%s' is not empty: it has %d versions and %d aliases",
			name, len(svc.Versions), len(svc.Aliases))
	}
	return nil
}

// codeOf finds the code package of a function with that checksum, live or
// in a published version, so that a GetFunctionCode URL issued through a
// qualifier serves that version's code.
func (s *store) codeOf(svcName, fnName, checksum string) []byte {
	svc := s.Services[svcName]
	if svcName == fc3Space {
		svc = s.Functions3[fnName]
	}
	if svc == nil {
		return nil
	}
	candidates := []*function{svc.Functions[fnName]}
	for _, v := range svc.Versions {
		candidates = append(candidates, v.Functions[fnName])
	}
	for _, fn := range candidates {
		if fn != nil && fn.CodeBlob != "" && Checksum(fn.code) == checksum {
			return fn.code
		}
	}
	return nil
}
