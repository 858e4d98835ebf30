package fc

// The fields of FC 3.0's kinds (fc3-api.md Appendix B, the Node SDK 4.7.6
// models; defaults from section 2.2). A default is what FC answers for a
// function created with its required fields only: project files leave it
// out (WithoutDefaults), so that a cloned function reads as what someone
// set. memorySize, cpu and timeout stay visible: they say what the
// function is.
//
// A function's tags are a mapping in files, as FC 2.0's service tags are;
// FC 3.0 answers them with the function as [{Key, Value}] and changes them
// only through TagResources and UntagResources (functionTags3).

// Runtimes3 are FC 3.0's runtimes: the SDK's list and what devsapp/fc3
// also deploys (fc3-api.md 2.2).
var Runtimes3 = []string{"nodejs20", "nodejs18", "nodejs16", "nodejs14", "nodejs12", "nodejs10", "nodejs8",
	"python3.12", "python3.10", "python3.9", "python3", "python2.7", "java11", "java8", "go1", "php7.2",
	"dotnetcore3.1", "dotnetcore2.1", "custom", "custom.debian10", "custom.debian11", "custom.debian12",
	"custom-container"}

// healthCheck3 is CustomHealthCheckConfig with its documented ranges and
// defaults (fc3-api.md 2.2).
var healthCheck3 = obj("healthCheckConfig", strF("httpGetUrl"),
	dflt(intRange("initialDelaySeconds", 0, 120, "seconds"), int64(0)),
	dflt(intRange("periodSeconds", 1, 120, "seconds"), int64(3)),
	dflt(intRange("timeoutSeconds", 1, 3, "seconds"), int64(1)),
	dflt(intRange("failureThreshold", 1, 120, ""), int64(3)),
	dflt(intRange("successThreshold", 1, 120, ""), int64(1)))

// hook3 is a LifecycleHook; FC fills a timeout of 3 s.
func hook3(name string, max float64) Field {
	return obj(name, strF("handler"), dflt(intRange("timeout", 1, max, "seconds"), int64(3)), list("command", str))
}

var emptyList = []any{}

// layers3 are ARNs in writes, {arn, size} objects in answers (fc3-api.md
// 0.8): read as the ARNs, which files and comparisons hold.
var layers3 = func() Field {
	f := dflt(list("layers", Field{Type: TString, RefKind: KindLayer}), emptyList)
	f.Answer = layerARNs
	return f
}()

// tags3 are a function's tags: a mapping in files, [{Key, Value}] in
// FC's answers, written by calls of their own (fc3-api.md 2.13).
var tags3 = Field{Name: "tags", Type: TMap, Elem: &str, Attached: &functionTags3, Answer: tagRows,
	Default: map[string]any{}, HasDefault: true}

// tagRows is an answer's [{Key, Value}] as the mapping files hold; a row
// that is not one stays, for the check to name.
func tagRows(v any) any {
	l, ok := v.([]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(l))
	for _, e := range l {
		m, _ := e.(map[string]any)
		k, kok := m["Key"].(string)
		if !kok {
			return v
		}
		out[k] = m["Value"]
	}
	return out
}

// layerARNs is a layers answer as the list of ARNs a write sends; an item
// that is neither an ARN nor an object with one stays as it is, for the
// check to name.
func layerARNs(v any) any {
	l, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = e
		if m, isObj := e.(map[string]any); isObj {
			if arn, isStr := m["arn"].(string); isStr {
				out[i] = arn
			}
		}
	}
	return out
}

var functionFields3 = []Field{
	unsetStr("description"),
	enum("runtime", Runtimes3...),
	strF("handler"),
	// 128-32768 MB in multiples of 64; cpu a multiple of 0.05 up to 16.
	{Name: "memorySize", Type: TInt, HasRange: true, Min: 128, Max: 32768, MultipleOf: 64, Unit: "MB"},
	intRange("timeout", 1, 86400, "seconds"),
	{Name: "cpu", Type: TFloat, HasRange: true, Min: 0.05, Max: 16, MultipleOf: 0.05, Unit: "vCPUs"},
	{Name: "diskSize", Type: TInt, OneOf: []int64{512, 10240}, Unit: "MB", Default: int64(512), HasDefault: true},
	dflt(intRange("instanceConcurrency", 1, 200, ""), int64(1)),
	intRange("idleTimeout", 0, noMax, "seconds"),
	{Name: "environmentVariables", Type: TMap, Elem: &str, Default: map[string]any{}, HasDefault: true},
	layers3,
	dflt(boolF("internetAccess"), true),
	unsetStr("role"),
	obj("logConfig", unsetStr("project"), unsetStr("logstore"), dflt(boolF("enableRequestMetrics"), false),
		dflt(boolF("enableInstanceMetrics"), false), dflt(boolF("enableLlmMetrics"), false),
		dflt(enum("logBeginRule", "None", "DefaultRegex"), "None")),
	obj("vpcConfig", unsetStr("vpcId"), dflt(list("vSwitchIds", str), emptyList), unsetStr("securityGroupId"), unsetStr("role")),
	obj("nasConfig", dflt(intF("userId"), int64(0)), dflt(intF("groupId"), int64(0)),
		dflt(withMaxItems(objList("mountPoints", strF("serverAddr"), strF("mountDir"), boolF("enableTLS")), 5), emptyList)),
	obj("ossMountConfig", dflt(withMaxItems(objList("mountPoints", strF("bucketName"), strF("bucketPath"),
		strF("endpoint"), strF("mountDir"), boolF("readOnly")), 5), emptyList)),
	obj("tracingConfig", strF("type"), Field{Name: "params", Type: TMap, Elem: &str}),
	obj("customContainerConfig", strF("image"), dflt(list("entrypoint", str), emptyList),
		dflt(list("command", str), emptyList), dflt(intRange("port", 1, 65535, ""), int64(9000)),
		strF("acrInstanceId"), healthCheck3,
		obj("registryConfig", obj("authConfig", strF("userName"), strF("password")),
			obj("certConfig", boolF("insecure"), strF("rootCaCertBase64")),
			obj("networkConfig", strF("vpcId"), strF("vSwitchId"), strF("securityGroupId"))),
		owned("accelerationType"), owned("accelerationInfo"), owned("resolvedImageUri")),
	obj("customRuntimeConfig", dflt(list("command", str), emptyList), dflt(list("args", str), emptyList),
		dflt(intRange("port", 1, 65535, ""), int64(9000)), healthCheck3),
	obj("customDNS", list("nameServers", str), list("searches", str),
		objList("dnsOptions", strF("name"), strF("value"))),
	obj("gpuConfig", enum("gpuType", "fc.gpu.tesla.1", "fc.gpu.ampere.1", "fc.gpu.ada.1", "g1"),
		Field{Name: "gpuMemorySize", Type: TInt, HasRange: true, Min: 0, Max: noMax, MultipleOf: 1024, Unit: "MB"}),
	obj("instanceLifecycleConfig", hook3("initializer", 300), hook3("preStop", 90)),
	dflt(strF("instanceIsolationMode"), "SHARE"),
	dflt(strF("sessionAffinity"), "NONE"),
	// A JSON string in the API, kept as FC sends it (Guess: its shape is
	// not documented beyond an example).
	strF("sessionAffinityConfig"),
	strF("disableInjectCredentials"),
	dflt(boolF("disableOndemand"), false),
	boolF("enableLongLiving"),
	{Name: "polarFsConfig", Type: TAny, Untyped: true},
	{Name: "juiceFsConfig", Type: TAny, Untyped: true},
	owned("functionName"), owned("functionId"), owned("functionArn"), owned("createdTime"),
	owned("lastModifiedTime"), owned("codeChecksum"), owned("codeSize"), owned("code"),
	owned("state"), owned("stateReason"), owned("stateReasonCode"), owned("lastUpdateStatus"),
	owned("lastUpdateStatusReason"), owned("lastUpdateStatusReasonCode"), owned("invocationRestriction"),
	tags3,
	owned("lockInfo"), owned("resourceGroupId"), owned("useSLRAuthentication"),
}

// TriggerTypes3 are FC 3.0's trigger types (fc3-api.md 2.4).
var TriggerTypes3 = []string{"http", "timer", "oss", "log", "tablestore", "cdn_events", "mns_topic", "eventbridge"}

var cors3 = obj("corsConfig", list("allowOrigins", str), list("allowMethods", str), list("allowHeaders", str),
	list("exposeHeaders", str), boolF("allowCredentials"), intF("maxAge"))

var triggerFields3 = []Field{
	unsetStr("description"),
	{Name: "triggerType", Type: TString, Enum: TriggerTypes3, Required: true},
	dflt(strF("qualifier"), "LATEST"), unsetStr("invocationRole"), unsetStr("sourceArn"),
	{Name: "triggerConfig", Type: TObject, WireJSON: true, VariantOf: "triggerType", Variants: map[string][]Field{
		"http": {
			{Name: "authType", Type: TString, Enum: []string{"anonymous", "function", "jwt"}, Required: true},
			nonEmpty(Field{Name: "methods", Type: TList, Elem: &Field{Type: TString, Enum: HTTPMethods}, Required: true}),
			boolF("disableURLInternet"),
			{Name: "authConfig", Type: TAny, Untyped: true},
			cors3,
		},
		"timer": timerTriggerConfig,
		"oss":   ossTriggerConfig,
	}},
	owned("triggerName"), owned("triggerId"), owned("createdTime"), owned("lastModifiedTime"),
	owned("httpTrigger"), owned("status"), owned("targetArn"),
}

// aliasFields3: FC 3.0's aliases have no resolvePolicy or routePolicy.
var aliasFields3 = []Field{
	{Name: "versionId", Type: TString, Required: true},
	unsetStr("description"),
	{Name: "additionalVersionWeight", Type: TMap, Elem: &Field{Type: TFloat, HasRange: true, Min: 0, Max: 1},
		Default: map[string]any{}, HasDefault: true},
	owned("aliasName"), owned("createdTime"), owned("lastModifiedTime"),
}

var concurrencyFields3 = []Field{
	{Name: "reservedConcurrency", Type: TInt, HasRange: true, Min: 0, Max: noMax, Required: true, Unit: "instances"},
	owned("functionArn"),
}

var timeZone = strF("timeZone")

// provisionFields3: target is deprecated in favour of defaultTarget, and
// FC answers both; either may be written.
var provisionFields3 = []Field{
	intRange("defaultTarget", 0, 10000, "instances"),
	intRange("target", 0, 10000, "instances"),
	dflt(boolF("alwaysAllocateCPU"), true),
	boolF("alwaysAllocateGPU"),
	dflt(objList("scheduledActions", strF("name"), strF("startTime"), strF("endTime"),
		intRange("target", 0, 10000, "instances"), strF("scheduleExpression"), timeZone), emptyList),
	dflt(objList("targetTrackingPolicies", strF("name"), strF("startTime"), strF("endTime"),
		enum("metricType", "ProvisionedConcurrencyUtilization", "CPUUtilization", "GPUMemUtilization"),
		Field{Name: "metricTarget", Type: TFloat}, intRange("minCapacity", 0, 10000, "instances"),
		intRange("maxCapacity", 0, 10000, "instances"), timeZone), emptyList),
	owned("functionArn"), owned("current"), owned("currentError"),
}

var asyncInvokeFields3 = []Field{
	intRange("maxAsyncEventAgeInSeconds", 1, 604800, "seconds"),
	intRange("maxAsyncRetryAttempts", 0, 8, ""),
	obj("destinationConfig", obj("onSuccess", strF("destination")), obj("onFailure", strF("destination"))),
	boolF("asyncTask"),
	owned("functionArn"), owned("createdTime"), owned("lastModifiedTime"),
}

// layerFields3: Layer of FC 3.0 (B.4); createTime, not createdTime.
var layerFields3 = []Field{
	strF("description"),
	nonEmpty(Field{Name: "compatibleRuntime", Type: TList, Elem: &Field{Type: TString, Enum: Runtimes3}, Required: true}),
	strF("license"),
	owned("layerName"), owned("version"), owned("layerVersionArn"), owned("codeChecksum"), owned("codeSize"),
	owned("createTime"), owned("acl"), owned("code"),
}

var domainFields3 = []Field{
	enum("protocol", "HTTP", "HTTPS", "HTTP,HTTPS"),
	obj("routeConfig", objList("routes", strF("path"), strF("functionName"), strF("qualifier"),
		list("methods", Field{Type: TString, Enum: HTTPMethods}),
		obj("rewriteConfig", objList("equalRules", strF("match"), strF("replacement")),
			objList("wildcardRules", strF("match"), strF("replacement")),
			objList("regexRules", strF("match"), strF("replacement"))))),
	obj("certConfig", strF("certName"), strF("certificate"), strF("privateKey")),
	obj("tlsConfig", strF("minVersion"), strF("maxVersion"), list("cipherSuites", str)),
	obj("wafConfig", boolF("enableWAF")),
	obj("authConfig", enum("authType", "anonymous", "function", "jwt"), strF("authInfo")),
	cors3,
	owned("domainName"), owned("accountId"), owned("apiVersion"), owned("createdTime"), owned("lastModifiedTime"),
	owned("subdomainCount"), owned("isE2B"),
}
