package emulator

// The emulator's reading of the shapes of FC's bodies, written from
// shared/reference/fc-api.md (Appendix A) on its own, apart from fcsync's
// table of kinds (package fc): two readings of the reference disagree where
// one of them is wrong, and the tests then show it.
//
// A shape says which keys a body may hold, at every depth, in FC's camelCase
// spelling. FC matches request keys without regard to case (the Go SDK sends
// "InstanceConcurrency", funcraft PascalCase bodies), answers in camelCase,
// and drops keys it does not know (fc-api.md 0.4 and 0.7).

type valueKind int

const (
	kString valueKind = iota + 1
	kInteger
	kNumber
	kBoolean
	kObject // fixed keys: fields
	kMapOf  // free keys (environment variables, tracing params), values elem
	kListOf
	kRaw // kept as sent
)

type shape struct {
	kind   valueKind
	fields map[string]*shape
	elem   *shape
}

var (
	tString  = &shape{kind: kString}
	tInteger = &shape{kind: kInteger}
	tNumber  = &shape{kind: kNumber}
	tBoolean = &shape{kind: kBoolean}
	tRaw     = &shape{kind: kRaw}
)

func objectOf(fields map[string]*shape) *shape { return &shape{kind: kObject, fields: fields} }
func listOf(elem *shape) *shape                { return &shape{kind: kListOf, elem: elem} }
func mapOf(elem *shape) *shape                 { return &shape{kind: kMapOf, elem: elem} }

var tStrings = listOf(tString)

var serviceShape = objectOf(map[string]*shape{
	"serviceName":    tString,
	"description":    tString,
	"role":           tString,
	"internetAccess": tBoolean,
	"logConfig": objectOf(map[string]*shape{
		"project": tString, "logstore": tString, "logBeginRule": tString,
		"enableRequestMetrics": tBoolean, "enableInstanceMetrics": tBoolean,
	}),
	"vpcConfig": objectOf(map[string]*shape{
		"vpcId": tString, "vSwitchIds": tStrings, "securityGroupId": tString, "role": tString,
	}),
	"nasConfig": objectOf(map[string]*shape{
		"userId": tInteger, "groupId": tInteger,
		"mountPoints": listOf(objectOf(map[string]*shape{
			"serverAddr": tString, "mountDir": tString, "enableTLS": tBoolean,
		})),
	}),
	"ossMountConfig": objectOf(map[string]*shape{
		"mountPoints": listOf(objectOf(map[string]*shape{
			"bucketName": tString, "bucketPath": tString, "endpoint": tString,
			"mountDir": tString, "readOnly": tBoolean,
		})),
	}),
	"tracingConfig": objectOf(map[string]*shape{"type": tString, "params": mapOf(tString)}),
})

var lifecycleHookShape = objectOf(map[string]*shape{"handler": tString, "timeout": tInteger})

var functionShape = objectOf(map[string]*shape{
	"functionName":            tString,
	"description":             tString,
	"runtime":                 tString,
	"handler":                 tString,
	"initializer":             tString,
	"initializationTimeout":   tInteger,
	"timeout":                 tInteger,
	"memorySize":              tInteger,
	"instanceConcurrency":     tInteger,
	"instanceSoftConcurrency": tInteger,
	"instanceType":            tString,
	"caPort":                  tInteger,
	"cpu":                     tNumber,
	"diskSize":                tInteger,
	"gpuMemorySize":           tInteger,
	"layers":                  tStrings,
	// Environment variable values must be strings: FC's type is
	// map[string]string, and a number is refused, not converted.
	"environmentVariables": mapOf(tString),
	"code": objectOf(map[string]*shape{
		"zipFile": tString, "ossBucketName": tString, "ossObjectName": tString,
	}),
	"customContainerConfig": objectOf(map[string]*shape{
		"image": tString, "command": tString, "args": tString, "accelerationType": tString,
		"instanceID": tString, "webServerMode": tBoolean,
	}),
	"customRuntimeConfig": objectOf(map[string]*shape{"command": tStrings, "args": tStrings}),
	"customDNS": objectOf(map[string]*shape{
		"nameServers": tStrings, "searches": tStrings,
		"dnsOptions": listOf(objectOf(map[string]*shape{"name": tString, "value": tString})),
	}),
	"customHealthCheckConfig": objectOf(map[string]*shape{
		"httpGetUrl": tString, "initialDelaySeconds": tInteger, "periodSeconds": tInteger,
		"timeoutSeconds": tInteger, "failureThreshold": tInteger, "successThreshold": tInteger,
	}),
	"instanceLifecycleConfig": objectOf(map[string]*shape{
		"preFreeze": lifecycleHookShape, "preStop": lifecycleHookShape,
	}),
})

// triggerShape leaves triggerConfig raw: its shape depends on triggerType
// (triggerConfigShapes), known only once the body is read.
var triggerShape = objectOf(map[string]*shape{
	"triggerName":    tString,
	"triggerType":    tString,
	"triggerConfig":  tRaw,
	"sourceArn":      tString,
	"invocationRole": tString,
	"qualifier":      tString,
	"description":    tString,
})

// triggerConfigShapes are the configurations the reference describes
// (A.3). Guess: the configurations of the other types (log, tablestore,
// mns_topic, ...) are kept as sent, unknown keys included, since the
// emulator cannot tell FC's keys from others there.
var triggerConfigShapes = map[string]*shape{
	"http": objectOf(map[string]*shape{
		"authType": tString, "methods": tStrings, "disableURLInternet": tBoolean, "authConfig": tString,
	}),
	"timer": objectOf(map[string]*shape{"cronExpression": tString, "enable": tBoolean, "payload": tString}),
	"oss": objectOf(map[string]*shape{
		"events": tStrings,
		"filter": objectOf(map[string]*shape{
			"key": objectOf(map[string]*shape{"prefix": tString, "suffix": tString}),
		}),
	}),
}

var rewriteRules = listOf(objectOf(map[string]*shape{"match": tString, "replacement": tString}))

var domainShape = objectOf(map[string]*shape{
	"domainName": tString,
	"protocol":   tString,
	"routeConfig": objectOf(map[string]*shape{
		"routes": listOf(objectOf(map[string]*shape{
			"path": tString, "serviceName": tString, "functionName": tString, "qualifier": tString,
			"methods": tStrings,
			"rewriteConfig": objectOf(map[string]*shape{
				"equalRules": rewriteRules, "wildcardRules": rewriteRules, "regexRules": rewriteRules,
			}),
		})),
	}),
	"certConfig": objectOf(map[string]*shape{"certName": tString, "certificate": tString, "privateKey": tString}),
	"tlsConfig":  objectOf(map[string]*shape{"minVersion": tString, "maxVersion": tString, "cipherSuites": tStrings}),
	"wafConfig":  objectOf(map[string]*shape{"enableWAF": tBoolean}),
})
