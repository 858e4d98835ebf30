package fc

import (
	"fmt"
	"strings"
)

// fc3Kinds is FC 3.0's table of kinds (API 2023-03-30, fc3-api.md section
// 2): no services, functions at the top, everything else of a function
// under /functions/{function}. Same kinds, same names, other paths and
// fields; what the two tables share (layers, the per-qualifier machinery,
// the name rules) is the same code. No kind of FC 3.0 has an ETag
// (fc3-api.md 0.14): push re-reads before each write instead
// (workflow/apply.go).
var fc3Kinds = []*Schema{
	{
		// Layers are account-level and versioned as in FC 2.0 (2.11).
		Kind: KindLayer, Slots: []Slot{SlotName},
		Noun: "Layer", ListKey: "layers", NameField: "layerName",
		Collection: "/layers", File: "layers/{name}/layer.yaml", Dir: "layers/{name}",
		HasCode: true, CodeRequired: true, Versioned: true, ARNFields: []string{"layerVersionArn"},
		Name:   fcName(128),
		Fields: layerFields3,
	},
	{
		// Functions (2.2). Functions of FC 2.0 services appear as
		// "svc$fn": read and updated under that name, never created.
		Kind: KindFunction, Slots: []Slot{SlotFunction},
		Noun: "Function", ListKey: "functions", NameField: "functionName",
		Collection: "/functions", File: "functions/{function}/function.yaml", Dir: "functions/{function}",
		HasCode: true, Name: functionName3,
		Fields: functionFields3,
	},
	{
		Kind: KindTrigger, Parent: KindFunction, Slots: []Slot{SlotFunction, SlotName},
		Noun: "Trigger", ListKey: "triggers", NameField: "triggerName",
		Collection: "/functions/{function}/triggers", File: "functions/{function}/triggers/{name}.yaml",
		Name:   fcName(128),
		Fields: triggerFields3,
	},
	{
		// Aliases name a version of their function (2.6).
		Kind: KindAlias, Parent: KindFunction, Slots: []Slot{SlotFunction, SlotName},
		Noun: "Alias", ListKey: "aliases", NameField: "aliasName",
		Collection: "/functions/{function}/aliases", File: "functions/{function}/aliases/{name}.yaml",
		Name:   aliasName,
		Fields: aliasFields3,
	},
	{
		// Reserved concurrency, one config for the whole function (2.8):
		// PUT creates and updates it, one account-wide list reads all.
		Kind: KindConcurrency, Parent: KindFunction, Slots: []Slot{SlotFunction},
		Noun: "ConcurrencyConfig", ListKey: "configs",
		Collection: "/concurrency-configs", File: "functions/{function}/concurrency.yaml",
		Name: functionName3,
		Single: &Single{
			Path:       "/functions/{function}/concurrency",
			ListAction: "ListConcurrencyConfigs",
			Locate:     locateFunctionByARN,
		},
		Fields: concurrencyFields3,
	},
	{
		// Provisioned instances per alias or LATEST (2.9), with a DELETE.
		Kind: KindProvision, Parent: KindFunction, Slots: []Slot{SlotFunction},
		Noun: "ProvisionConfig", ListKey: "provisionConfigs",
		Collection: "/provision-configs", File: "functions/{function}/provision.yaml",
		Name: functionName3,
		PerQualifier: &PerQualifier{
			Config:     "/functions/{function}/provision-config",
			ListAction: "ListProvisionConfigs",
			Locate:     locateByARN,
			Delete:     true,
			Qualifier:  aliasOrLatest,
		},
		Fields: provisionFields3,
	},
	{
		// Async invocation per qualifier (2.10).
		Kind: KindAsyncInvoke, Parent: KindFunction, Slots: []Slot{SlotFunction},
		Noun: "AsyncInvokeConfig", ListKey: "configs",
		Collection: "/async-invoke-configs", File: "functions/{function}/async-invoke.yaml",
		Name: functionName3,
		PerQualifier: &PerQualifier{
			Config:     "/functions/{function}/async-invoke-config",
			ListAction: "ListAsyncInvokeConfigs",
			Locate:     locateByARN,
			Delete:     true,
			Qualifier:  anyQualifier,
		},
		Fields: asyncInvokeFields3,
	},
	{
		// Custom domains route to functions and qualifiers (2.7).
		Kind: KindDomain, Slots: []Slot{SlotName},
		Noun: "CustomDomain", ListKey: "customDomains", NameField: "domainName",
		Collection: "/custom-domains", File: "domains/{name}.yaml",
		Name:   domainName,
		Fields: domainFields3,
	},
}

// functionName3 reads a function name of FC 3.0: FC's rule (1-64
// characters), or "svc$fn", the name FC 3.0 gives a function of an FC 2.0
// service, each part FC 2.0's rule. Such names are readable and
// updatable; ValidateCreate refuses to create one (fc3-api.md 0.10).
func functionName3(k Kind, name string) error {
	svc, fn, migrated := strings.Cut(name, "$")
	if !migrated {
		return fcName(64)(k, name)
	}
	if fcName(128)(k, svc) != nil || fcName(64)(k, fn) != nil {
		return fmt.Errorf("invalid %s name %q: an FC 2.0 function seen through FC 3.0 is <service>$<function>, each a valid name", k, name)
	}
	return nil
}

// ValidateCreate checks that the resource id may be created, beyond its
// names being valid: FC 3.0 never creates a function named "svc$fn" (the
// server answers InvalidArgument; such names only come from FC 2.0).
func ValidateCreate(id ID) error {
	if id.API == FC3 && id.Kind == KindFunction && strings.Contains(id.Function, "$") {
		return fmt.Errorf("%s: a name with $ is an FC 2.0 function seen through FC 3.0: it can be updated, not created (FC 3.0 names match %s)", id, nameRE)
	}
	return nil
}

// locateByARN reads an FC 3.0 config's function and qualifier from its
// functionArn, "acs:fc:<region>:<account>:functions/<function>/<qualifier>"
// (fc3-api.md 2.1, 2.9); a qualifier field, where the item has one, is
// taken when the ARN has none. An unqualified function ARN names LATEST,
// as it does everywhere in FC (the reference's AsyncConfig example, and
// what the emulator answers for LATEST's configs).
func locateByARN(item map[string]any) (svc, fn, q string, ok bool) {
	fn, q = splitFunctionARN(item)
	if q == "" {
		q, _ = item["qualifier"].(string)
	}
	if q == "" {
		q = "LATEST"
	}
	return "", fn, q, fn != "" && !strings.Contains(q, "/")
}

// locateFunctionByARN reads the function a per-function config belongs to
// from its functionArn.
func locateFunctionByARN(item map[string]any) (fn string, ok bool) {
	fn, q := splitFunctionARN(item)
	return fn, fn != "" && q == ""
}

func splitFunctionARN(item map[string]any) (fn, q string) {
	arn, _ := item["functionArn"].(string)
	_, rest, found := strings.Cut(arn, ":functions/")
	if !found {
		return "", ""
	}
	fn, q, _ = strings.Cut(rest, "/")
	return fn, q
}
