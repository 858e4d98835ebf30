package funcraft

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/fc"
)

// triggerTypes maps the template's event types to FC's trigger types, as
// funcraft's own deploy does. Datahub and Api events are not FC triggers.
var triggerTypes = map[string]string{
	"Timer": "timer", "HTTP": "http", "Log": "log", "OSS": "oss", "RDS": "rds",
	"MNSTopic": "mns_topic", "TableStore": "tablestore", "CDN": "cdn_events",
}

// arnProps are the event properties that name the event source: they make
// the trigger's sourceArn, not its triggerConfig.
var arnProps = map[string][]string{
	"OSS": {"BucketName", "bucketName"}, "RDS": {"InstanceId"}, "MNSTopic": {"TopicName", "Region"},
	"TableStore": {"InstanceName", "TableName"},
}

// trigger converts one entry of a function's Events: InvocationRole and
// Qualifier are the trigger's own fields, the source properties make its
// sourceArn, and the rest, camelCased, its triggerConfig.
func (im *importer) trigger(path string, id fc.ID, ev map[string]any) {
	typ, _ := ev["Type"].(string)
	fcType, ok := triggerTypes[typ]
	if !ok {
		im.note(path+".Type", fmt.Sprintf("%s is not an FC trigger type; left out", orNone(typ)))
		return
	}
	if err := id.Validate(); err != nil {
		im.note(path, err.Error()+"; left out")
		return
	}
	props, _ := ev["Properties"].(map[string]any)
	if unresolved(props) {
		im.note(path+".Properties", "holds a reference (${...}, !Ref, Fn::...) fcsync cannot resolve; left out")
		return
	}
	spec := map[string]any{"triggerType": fcType}
	cfg := map[string]any{}
	for _, k := range sortedKeys(props) {
		switch {
		case k == "InvocationRole":
			spec["invocationRole"] = props[k]
		case k == "Qualifier" || k == "qualifier":
			spec["qualifier"] = props[k]
		case contains(arnProps[typ], k):
		default:
			cfg[camel(k)] = camelValue(props[k])
		}
	}
	if s, ok := cfg["authType"].(string); ok && typ == "HTTP" {
		cfg["authType"] = strings.ToLower(s)
	}
	spec["triggerConfig"] = cfg
	if arn, missing := im.sourceArn(typ, props); arn != "" {
		spec["sourceArn"] = arn
	} else if missing != "" {
		im.note(path, "sourceArn needs "+missing+"; add sourceArn to the trigger file")
	}
	im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
}

// sourceArn is the ARN funcraft computes for an event source from its
// profile's region and account; missing says what it lacks.
func (im *importer) sourceArn(typ string, p map[string]any) (arn, missing string) {
	if typ == "Timer" || typ == "HTTP" {
		return "", ""
	}
	if im.opt.AccountID == "" {
		return "", "the account id (accountId in fcsync.yaml or ALIBABA_CLOUD_ACCOUNT_ID, then import again)"
	}
	region, account := im.opt.Region, im.opt.AccountID
	str := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := p[k].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	switch typ {
	case "Log":
		lc, _ := p["LogConfig"].(map[string]any)
		if project, _ := lc["Project"].(string); project != "" {
			return fmt.Sprintf("acs:log:%s:%s:project/%s", region, account, project), ""
		}
		return "", "LogConfig.Project"
	case "RDS":
		if id := str("InstanceId"); id != "" {
			return fmt.Sprintf("acs:rds:%s:%s:dbinstance/%s", region, account, id), ""
		}
		return "", "InstanceId"
	case "MNSTopic":
		if topic := str("TopicName"); topic != "" {
			if r := str("Region"); r != "" {
				region = r
			}
			return fmt.Sprintf("acs:mns:%s:%s:/topics/%s", region, account, topic), ""
		}
		return "", "TopicName"
	case "TableStore":
		inst, table := str("InstanceName"), str("TableName")
		if inst != "" && table != "" {
			return fmt.Sprintf("acs:ots:%s:%s:instance/%s/table/%s", region, account, inst, table), ""
		}
		return "", "InstanceName and TableName"
	case "OSS":
		if b := str("BucketName", "bucketName"); b != "" {
			return fmt.Sprintf("acs:oss:%s:%s:%s", region, account, b), ""
		}
		return "", "BucketName"
	case "CDN":
		return "acs:cdn:*:" + account, ""
	}
	return "", ""
}

// domain converts an Aliyun::Serverless::CustomDomain: the routes, a
// mapping of paths in the template, become FC's list, sorted by path; a
// certificate named by file is read; the private key, a secret, becomes a
// reference that push resolves from the environment.
func (im *importer) domain(path, key string, r map[string]any) {
	props, _ := r["Properties"].(map[string]any)
	name := key
	if n, ok := props["DomainName"].(string); ok && n != "" {
		name = n
	}
	if strings.EqualFold(name, "auto") {
		im.note(path, "Auto (a test domain funcraft creates) has no FC name; left out")
		return
	}
	id := fc.DomainID(name)
	if err := id.Validate(); err != nil {
		im.note(path, err.Error()+"; left out")
		return
	}
	spec := map[string]any{}
	for _, k := range sortedKeys(props) {
		v, p := props[k], path+".Properties."+k
		switch {
		case k == "DomainName":
		case unresolved(v):
			im.note(p, "holds a reference (${...}, !Ref, Fn::...) fcsync cannot resolve; left out")
		case k == "Protocol":
			spec["protocol"] = v
		case k == "RouteConfig":
			spec["routeConfig"] = map[string]any{"routes": routes(v)}
		case k == "CertConfig":
			if cert := im.cert(p, id, v); cert != nil {
				spec["certConfig"] = cert
			}
		default:
			im.note(p, "not a property fcsync knows of a custom domain; left out")
		}
	}
	im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
}

// routes turns {Routes: {"/a": {ServiceName, FunctionName, ...}}} into
// FC's [{path: "/a", serviceName, functionName, ...}].
func routes(v any) []any {
	rc, _ := v.(map[string]any)
	byPath, _ := rc["Routes"].(map[string]any)
	if byPath == nil {
		byPath, _ = rc["routes"].(map[string]any)
	}
	paths := sortedKeys(byPath)
	sort.Strings(paths)
	out := make([]any, 0, len(paths))
	for _, p := range paths {
		route, _ := camelValue(byPath[p]).(map[string]any)
		if route == nil {
			route = map[string]any{}
		}
		route["path"] = p
		out = append(out, route)
	}
	return out
}

func (im *importer) cert(path string, id fc.ID, v any) map[string]any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		s, _ := m[k].(string)
		switch k {
		case "CertName":
			out["certName"] = s
		case "Certificate":
			pem, err := im.pem(s)
			if err != nil {
				im.note(path+"."+k, err.Error()+"; left out")
				continue
			}
			out["certificate"] = pem
		case "PrivateKey":
			ref := envIdent(id.Name) + "_PRIVATE_KEY"
			out["privateKey"] = "${env:" + ref + "}"
			im.note(path+"."+k, "a secret, never kept in git: written as ${env:"+ref+"}; set "+ref+" to the key's PEM when pushing")
		default:
			im.note(path+"."+k, "not a property of CertConfig; left out")
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// pem is a PEM value of the template, or the content of the file it names.
func (im *importer) pem(s string) (string, error) {
	if strings.Contains(s, "-----BEGIN") {
		return s, nil
	}
	data, err := im.opt.ReadFile(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", s, err)
	}
	return string(data), nil
}

// envIdent is a domain name as an environment variable's name, as clone
// names a domain's key (EXAMPLE_COM_PRIVATE_KEY).
func envIdent(s string) string {
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		return "_" + string(b)
	}
	return string(b)
}
