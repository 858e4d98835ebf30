package emulator

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Tags of the 2023-03-30 dialect, /tags-v2 (fc3-api.md 2.13): functions
// named by ARN, PascalCase names in bodies and queries, JSON arrays in
// single query values. Guess, the reference being silent: a tag write
// moves the function's lastModifiedTime, since tags are part of what
// GetFunction answers and clients compare that time to see a change; an
// FC 2.0 function's tags are its service's (functions3.go).

// resourceTypes3 are the spellings seen of the function resource type,
// compared without regard to case (fc3-api.md 2.13).
var resourceTypes3 = []string{"function", "ALIYUN::FC::FUNCTION", "ALIYUN::FC:FUNCTION"}

func checkResourceType3(typ string) *apiError {
	for _, t := range resourceTypes3 {
		if strings.EqualFold(typ, t) {
			return nil
		}
	}
	return invalidValue("ResourceType", strings.Join(resourceTypes3, " | "), typ)
}

// taggedFunction3 resolves a ResourceId, a function ARN of this account.
func (e *Emulator) taggedFunction3(req *request, arn string) (*service, *function, *apiError) {
	name, ok := e.functionOfARN(req, arn)
	if !ok {
		return nil, nil, invalidValue("ResourceId", e.functionARN(req.account, "<function>"), arn)
	}
	r := &request{dialect: dialect2023}
	setFunction3(r, name)
	h, fn, aerr := e.lookupFunction(r)
	return h, fn, aerr
}

// jsonQuery reads a query value holding a JSON array into v; absent is
// no error.
func jsonQuery(req *request, name string, v any) *apiError {
	s := req.query.Get(name)
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return invalidValue(name, "a JSON array", s)
	}
	return nil
}

func (e *Emulator) tagResources3(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(tagResourcesShape3)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := checkResourceType3(stringField(obj, "ResourceType")); aerr != nil {
		return reply{}, aerr
	}
	ids, _ := obj["ResourceId"].([]any)
	if len(ids) == 0 {
		return reply{}, invalidArgument("ResourceId is required")
	}
	list, _ := obj["Tag"].([]any)
	tags, aerr := tagList3(list)
	if aerr != nil {
		return reply{}, aerr
	}
	if len(tags) == 0 {
		return reply{}, invalidArgument("Tag is required: at least one tag")
	}
	sent := make(map[string]any, len(tags))
	for k, v := range tags {
		sent[k] = v
	}
	for _, id := range ids {
		h, fn, aerr := e.taggedFunction3(req, id.(string))
		if aerr != nil {
			return reply{}, aerr
		}
		if aerr := checkTags(sent, h.Tags); aerr != nil {
			return reply{}, aerr
		}
		if h.Tags == nil {
			h.Tags = map[string]string{}
		}
		for k, v := range tags {
			h.Tags[k] = v
		}
		fn.ETag = e.st.touch(fn.Attrs, req.now)
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// untagResources3 removes TagKey, or every tag with All=true. Guess: keys
// that are not set are ignored, and neither keys nor All is refused.
func (e *Emulator) untagResources3(req *request) (reply, *apiError) {
	if aerr := checkResourceType3(req.query.Get("ResourceType")); aerr != nil {
		return reply{}, aerr
	}
	var ids, keys []string
	if aerr := jsonQuery(req, "ResourceId", &ids); aerr != nil {
		return reply{}, aerr
	}
	if aerr := jsonQuery(req, "TagKey", &keys); aerr != nil {
		return reply{}, aerr
	}
	all := req.query.Get("All")
	if all != "" && all != "true" && all != "false" {
		return reply{}, invalidValue("All", "true | false", all)
	}
	if len(ids) == 0 {
		return reply{}, invalidArgument("ResourceId is required")
	}
	if len(keys) == 0 && all != "true" {
		return reply{}, invalidArgument("TagKey is required unless All is true")
	}
	if len(keys) > 50 {
		return reply{}, invalidValue("TagKey", "at most 50 keys", len(keys))
	}
	for _, id := range ids {
		h, fn, aerr := e.taggedFunction3(req, id)
		if aerr != nil {
			return reply{}, aerr
		}
		if len(keys) == 0 {
			h.Tags = nil
		}
		for _, k := range keys {
			delete(h.Tags, k)
		}
		if len(h.Tags) == 0 {
			h.Tags = nil
		}
		fn.ETag = e.st.touch(fn.Attrs, req.now)
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// listTagResources3 answers one row per resource and tag, of the
// functions in ResourceId (every tagged function without it) whose tags
// hold every Tag. Guess: NextToken is the index of the first row left out.
func (e *Emulator) listTagResources3(req *request) (reply, *apiError) {
	if aerr := checkResourceType3(req.query.Get("ResourceType")); aerr != nil {
		return reply{}, aerr
	}
	var ids []string
	var filter []map[string]string
	if aerr := jsonQuery(req, "ResourceId", &ids); aerr != nil {
		return reply{}, aerr
	}
	if aerr := jsonQuery(req, "Tag", &filter); aerr != nil {
		return reply{}, aerr
	}
	limit, aerr := parseLimit(map[string][]string{"limit": req.query["Limit"]})
	if aerr != nil {
		return reply{}, aerr
	}
	want := map[string]any{}
	for _, t := range filter {
		want[t["Key"]] = t["Value"]
	}
	all := e.functions3("")
	if len(ids) == 0 {
		for name := range all {
			ids = append(ids, e.functionARN(req.account, name))
		}
		sort.Strings(ids)
	}
	var rows []map[string]any
	for _, id := range ids {
		_, _, aerr := e.taggedFunction3(req, id)
		if aerr != nil {
			return reply{}, aerr
		}
		name, _ := e.functionOfARN(req, id)
		tags := all[name].tags
		if !hasTags(tags, want) {
			continue
		}
		for _, k := range sortedKeys(tags) {
			rows = append(rows, map[string]any{"ResourceId": id, "ResourceType": "ALIYUN::FC::FUNCTION",
				"TagKey": k, "TagValue": tags[k]})
		}
	}
	start := 0
	if tok := req.query.Get("NextToken"); tok != "" {
		if start = atoi(tok); start < 1 || start > len(rows) || !isVersionID(tok) {
			return reply{}, invalidValue("NextToken", "a token of an earlier answer", tok)
		}
	}
	end := min(start+limit, len(rows))
	page := rows[start:end]
	if page == nil {
		page = []map[string]any{}
	}
	body := map[string]any{"TagResources": page, "RequestId": req.requestID}
	if end < len(rows) {
		body["NextToken"] = strconv.Itoa(end)
	}
	return ok(body, "")
}
