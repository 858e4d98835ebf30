package emulator

import (
	"net/http"
	"strings"
)

// The routes of the 2023-03-30 dialect (fc3-api.md 5.1): no services, and
// everything of a function under /functions/{functionName}. Actions are the
// x-acs-action names both FC 3.0 SDKs send (Appendix A); where one equals an
// FC 2.0 action (CreateFunction), faults and call counts keyed by that name
// apply to both dialects. Sessions, instances, async tasks, scaling
// configs, layer ACLs and the invocation switch are not emulated: they
// answer 400 PathNotSupported, as FC answers a route it does not know.

func route3(method string, segs []string, req *request) string {
	n := len(segs)
	if n == 0 {
		return ""
	}
	switch segs[0] {
	case "functions":
	case "custom-domains":
		if n == 2 {
			req.domain = segs[1]
		}
		return pick(method, n, "CustomDomain", "CustomDomains")
	case "layers":
		return routeLayers(method, segs, req)
	case "layerarn":
		if n == 2 && method == http.MethodGet {
			req.layer = segs[1]
			return "GetLayerVersionByArn"
		}
		return ""
	case "tags-v2":
		return only(n == 1, method, map[string]string{
			http.MethodPost: "TagResources", http.MethodGet: "ListTagResources", http.MethodDelete: "UntagResources"})
	case "concurrency-configs":
		return only(n == 1, method, map[string]string{http.MethodGet: "ListConcurrencyConfigs"})
	case "provision-configs":
		return only(n == 1, method, map[string]string{http.MethodGet: "ListProvisionConfigs"})
	case "async-invoke-configs":
		return only(n == 1, method, map[string]string{http.MethodGet: "ListAsyncInvokeConfigs"})
	default:
		return ""
	}
	if n == 1 {
		return pick(method, 1, "Function", "Functions")
	}
	setFunction3(req, segs[1])
	if n == 2 {
		return pick(method, 2, "Function", "Functions")
	}
	sub := segs[2]
	switch {
	case n == 3 && sub == "code":
		return only(true, method, map[string]string{http.MethodGet: "GetFunctionCode"})
	case n == 3 && sub == "invocations":
		return only(true, method, map[string]string{http.MethodPost: "InvokeFunction"})
	case sub == "triggers" && n <= 4:
		if n == 4 {
			req.trigger = segs[3]
		}
		return pick(method, n-2, "Trigger", "Triggers")
	case sub == "aliases" && n <= 4:
		if n == 4 {
			req.alias = segs[3]
		}
		return pick(method, n-2, "Alias", "Aliases")
	case sub == "versions" && n == 3:
		return only(true, method, map[string]string{
			http.MethodPost: "PublishFunctionVersion", http.MethodGet: "ListFunctionVersions"})
	case sub == "versions" && n == 4:
		req.version = segs[3]
		return only(true, method, map[string]string{http.MethodDelete: "DeleteFunctionVersion"})
	case sub == "vpc-bindings" && n == 3:
		return only(true, method, map[string]string{http.MethodPost: "CreateVpcBinding", http.MethodGet: "ListVpcBindings"})
	case sub == "vpc-bindings" && n == 4:
		req.vpcID = segs[3]
		return only(true, method, map[string]string{http.MethodDelete: "DeleteVpcBinding"})
	case n == 3:
		kind := map[string]string{"concurrency": "ConcurrencyConfig", "provision-config": "ProvisionConfig",
			"async-invoke-config": "AsyncInvokeConfig"}[sub]
		if kind == "" {
			return ""
		}
		return only(true, method, map[string]string{
			http.MethodPut: "Put" + kind, http.MethodGet: "Get" + kind, http.MethodDelete: "Delete" + kind})
	}
	return ""
}

// only names the action of method among byMethod when ok.
func only(ok bool, method string, byMethod map[string]string) string {
	if !ok {
		return ""
	}
	return byMethod[method]
}

// setFunction3 reads a function name of the 2023-03-30 API: "svc$fn" is
// function fn of the FC 2.0 service svc (fc3-api.md 3.2), any other name a
// function born in FC 3.0. Guess: the first '$' splits, since FC 2.0 names
// cannot hold one.
func setFunction3(req *request, name string) {
	req.fn3 = name
	if svc, fn, ok := strings.Cut(name, "$"); ok {
		req.svc, req.fn = svc, fn
		return
	}
	req.fn = name
}

// handlers3 maps each action of the 2023-03-30 dialect to its handler.
// Most are FC 2.0's, which read their shapes and render their answers by
// the request's dialect; functions, tags-v2, concurrency and the
// account-wide config lists are FC 3.0's own.
var handlers3 = map[string]func(*Emulator, *request) (reply, *apiError){
	"CreateFunction":  (*Emulator).createFunction3,
	"GetFunction":     (*Emulator).getFunction3,
	"UpdateFunction":  (*Emulator).updateFunction3,
	"DeleteFunction":  (*Emulator).deleteFunction3,
	"ListFunctions":   (*Emulator).listFunctions3,
	"GetFunctionCode": (*Emulator).getFunctionCode,
	"InvokeFunction":  (*Emulator).invokeFunction,

	"CreateTrigger": (*Emulator).createTrigger,
	"GetTrigger":    (*Emulator).getTrigger,
	"UpdateTrigger": (*Emulator).updateTrigger,
	"DeleteTrigger": (*Emulator).deleteTrigger,
	"ListTriggers":  (*Emulator).listTriggers,

	"PublishFunctionVersion": (*Emulator).publishServiceVersion,
	"ListFunctionVersions":   (*Emulator).listServiceVersions,
	"DeleteFunctionVersion":  (*Emulator).deleteServiceVersion,
	"CreateAlias":            (*Emulator).createAlias,
	"GetAlias":               (*Emulator).getAlias,
	"UpdateAlias":            (*Emulator).updateAlias,
	"DeleteAlias":            (*Emulator).deleteAlias,
	"ListAliases":            (*Emulator).listAliases,

	"PutConcurrencyConfig":    (*Emulator).putConcurrencyConfig,
	"GetConcurrencyConfig":    (*Emulator).getConcurrencyConfig,
	"DeleteConcurrencyConfig": (*Emulator).deleteConcurrencyConfig,
	"ListConcurrencyConfigs":  (*Emulator).listConcurrencyConfigs3,
	"PutProvisionConfig":      (*Emulator).putProvisionConfig,
	"GetProvisionConfig":      (*Emulator).getProvisionConfig,
	"DeleteProvisionConfig":   (*Emulator).deleteProvisionConfig,
	"ListProvisionConfigs":    (*Emulator).listProvisionConfigs3,
	"PutAsyncInvokeConfig":    (*Emulator).putAsyncInvokeConfig,
	"GetAsyncInvokeConfig":    (*Emulator).getAsyncInvokeConfig,
	"DeleteAsyncInvokeConfig": (*Emulator).deleteAsyncInvokeConfig,
	"ListAsyncInvokeConfigs":  (*Emulator).listAsyncInvokeConfigs3,

	"CreateVpcBinding": (*Emulator).createVpcBinding,
	"ListVpcBindings":  (*Emulator).listVpcBindings,
	"DeleteVpcBinding": (*Emulator).deleteVpcBinding,

	"CreateCustomDomain": (*Emulator).createCustomDomain,
	"GetCustomDomain":    (*Emulator).getCustomDomain,
	"UpdateCustomDomain": (*Emulator).updateCustomDomain,
	"DeleteCustomDomain": (*Emulator).deleteCustomDomain,
	"ListCustomDomains":  (*Emulator).listCustomDomains,

	"CreateLayerVersion":   (*Emulator).createLayerVersion,
	"GetLayerVersion":      (*Emulator).getLayerVersion,
	"GetLayerVersionByArn": (*Emulator).getLayerVersionByArn,
	"DeleteLayerVersion":   (*Emulator).deleteLayerVersion,
	"ListLayerVersions":    (*Emulator).listLayerVersions,
	"ListLayers":           (*Emulator).listLayers,

	"TagResources":     (*Emulator).tagResources3,
	"ListTagResources": (*Emulator).listTagResources3,
	"UntagResources":   (*Emulator).untagResources3,
}
