package emulator

import (
	"net/http"
	"sort"
)

// handlers maps each emulated action to its handler, which runs under the
// store lock.
var handlers = map[string]func(*Emulator, *request) (reply, *apiError){
	"CreateService":      (*Emulator).createService,
	"GetService":         (*Emulator).getService,
	"UpdateService":      (*Emulator).updateService,
	"DeleteService":      (*Emulator).deleteService,
	"ListServices":       (*Emulator).listServices,
	"CreateFunction":     (*Emulator).createFunction,
	"GetFunction":        (*Emulator).getFunction,
	"UpdateFunction":     (*Emulator).updateFunction,
	"DeleteFunction":     (*Emulator).deleteFunction,
	"ListFunctions":      (*Emulator).listFunctions,
	"GetFunctionCode":    (*Emulator).getFunctionCode,
	"CreateTrigger":      (*Emulator).createTrigger,
	"GetTrigger":         (*Emulator).getTrigger,
	"UpdateTrigger":      (*Emulator).updateTrigger,
	"DeleteTrigger":      (*Emulator).deleteTrigger,
	"ListTriggers":       (*Emulator).listTriggers,
	"CreateCustomDomain": (*Emulator).createCustomDomain,
	"GetCustomDomain":    (*Emulator).getCustomDomain,
	"UpdateCustomDomain": (*Emulator).updateCustomDomain,
	"DeleteCustomDomain": (*Emulator).deleteCustomDomain,
	"ListCustomDomains":  (*Emulator).listCustomDomains,
	"GetAccountSettings": (*Emulator).getAccountSettings,

	"PublishServiceVersion": (*Emulator).publishServiceVersion,
	"ListServiceVersions":   (*Emulator).listServiceVersions,
	"DeleteServiceVersion":  (*Emulator).deleteServiceVersion,
	"CreateAlias":           (*Emulator).createAlias,
	"GetAlias":              (*Emulator).getAlias,
	"UpdateAlias":           (*Emulator).updateAlias,
	"DeleteAlias":           (*Emulator).deleteAlias,
	"ListAliases":           (*Emulator).listAliases,

	"PutProvisionConfig":              (*Emulator).putProvisionConfig,
	"GetProvisionConfig":              (*Emulator).getProvisionConfig,
	"ListProvisionConfigs":            (*Emulator).listProvisionConfigs,
	"PutFunctionOnDemandConfig":       (*Emulator).putOnDemandConfig,
	"GetFunctionOnDemandConfig":       (*Emulator).getOnDemandConfig,
	"DeleteFunctionOnDemandConfig":    (*Emulator).deleteOnDemandConfig,
	"ListOnDemandConfigs":             (*Emulator).listOnDemandConfigs,
	"PutFunctionAsyncInvokeConfig":    (*Emulator).putAsyncInvokeConfig,
	"GetFunctionAsyncInvokeConfig":    (*Emulator).getAsyncInvokeConfig,
	"DeleteFunctionAsyncInvokeConfig": (*Emulator).deleteAsyncInvokeConfig,
	"ListFunctionAsyncInvokeConfigs":  (*Emulator).listAsyncInvokeConfigs,

	"TagResource":         (*Emulator).tagResource,
	"UntagResource":       (*Emulator).untagResource,
	"GetResourceTags":     (*Emulator).getResourceTags,
	"ListTaggedResources": (*Emulator).listTaggedResources,

	"CreateLayerVersion":   (*Emulator).createLayerVersion,
	"GetLayerVersion":      (*Emulator).getLayerVersion,
	"GetLayerVersionByArn": (*Emulator).getLayerVersionByArn,
	"DeleteLayerVersion":   (*Emulator).deleteLayerVersion,
	"ListLayerVersions":    (*Emulator).listLayerVersions,
	"ListLayers":           (*Emulator).listLayers,

	"CreateVpcBinding": (*Emulator).createVpcBinding,
	"ListVpcBindings":  (*Emulator).listVpcBindings,
	"DeleteVpcBinding": (*Emulator).deleteVpcBinding,

	"InvokeFunction": (*Emulator).invokeFunction,
}

var serviceOwned = []string{"serviceName", "serviceId", "createdTime", "lastModifiedTime", "useSLRAuthentication"}

// lookupService finds the service of an FC 2.0 request, or what holds the
// function of a 2023-03-30 one (holder).
func (e *Emulator) lookupService(req *request) (*service, *apiError) {
	if req.dialect == dialect2023 {
		return e.holder(req)
	}
	if svc := e.st.Services[req.svc]; svc != nil {
		return svc, nil
	}
	return nil, serviceNotFound(req.svc)
}

func (e *Emulator) createService(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(serviceShape)
	if aerr != nil {
		return reply{}, aerr
	}
	name := stringField(obj, "serviceName")
	if aerr := checkName("service", name, 128); aerr != nil {
		return reply{}, aerr
	}
	if e.st.Services[name] != nil {
		return reply{}, errorf(http.StatusConflict, "ServiceAlreadyExists", "service '%s' already exists", name)
	}
	attrs := map[string]any{}
	apply(attrs, obj, serviceOwned...)
	complete(attrs, serviceDefaults())
	if aerr := checkServiceRules(attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["serviceName"] = name
	attrs["serviceId"] = newUUID()
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	svc := &service{Attrs: attrs, ETag: etagOf(attrs), Functions: map[string]*function{}}
	e.st.Services[name] = svc
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(clone(svc.Attrs), svc.ETag)
}

func (e *Emulator) getService(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	v, aerr := viewOf(svc, req.svc, req.qualifier)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(clone(v.service), v.etag)
}

func (e *Emulator) updateService(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(svc.ETag); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(serviceShape)
	if aerr != nil {
		return reply{}, aerr
	}
	updated := clone(svc.Attrs)
	apply(updated, obj, serviceOwned...)
	complete(updated, serviceDefaults())
	if aerr := checkServiceRules(updated); aerr != nil {
		return reply{}, aerr
	}
	svc.Attrs = updated
	svc.ETag = e.st.touch(svc.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(clone(svc.Attrs), svc.ETag)
}

func (e *Emulator) deleteService(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(svc.ETag); aerr != nil {
		return reply{}, aerr
	}
	if len(svc.Functions) > 0 {
		return reply{}, errorf(http.StatusConflict, "ServiceNotEmpty", "service '%s' is not empty", req.svc)
	}
	if aerr := checkServiceEmpty(svc, req.svc); aerr != nil {
		return reply{}, aerr
	}
	delete(e.st.Services, req.svc)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func (e *Emulator) listServices(req *request) (reply, *apiError) {
	page, next, aerr := paginate(e.servicesTagged(req.query), req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		items = append(items, clone(e.st.Services[name].Attrs))
	}
	return listReply("services", items, next)
}

// getAccountSettings answers with the zones configured and FC's default
// role, AliyunFCDefaultRole. Guess: the role is named by its ARN, as
// services' roles are.
func (e *Emulator) getAccountSettings(req *request) (reply, *apiError) {
	azs := make([]any, len(e.opts.AvailableAZs))
	for i, az := range e.opts.AvailableAZs {
		azs[i] = az
	}
	return ok(map[string]any{"availableAZs": azs, "defaultRole": "acs:ram::" + req.account + ":role/aliyunfcdefaultrole"}, "")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
