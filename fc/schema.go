package fc

import "math"

// The table of kinds: what fcsync knows of each FC resource kind's fields,
// read from shared/reference/fc-api.md (Appendix A, sections 2 and 5). It is
// the one place this knowledge lives: validation (Check), the render order
// of project files (KeyOrder) and the server-owned fields (IsServerOwned)
// all read it. The emulator keeps its own, independent reading of the
// reference, so that a mistake in either shows up as a disagreement.
//
// Where the reference is silent or unsure, the table takes the lenient
// reading (accept what FC might accept) and says so: a false error blocks a
// user's valid deploy, a missed one is still caught by FC.

// Type is the JSON type of a field's value.
type Type int

const (
	TString Type = iota + 1
	TInt         // a whole number
	TFloat       // any number
	TBool
	TObject // a mapping with the fields in Fields
	TMap    // a mapping of free keys to Elem values
	TList   // a list of Elem values
	TAny    // anything: fcsync does not look inside
)

// Field describes one field of a kind or of a nested object. Zero values
// mean "no constraint".
type Field struct {
	Name string
	Type Type
	// Elem describes the elements of a TList or the values of a TMap.
	Elem *Field
	// Fields are the fields of a TObject, in render order.
	Fields []Field
	// Enum lists the accepted values of a TString.
	Enum []string
	// Min and Max bound a number when HasRange is set; MultipleOf (when not
	// 0) constrains it further; OneOf, when set, lists the only values.
	HasRange   bool
	Min, Max   float64
	MultipleOf float64
	OneOf      []int64
	// Unit names the unit of a number in messages ("MB", "seconds").
	Unit string
	// Required fields must be present in every file of the kind.
	Required bool
	// ServerOwned fields are set by FC and never appear in project files.
	ServerOwned bool
	// WireJSON fields travel as a JSON string in the API (a trigger's
	// triggerConfig in 2021-04-06) and are objects everywhere else.
	WireJSON bool
	// Untyped fields are ones FC has that the table does not describe yet:
	// they pass as opaque values with a warning (extraFields silences it).
	Untyped bool
	// Syntax checks a string's form (a cron expression); nil: any string.
	Syntax func(string) error
	// Default is the value FC answers for the field when nobody set it,
	// when HasDefault: project files leave such a value out (it is noise:
	// an empty string, -1 for NAS ids, a setting few functions touch),
	// while the live branch keeps it. A null inside an object is left out
	// the same way, without a Default.
	Default    any
	HasDefault bool
	// Variants are the fields of a TObject chosen by the value of the
	// sibling field VariantOf (triggerConfig by triggerType). A value of
	// VariantOf without an entry leaves the object unchecked.
	VariantOf string
	Variants  map[string][]Field
	// Attached fields are kept by FC apart from the resource's own
	// attributes (a service's tags and VPC bindings): calls of their own
	// read and write them (attached.go), never the resource's Get, Create
	// or Update. Online they always have a value, empty when nothing is set.
	Attached *Attached
	// Set marks a list whose order means nothing to FC (vpcBindings): it is
	// kept sorted, so that no order reads as a change, and a value listed
	// twice is an error.
	Set bool
	// Answer, when set, turns the form FC answers the field in into the
	// form a write takes (FC 3.0 answers a function's layers as {arn,
	// size} objects and takes ARNs): files, comparisons and writes then
	// see one form.
	Answer func(any) any
	// RefKind lets a string name a resource of the project as
	// "<kind>:<name>" (a function's layers: "layer:shared"): the reference
	// stands for the ARN of that resource as it is now (refs.go).
	RefKind Kind
}

// Schema is the table entry of one kind (kinds.go lists them).
type Schema struct {
	Kind Kind
	// Parent is the kind that contains this one; "" for a top-level kind.
	Parent Kind
	// Slots are the names that identify a resource of the kind, outermost
	// first; the last is its own name.
	Slots []Slot
	// Noun names the kind in API actions ("Create"+Noun), ListKey is the key
	// of a list answer, NameField the body field holding the name.
	Noun, ListKey, NameField string
	// Collection is the API path that lists and creates resources of the
	// kind; File the project path of a resource's file; Dir the folder a
	// resource owns ("" for none). Placeholders: {service} {function} {name}.
	Collection, File, Dir string
	// HasCode: a resource has code, under Dir/code. ETag: FC sends an ETag
	// with a single resource and honours If-Match.
	HasCode, ETag bool
	// Name checks a resource's own name.
	Name func(Kind, string) error
	// Fields are the writable fields in render order, then server-owned ones.
	// For a PerQualifier kind they are the fields of one qualifier's config.
	Fields []Field
	// PerQualifier is set for a kind whose resource is one function's
	// configs, one per qualifier (see PerQualifier).
	PerQualifier *PerQualifier
	// Single is set for a kind with one resource per parent and no name of
	// its own (see Single).
	Single *Single
	// Versioned kinds (layers) are published in immutable numbered
	// versions: a create or an update publishes a new version with every
	// field and the code, a read sees the newest version, a delete deletes
	// every version. Their answers carry where the code can be downloaded.
	Versioned bool
	// CodeRequired: a resource of the kind cannot exist without code.
	CodeRequired bool
	// ARNFields are the Status fields holding a resource's ARN, in every
	// form FC spells it; a reference (Field.RefKind) resolves to the first.
	ARNFields []string

	rank int // place in its API's table: the apply order
	api  API // the API whose table holds the entry
}

// PerQualifier describes a kind whose resource holds a function's config
// for each qualifier (an alias, LATEST, or a version where FC takes one):
// the top-level keys of its file are qualifiers, their values the configs
// (`prod: {target: 10}`). FC reads and writes one qualifier at a time
// (Config, with ?qualifier= as the SDK sends it) and lists them in bulk
// (the Schema's Collection and ListKey); the client groups a list's items
// by function into one resource. Noun names the single-config actions
// (Put, Get, Delete + Noun). A qualifier absent from the file is not
// managed; one written as null is deleted online.
type PerQualifier struct {
	// Config is the API path of one qualifier's config.
	Config string
	// ListAction is the SDK's name of the list call.
	ListAction string
	// Locate names the service, function and qualifier of a list item.
	Locate func(item map[string]any) (svc, fn, q string, ok bool)
	// Delete: FC deletes one config with DELETE on Config. Without it, Clear
	// is the body of the PUT that removes one (provision: a target of 0).
	Delete bool
	Clear  map[string]any
	// Qualifier checks a qualifier of the file against the kind's rule.
	Qualifier func(Kind, string) error
}

// Single describes a kind of which a parent has at most one resource,
// with no name of its own (FC 3.0's concurrency config): it lives at Path,
// which PUT creates and updates, GET reads and DELETE removes; the
// Schema's Collection lists every one in the account, each item located
// by Locate.
type Single struct {
	Path       string
	ListAction string
	Locate     func(item map[string]any) (fn string, ok bool)
}

var str = Field{Type: TString}

func strF(name string) Field             { return Field{Name: name, Type: TString} }
func boolF(name string) Field            { return Field{Name: name, Type: TBool} }
func intF(name string) Field             { return Field{Name: name, Type: TInt} }
func owned(name string) Field            { return Field{Name: name, Type: TAny, ServerOwned: true} }
func list(name string, elem Field) Field { return Field{Name: name, Type: TList, Elem: &elem} }
func obj(name string, fields ...Field) Field {
	return Field{Name: name, Type: TObject, Fields: fields}
}
func objList(name string, fields ...Field) Field { return list(name, obj("", fields...)) }
func enum(name string, values ...string) Field {
	return Field{Name: name, Type: TString, Enum: values}
}
func intRange(name string, min, max float64, unit string) Field {
	return Field{Name: name, Type: TInt, HasRange: true, Min: min, Max: max, Unit: unit}
}

// dflt gives f FC's default (see Field.Default).
func dflt(f Field, v any) Field {
	f.Default, f.HasDefault = v, true
	return f
}

// unsetStr is a string field whose default, "", means "not set".
func unsetStr(name string) Field { return dflt(strF(name), "") }

// Runtimes are FC 2.0's runtimes (fc-api.md A.2, runtime). The reference's
// list is cut off after "dot…"; dotnetcore3.1, custom, custom.debian10 and
// custom-container are FC's documented names, and nodejs18/nodejs20 are
// newer than the SDK's comment: all accepted (the lenient reading).
var Runtimes = []string{"nodejs20", "nodejs18", "nodejs16", "nodejs14", "nodejs12", "nodejs10",
	"nodejs8", "nodejs6", "nodejs4.4", "python3.10", "python3.9", "python3", "python2.7",
	"java11", "java8", "go1", "php7.2", "dotnetcore3.1", "dotnetcore2.1", "custom",
	"custom.debian10", "custom-container"}

// TriggerTypes are the trigger types of fc-api.md 2.4.
var TriggerTypes = []string{"http", "timer", "oss", "log", "tablestore", "cdn_events",
	"mns_topic", "eventbridge", "rds", "mq_topic"}

// HTTPMethods are the methods an HTTP trigger or route may list. Guess: the
// reference gives none; these are HTTP's own, as FC's console offers them.
var HTTPMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}

var lifecycleHook = []Field{strF("handler"), intRange("timeout", 1, 90, "seconds")} // fc-api.md 5: hooks up to 90 s

// The defaults are what FC answers for a service created with a name only
// (fc-api.md 2.2): nothing set, -1 for the NAS ids. internetAccess (true)
// stays visible: it is a decision.
var serviceFields = []Field{
	unsetStr("description"), unsetStr("role"), boolF("internetAccess"),
	obj("logConfig", unsetStr("project"), unsetStr("logstore"), dflt(boolF("enableRequestMetrics"), false),
		dflt(boolF("enableInstanceMetrics"), false), dflt(enum("logBeginRule", "None", "DefaultRegex"), "None")),
	obj("vpcConfig", unsetStr("vpcId"), dflt(list("vSwitchIds", str), []any{}), unsetStr("securityGroupId"), unsetStr("role")),
	obj("nasConfig", dflt(intF("userId"), int64(-1)), dflt(intF("groupId"), int64(-1)),
		dflt(withMaxItems(objList("mountPoints", strF("serverAddr"), strF("mountDir"), boolF("enableTLS")), 5), []any{})),
	obj("ossMountConfig", dflt(withMaxItems(objList("mountPoints", strF("bucketName"), strF("bucketPath"),
		strF("endpoint"), strF("mountDir"), boolF("readOnly")), 5), []any{})),
	obj("tracingConfig", strF("type"), Field{Name: "params", Type: TMap, Elem: &str}),
	// tags is managed as a whole mapping, a key removed locally untagged
	// online (sync.wholeMaps, as environmentVariables). Empty, they are
	// what FC has for a service nobody tagged or bound.
	{Name: "tags", Type: TMap, Elem: &str, Attached: &serviceTags, Default: map[string]any{}, HasDefault: true},
	{Name: "vpcBindings", Type: TList, Elem: &str, Set: true, Attached: &vpcBindings, Default: []any{}, HasDefault: true},
	owned("serviceName"), owned("serviceId"), owned("createdTime"), owned("lastModifiedTime"),
	owned("useSLRAuthentication"),
}

// A function's defaults (fc-api.md 2.3): the settings most functions never
// touch. memorySize and timeout stay visible whatever their value: they say
// what the function is.
var functionFields = []Field{
	unsetStr("description"),
	enum("runtime", Runtimes...),
	unsetStr("handler"),
	// fc-api.md 5: up to 32 GB in multiples of 64 MB; the minimum is not
	// given, so one multiple (64) is accepted.
	{Name: "memorySize", Type: TInt, HasRange: true, Min: 64, Max: 32768, MultipleOf: 64, Unit: "MB"},
	// fc-api.md 5: up to 86 400 s (older docs: 600 s; the larger is taken).
	intRange("timeout", 1, 86400, "seconds"),
	// A.2 gives the step, not a maximum.
	{Name: "cpu", Type: TFloat, HasRange: true, Min: 0.05, Max: noMax, MultipleOf: 0.05, Unit: "vCPUs"},
	{Name: "diskSize", Type: TInt, OneOf: []int64{512, 10240}, Unit: "MB", Default: int64(512), HasDefault: true},
	{Name: "gpuMemorySize", Type: TInt, HasRange: true, Min: 0, Max: noMax, MultipleOf: 1024, Unit: "MB"},
	dflt(enum("instanceType", "e1", "c1", "fc.gpu.tesla.1", "fc.gpu.ampere.1", "g1"), "e1"),
	// Guess: the reference gives no bound but 1 for concurrency; FC's
	// console stops at 200, which is not enforced here.
	dflt(intRange("instanceConcurrency", 1, noMax, ""), int64(1)),
	intRange("instanceSoftConcurrency", 1, noMax, ""),
	unsetStr("initializer"),
	dflt(intRange("initializationTimeout", 1, 300, "seconds"), int64(3)),
	dflt(intRange("caPort", 1, 65535, ""), int64(9000)),
	{Name: "environmentVariables", Type: TMap, Elem: &str, Default: map[string]any{}, HasDefault: true},
	list("layers", Field{Type: TString, RefKind: KindLayer}),
	obj("customContainerConfig", strF("image"), strF("command"), strF("args"), strF("accelerationType"),
		strF("instanceID"), boolF("webServerMode"), owned("accelerationInfo")),
	obj("customRuntimeConfig", list("command", str), list("args", str)),
	obj("customDNS", list("nameServers", str), list("searches", str),
		objList("dnsOptions", strF("name"), strF("value"))),
	obj("customHealthCheckConfig", strF("httpGetUrl"), intF("initialDelaySeconds"), intF("periodSeconds"),
		intF("timeoutSeconds"), intF("failureThreshold"), intF("successThreshold")),
	obj("instanceLifecycleConfig", obj("preFreeze", lifecycleHook...), obj("preStop", lifecycleHook...)),
	owned("functionName"), owned("functionId"), owned("createdTime"), owned("lastModifiedTime"),
	owned("codeChecksum"), owned("codeSize"), owned("layersArnV2"), owned("code"),
}

// timerTriggerConfig and ossTriggerConfig are the triggerConfig of a timer
// and an OSS trigger, the same in FC 2.0 and FC 3.0.
var (
	timerTriggerConfig = []Field{
		{Name: "cronExpression", Type: TString, Required: true, Syntax: CheckCron},
		boolF("enable"), strF("payload"),
	}
	ossTriggerConfig = []Field{
		nonEmpty(Field{Name: "events", Type: TList, Elem: &str, Required: true}),
		obj("filter", obj("key", strF("prefix"), strF("suffix"))),
	}
)

var triggerFields = []Field{
	unsetStr("description"),
	{Name: "triggerType", Type: TString, Enum: TriggerTypes, Required: true},
	unsetStr("qualifier"), unsetStr("invocationRole"), unsetStr("sourceArn"),
	{Name: "triggerConfig", Type: TObject, WireJSON: true, VariantOf: "triggerType", Variants: map[string][]Field{
		"http": {
			// jwt comes with JWTAuthConfig in the reference (A.3).
			{Name: "authType", Type: TString, Enum: []string{"anonymous", "function", "jwt"}, Required: true},
			nonEmpty(Field{Name: "methods", Type: TList, Elem: &Field{Type: TString, Enum: HTTPMethods}, Required: true}),
			boolF("disableURLInternet"),
			// A JSON string of JWTAuthConfig (A.3) that the table does
			// not describe yet.
			{Name: "authConfig", Type: TAny, Untyped: true},
		},
		"timer": timerTriggerConfig,
		"oss":   ossTriggerConfig,
	}},
	owned("triggerName"), owned("triggerId"), owned("createdTime"), owned("lastModifiedTime"),
	owned("domainName"), owned("urlInternet"), owned("urlIntranet"), owned("status"), owned("targetArn"),
}

// aliasFields: fc-api.md A.5. Weights are a share of traffic, 0 to 1
// each; resolvePolicy's values are the reference's (Random, Content).
var aliasFields = []Field{
	{Name: "versionId", Type: TString, Required: true},
	strF("description"),
	{Name: "additionalVersionWeight", Type: TMap, Elem: &Field{Type: TFloat, HasRange: true, Min: 0, Max: 1}},
	enum("resolvePolicy", "Random", "Content"),
	obj("routePolicy", strF("condition"),
		objList("policyItems", strF("type"), strF("key"), strF("operator"), strF("value"))),
	owned("aliasName"), owned("createdTime"), owned("lastModifiedTime"),
}

// provisionFields: the Go SDK's PutProvisionConfigRequest; the target's
// range is the API reference's ([0,10000]). A PUT replaces the config
// whole, so target, which it requires, is required here too. The defaults
// are what FC answers for a config given a target only (alwaysAllocateCPU
// "默认值为 true", the API reference; no policies).
var provisionFields = []Field{
	{Name: "target", Type: TInt, HasRange: true, Min: 0, Max: 10000, Required: true, Unit: "instances"},
	dflt(boolF("alwaysAllocateCPU"), true),
	dflt(objList("scheduledActions", strF("name"), strF("startTime"), strF("endTime"),
		intRange("target", 0, 10000, "instances"), strF("scheduleExpression")), []any{}),
	// Guess: the reference gives no metric types for FC 2.0, so any string
	// passes; FC checks it.
	dflt(objList("targetTrackingPolicies", strF("name"), strF("startTime"), strF("endTime"), strF("metricType"),
		Field{Name: "metricTarget", Type: TFloat}, intRange("minCapacity", 0, 10000, "instances"),
		intRange("maxCapacity", 0, 10000, "instances")), []any{}),
	owned("resource"), owned("current"), owned("currentError"),
}

// onDemandFields: PutFunctionOnDemandConfigRequest. Guess: FC gives no
// bound but a count cannot be negative.
var onDemandFields = []Field{
	{Name: "maximumInstanceCount", Type: TInt, HasRange: true, Min: 0, Max: noMax, Required: true, Unit: "instances"},
	owned("resource"),
}

// asyncInvokeFields: PutFunctionAsyncInvokeConfigRequest. The FC 2.0 SDK
// gives no ranges; these are FC 3.0's documented ones (an event lives up to
// a week, at most 8 retries), which the emulator applies too.
var asyncInvokeFields = []Field{
	intRange("maxAsyncEventAgeInSeconds", 1, 604800, "seconds"),
	intRange("maxAsyncRetryAttempts", 0, 8, ""),
	obj("destinationConfig", obj("onSuccess", strF("destination")), obj("onFailure", strF("destination"))),
	boolF("statefulInvocation"),
	owned("service"), owned("function"), owned("qualifier"), owned("createdTime"), owned("lastModifiedTime"),
}

// layerFields: the SDK's Layer and CreateLayerVersionRequest. Guess: the
// emulator and FC refuse a version without a compatible runtime.
var layerFields = []Field{
	strF("description"),
	nonEmpty(Field{Name: "compatibleRuntime", Type: TList, Elem: &Field{Type: TString, Enum: Runtimes}, Required: true}),
	owned("layerName"), owned("version"), owned("arn"), owned("arnV2"), owned("codeChecksum"), owned("codeSize"),
	// CreateLayerVersion's answer also spells the size "codesize" (the SDK).
	owned("codesize"), owned("createTime"), owned("acl"), owned("license"), owned("code"),
}

var domainFields = []Field{
	enum("protocol", "HTTP", "HTTPS", "HTTP,HTTPS"),
	obj("routeConfig", objList("routes", strF("path"), strF("serviceName"), strF("functionName"), strF("qualifier"),
		list("methods", Field{Type: TString, Enum: HTTPMethods}),
		obj("rewriteConfig", objList("equalRules", strF("match"), strF("replacement")),
			objList("wildcardRules", strF("match"), strF("replacement")),
			objList("regexRules", strF("match"), strF("replacement"))))),
	obj("certConfig", strF("certName"), strF("certificate"), strF("privateKey")),
	obj("tlsConfig", strF("minVersion"), strF("maxVersion"), list("cipherSuites", str)),
	obj("wafConfig", boolF("enableWAF")),
	owned("domainName"), owned("accountId"), owned("apiVersion"), owned("createdTime"), owned("lastModifiedTime"),
}

// noMax is the Max of a range bounded below only.
var noMax = math.Inf(1)

// withMaxItems bounds the length of a list (mount points: fc-api.md 5).
func withMaxItems(f Field, n int) Field {
	f.HasRange, f.Min, f.Max = true, 0, float64(n)
	return f
}

// nonEmpty makes a list need at least one item.
func nonEmpty(f Field) Field {
	f.HasRange, f.Min, f.Max = true, 1, noMax
	return f
}

// SchemaOf returns the entry of kind k in a's table, nil for a kind a
// does not have.
func (a API) SchemaOf(k Kind) *Schema { return a.schema(k) }

// field returns the top-level field name of the schema, or nil. The
// top-level keys of a PerQualifier kind are qualifiers, never fields.
func (sc *Schema) field(name string) *Field {
	if sc.PerQualifier != nil {
		return nil
	}
	for i := range sc.Fields {
		if sc.Fields[i].Name == name {
			return &sc.Fields[i]
		}
	}
	return nil
}

// KeyOrder is the render order of a kind's top-level fields: its writable
// fields as the table lists them (what the resource is, how it runs, how big
// it is). Fields outside it come after, alphabetically.
func (a API) KeyOrder(k Kind) []string {
	sc := a.schema(k)
	if sc == nil || sc.PerQualifier != nil {
		return nil // qualifiers: alphabetical
	}
	var out []string
	for _, f := range sc.Fields {
		if !f.ServerOwned {
			out = append(out, f.Name)
		}
	}
	return out
}

// IsServerOwned reports whether field (a top-level JSON name) of a resource
// of kind k belongs to the server: it is never written to project files nor
// sent in a write.
func (a API) IsServerOwned(k Kind, field string) bool {
	if sc := a.schema(k); sc != nil {
		if f := sc.field(field); f != nil {
			return f.ServerOwned
		}
	}
	return false
}
