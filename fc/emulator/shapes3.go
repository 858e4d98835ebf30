package emulator

// The bodies of the 2023-03-30 dialect, from fc3-api.md Appendix B (the
// Node SDK 4.7.6 models) read on their own. Requests and answers are not
// symmetric (fc3-api.md 0.8): a shape here is what a write may send, so a
// server-owned field (functionArn, codeChecksum) or one a write cannot
// change (tags and functionName on update) is refused as unknown.

// without returns a copy of an object shape lacking keys.
func without(sh *shape, keys ...string) *shape {
	fields := make(map[string]*shape, len(sh.fields))
	for k, v := range sh.fields {
		if !contains(keys, k) {
			fields[k] = v
		}
	}
	return objectOf(fields)
}

// with returns a copy of an object shape with more fields.
func with(sh *shape, more map[string]*shape) *shape {
	fields := make(map[string]*shape, len(sh.fields)+len(more))
	for k, v := range sh.fields {
		fields[k] = v
	}
	for k, v := range more {
		fields[k] = v
	}
	return objectOf(fields)
}

var healthCheckShape3 = objectOf(map[string]*shape{
	"failureThreshold": tInteger, "httpGetUrl": tString, "initialDelaySeconds": tInteger,
	"periodSeconds": tInteger, "successThreshold": tInteger, "timeoutSeconds": tInteger,
})

var hookShape3 = objectOf(map[string]*shape{"command": tStrings, "handler": tString, "timeout": tInteger})

var codeShape3 = objectOf(map[string]*shape{
	"checksum": tString, "ossBucketName": tString, "ossObjectName": tString, "zipFile": tString,
})

// The service-level settings of FC 2.0 that FC 3.0 puts on each function
// (fc3-api.md 2.2); serviceShape spells them the same way.
var functionServiceFields3 = []string{"role", "internetAccess", "logConfig", "vpcConfig", "nasConfig",
	"ossMountConfig", "tracingConfig"}

var createFunctionShape3 = with(objectOf(map[string]*shape{
	"functionName": tString, "description": tString, "runtime": tString, "handler": tString,
	"timeout": tInteger, "memorySize": tInteger, "cpu": tNumber, "diskSize": tInteger,
	"instanceConcurrency": tInteger, "idleTimeout": tInteger,
	"environmentVariables": mapOf(tString),
	"layers":               tStrings,
	"code":                 codeShape3,
	"customContainerConfig": objectOf(map[string]*shape{
		"acrInstanceId": tString, "command": tStrings, "entrypoint": tStrings, "image": tString,
		"port": tInteger, "healthCheckConfig": healthCheckShape3,
		"registryConfig": objectOf(map[string]*shape{
			"authConfig": objectOf(map[string]*shape{"userName": tString, "password": tString}),
			"certConfig": objectOf(map[string]*shape{"insecure": tBoolean, "rootCaCertBase64": tString}),
			"networkConfig": objectOf(map[string]*shape{
				"vpcId": tString, "vSwitchId": tString, "securityGroupId": tString,
			}),
		}),
		// Answer-only, but the SDK's one model serves both directions, so a
		// client writing back what it read sends them: taken and ignored.
		"accelerationType": tString, "accelerationInfo": tRaw, "resolvedImageUri": tString,
	}),
	"customRuntimeConfig": objectOf(map[string]*shape{
		"args": tStrings, "command": tStrings, "port": tInteger, "healthCheckConfig": healthCheckShape3,
	}),
	"customDNS": objectOf(map[string]*shape{
		"nameServers": tStrings, "searches": tStrings,
		"dnsOptions": listOf(objectOf(map[string]*shape{"name": tString, "value": tString})),
	}),
	"gpuConfig":                objectOf(map[string]*shape{"gpuMemorySize": tInteger, "gpuType": tString}),
	"instanceLifecycleConfig":  objectOf(map[string]*shape{"initializer": hookShape3, "preStop": hookShape3}),
	"disableInjectCredentials": tString, "disableOndemand": tBoolean, "enableLongLiving": tBoolean,
	"instanceIsolationMode": tString, "sessionAffinity": tString, "sessionAffinityConfig": tString,
	"juiceFsConfig": tRaw, "polarFsConfig": tRaw,
	"resourceGroupId": tString,
	"tags":            listOf(objectOf(map[string]*shape{"Key": tString, "Value": tString})),
}), map[string]*shape{
	"role":           tString,
	"internetAccess": tBoolean,
	"logConfig":      with(serviceShape.fields["logConfig"], map[string]*shape{"enableLlmMetrics": tBoolean}),
	"vpcConfig":      serviceShape.fields["vpcConfig"],
	"nasConfig":      serviceShape.fields["nasConfig"],
	"ossMountConfig": serviceShape.fields["ossMountConfig"],
	"tracingConfig":  serviceShape.fields["tracingConfig"],
})

// updateFunctionShape3: functionName, tags and resourceGroupId are not in
// UpdateFunctionInput (fc3-api.md 0.8).
var updateFunctionShape3 = without(createFunctionShape3, "functionName", "tags", "resourceGroupId")

// The trigger's configuration travels as a JSON string (fc3-api.md 2.4).
var createTriggerShape3 = objectOf(map[string]*shape{
	"triggerName": tString, "triggerType": tString, "triggerConfig": tString, "qualifier": tString,
	"sourceArn": tString, "invocationRole": tString, "description": tString,
})

var updateTriggerShape3 = objectOf(map[string]*shape{
	"triggerConfig": tString, "qualifier": tString, "invocationRole": tString, "description": tString,
})

var corsShape3 = objectOf(map[string]*shape{
	"allowCredentials": tBoolean, "allowHeaders": tStrings, "allowMethods": tStrings,
	"allowOrigins": tStrings, "exposeHeaders": tStrings, "maxAge": tInteger,
})

// triggerConfigShapes3 are FC 3.0's configurations of the types the
// reference spells out (fc3-api.md 2.4, B.5); the others are kept as sent.
var triggerConfigShapes3 = map[string]*shape{
	"http":  with(triggerConfigShapes["http"], map[string]*shape{"corsConfig": corsShape3}),
	"timer": triggerConfigShapes["timer"],
	"oss":   triggerConfigShapes["oss"],
}

// FC 3.0's aliases have no resolvePolicy or routePolicy (fc3-api.md 2.6).
var (
	createAliasShape3 = without(aliasShape, "resolvePolicy", "routePolicy")
	updateAliasShape3 = without(aliasShape, "resolvePolicy", "routePolicy", "aliasName")
)

var concurrencyShape3 = objectOf(map[string]*shape{"reservedConcurrency": tInteger})

var provisionShape3 = objectOf(map[string]*shape{
	"target": tInteger, "defaultTarget": tInteger, "alwaysAllocateCPU": tBoolean, "alwaysAllocateGPU": tBoolean,
	"scheduledActions": listOf(with(provisionShape.fields["scheduledActions"].elem,
		map[string]*shape{"timeZone": tString})),
	"targetTrackingPolicies": listOf(with(provisionShape.fields["targetTrackingPolicies"].elem,
		map[string]*shape{"timeZone": tString})),
})

var asyncConfigShape3 = with(without(asyncConfigShape, "statefulInvocation"), map[string]*shape{"asyncTask": tBoolean})

var routeShape3 = objectOf(map[string]*shape{
	"path": tString, "functionName": tString, "qualifier": tString, "methods": tStrings,
	"rewriteConfig": domainShape.fields["routeConfig"].fields["routes"].elem.fields["rewriteConfig"],
})

var createDomainShape3 = with(without(domainShape, "routeConfig"), map[string]*shape{
	"routeConfig": objectOf(map[string]*shape{"routes": listOf(routeShape3)}),
	"authConfig":  objectOf(map[string]*shape{"authType": tString, "authInfo": tString}),
	"corsConfig":  corsShape3,
	"isE2B":       tBoolean,
})

var updateDomainShape3 = without(createDomainShape3, "domainName", "isE2B")

var layerShape3 = objectOf(map[string]*shape{
	"code": codeShape3, "compatibleRuntime": tStrings, "description": tString, "license": tString,
})

var tagResourcesShape3 = objectOf(map[string]*shape{
	"ResourceType": tString, "ResourceId": tStrings,
	"Tag": listOf(objectOf(map[string]*shape{"Key": tString, "Value": tString})),
})

// shapeFor picks a body's shape by dialect: FC 2.0's (v2) or FC 3.0's (v3).
func shapeFor(req *request, v2, v3 *shape) *shape {
	if req.dialect == dialect2023 {
		return v3
	}
	return v2
}
