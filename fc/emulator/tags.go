package emulator

import (
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Tags of services (the 2021-04-06 API tags "services for top level
// resources" only): TagResource, UntagResource, GetResourceTags,
// ListTaggedResources, and ListServices' tag_<key>=<value> filter (the Node
// SDK's listServices({tags})). Tags are not part of the service's
// attributes: tagging changes neither its ETag nor its lastModifiedTime
// (Guess: GetService has no tags field, so they live apart).

var tagShape = objectOf(map[string]*shape{"resourceArn": tString, "tags": mapOf(tString)})

var untagShape = objectOf(map[string]*shape{"resourceArn": tString, "tagKeys": tStrings, "all": tBoolean})

// Guess: Alibaba Cloud's common tag rules, as the reference gives none but
// the Node SDK's "at most 20": keys of 1 to 128 characters not starting
// with aliyun or acs:, values of up to 256.
const (
	maxTags        = 20
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

func (e *Emulator) serviceARN(account, svc string) string {
	return "acs:fc:" + e.opts.Region + ":" + account + ":services/" + svc
}

// taggedService resolves a resourceArn, full (acs:fc:<region>:<account>:
// services/<svc>) or partial (services/<svc>, which the Node SDK documents),
// to its service.
func (e *Emulator) taggedService(req *request, arn string) (*service, string, *apiError) {
	rest := arn
	if strings.HasPrefix(arn, "acs:") {
		parts := strings.SplitN(arn, ":", 5)
		if len(parts) != 5 || parts[1] != "fc" || parts[2] != e.opts.Region || parts[3] != req.account {
			return nil, "", invalidValue("resourceArn", "acs:fc:"+e.opts.Region+":"+req.account+":services/<service> | services/<service>", arn)
		}
		rest = parts[4]
	}
	name, ok := strings.CutPrefix(rest, "services/")
	if !ok || name == "" || strings.ContainsAny(name, "/.") {
		return nil, "", invalidValue("resourceArn", "a service: acs:fc:<region>:<account>:services/<service> | services/<service>", arn)
	}
	svc := e.st.Services[name]
	if svc == nil {
		return nil, "", serviceNotFound(name)
	}
	return svc, name, nil
}

func checkTags(tags map[string]any, existing map[string]string) *apiError {
	if len(tags) == 0 {
		return invalidArgument("Tags is required: at least one tag")
	}
	added := 0
	for k, v := range tags {
		s, _ := v.(string)
		if k == "" || utf8.RuneCountInString(k) > maxTagKeyLen || strings.HasPrefix(k, "aliyun") || strings.HasPrefix(k, "acs:") {
			return invalidValue("tags", "keys of 1 to 128 characters not starting with aliyun or acs:", k)
		}
		if utf8.RuneCountInString(s) > maxTagValueLen {
			return invalidValue("tags."+k, "at most 256 characters", s)
		}
		if _, has := existing[k]; !has {
			added++
		}
	}
	if len(existing)+added > maxTags {
		return invalidValue("tags", "at most 20 tags on a resource", len(existing)+added)
	}
	return nil
}

func (e *Emulator) tagResource(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(tagShape)
	if aerr != nil {
		return reply{}, aerr
	}
	svc, _, aerr := e.taggedService(req, stringField(obj, "resourceArn"))
	if aerr != nil {
		return reply{}, aerr
	}
	tags, _ := obj["tags"].(map[string]any)
	if aerr := checkTags(tags, svc.Tags); aerr != nil {
		return reply{}, aerr
	}
	if svc.Tags == nil {
		svc.Tags = map[string]string{}
	}
	for k, v := range tags {
		svc.Tags[k], _ = v.(string)
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// untagResource removes tagKeys, or every tag with all (which "takes effect
// only when no tag key is specified", the SDK). Guess: keys that are not
// set are ignored, and neither keys nor all is refused.
func (e *Emulator) untagResource(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(untagShape)
	if aerr != nil {
		return reply{}, aerr
	}
	svc, _, aerr := e.taggedService(req, stringField(obj, "resourceArn"))
	if aerr != nil {
		return reply{}, aerr
	}
	keys, _ := obj["tagKeys"].([]any)
	all, _ := obj["all"].(bool)
	switch {
	case len(keys) > 0:
		for _, k := range keys {
			s, _ := k.(string)
			delete(svc.Tags, s)
		}
	case all:
		svc.Tags = nil
	default:
		return reply{}, invalidArgument("TagKeys is required unless All is true")
	}
	if len(svc.Tags) == 0 {
		svc.Tags = nil
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func tagsJSON(tags map[string]string) map[string]any {
	out := make(map[string]any, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

func (e *Emulator) getResourceTags(req *request) (reply, *apiError) {
	svc, name, aerr := e.taggedService(req, req.query.Get("resourceArn"))
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(map[string]any{"resourceArn": e.serviceARN(req.account, name), "tags": tagsJSON(svc.Tags)}, "")
}

// listTaggedResources lists the services that have tags, by name.
func (e *Emulator) listTaggedResources(req *request) (reply, *apiError) {
	var names []string
	for name, svc := range e.st.Services {
		if len(svc.Tags) > 0 {
			names = append(names, name)
		}
	}
	page, next, aerr := paginate(names, url.Values{"limit": req.query["limit"], "nextToken": req.query["nextToken"]})
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		items = append(items, map[string]any{"resourceArn": e.serviceARN(req.account, name), "tags": tagsJSON(e.st.Services[name].Tags)})
	}
	return listReply("resources", items, next)
}

// servicesTagged returns the names of the services whose tags match every
// tag_<key>=<value> of the query.
func (e *Emulator) servicesTagged(q url.Values) []string {
	want := map[string]string{}
	for k, v := range q {
		if key, ok := strings.CutPrefix(k, "tag_"); ok && len(v) > 0 {
			want[key] = v[0]
		}
	}
	var names []string
	for name, svc := range e.st.Services {
		match := true
		for k, v := range want {
			if got, has := svc.Tags[k]; !has || got != v {
				match = false
			}
		}
		if match {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
