package emulator

import (
	"net/http"
	"net/url"
	"strconv"
)

// The routes of the kinds beyond services, functions, triggers and domains:
// paths from the Go SDK v2.0.12's *WithOptions functions, and the Node SDK
// @alicloud/fc2 2.6.6's for the few it spells differently (DELETE /tag,
// GET /layerarn/{arn}). Actions are the Go SDK's x-acs-action names.

// qualifierScoped are the writes that name a qualifier without writing to
// it: they may come through a qualified path (services/svc.prod/...).
var qualifierScoped = map[string]bool{
	"PutProvisionConfig":              true,
	"PutFunctionOnDemandConfig":       true,
	"DeleteFunctionOnDemandConfig":    true,
	"PutFunctionAsyncInvokeConfig":    true,
	"DeleteFunctionAsyncInvokeConfig": true,
}

// routeAccountLevel names the account-level actions: tags, layers and the
// account-wide lists of provision and on-demand configurations.
func routeAccountLevel(method string, segs []string, req *request) string {
	n := len(segs)
	switch segs[0] {
	case "tag":
		if n != 1 {
			return ""
		}
		switch method {
		case http.MethodPost:
			return "TagResource"
		case http.MethodPut, http.MethodDelete: // Go PUT, Node fc2 DELETE
			return "UntagResource"
		case http.MethodGet:
			return "GetResourceTags"
		}
	case "tags":
		if n == 1 && method == http.MethodGet {
			return "ListTaggedResources"
		}
	case "provision-configs":
		if n == 1 && method == http.MethodGet {
			return "ListProvisionConfigs"
		}
	case "on-demand-configs":
		if n == 1 && method == http.MethodGet {
			return "ListOnDemandConfigs"
		}
	case "layerarn":
		if n == 2 && method == http.MethodGet {
			req.layer = segs[1] // the whole ARN, resolved by the handler
			return "GetLayerVersionByArn"
		}
	case "layers":
		return routeLayers(method, segs, req)
	}
	return ""
}

func routeLayers(method string, segs []string, req *request) string {
	n := len(segs)
	if n == 1 {
		if method == http.MethodGet {
			return "ListLayers"
		}
		return ""
	}
	req.layer = segs[1]
	if n < 3 || segs[2] != "versions" {
		return ""
	}
	switch {
	case n == 3 && method == http.MethodPost:
		return "CreateLayerVersion"
	case n == 3 && method == http.MethodGet:
		return "ListLayerVersions"
	case n == 4 && method == http.MethodGet:
		req.version = segs[3]
		return "GetLayerVersion"
	case n == 4 && method == http.MethodDelete:
		req.version = segs[3]
		return "DeleteLayerVersion"
	}
	return ""
}

// routeBindings names the VPC binding actions under services/{svc}/bindings.
func routeBindings(method string, segs []string, req *request) string {
	switch n := len(segs); {
	case n == 3 && method == http.MethodPost:
		return "CreateVpcBinding"
	case n == 3 && method == http.MethodGet:
		return "ListVpcBindings"
	case n == 4 && method == http.MethodDelete:
		req.vpcID = segs[3]
		return "DeleteVpcBinding"
	}
	return ""
}

// routeFunctionConfig names the per-function configuration actions under
// services/{svc}/functions/{fn}/.
func routeFunctionConfig(method string, segs []string) string {
	if len(segs) != 5 {
		return ""
	}
	byMethod := map[string]map[string]string{
		"provision-config": {http.MethodPut: "PutProvisionConfig", http.MethodGet: "GetProvisionConfig"},
		"on-demand-config": {http.MethodPut: "PutFunctionOnDemandConfig", http.MethodGet: "GetFunctionOnDemandConfig",
			http.MethodDelete: "DeleteFunctionOnDemandConfig"},
		"async-invoke-config": {http.MethodPut: "PutFunctionAsyncInvokeConfig", http.MethodGet: "GetFunctionAsyncInvokeConfig",
			http.MethodDelete: "DeleteFunctionAsyncInvokeConfig"},
		"async-invoke-configs": {http.MethodGet: "ListFunctionAsyncInvokeConfigs"},
	}
	return byMethod[segs[4]][method]
}

// parseLimit reads a list's limit: default 20, 1 to 100 (fc-api.md 1.11).
// Guess: FC documents 100 as the maximum but not what it does past it, nor
// for 0; refusing beats a page of zero items and a token that never
// advances. The PHP SDK's tests expect ListProvisionConfigs to refuse 0.
func parseLimit(q url.Values) (int, *apiError) {
	s := q.Get("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, invalidArgument("limit is set to an invalid value (allowed: 1 to %d, actual: '%s')", maxLimit, s)
	}
	return n, nil
}
