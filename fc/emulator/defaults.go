package emulator

// What FC fills in: every response carries every field of its kind, with
// FC's default or null where nothing was set, and a nested object sent in
// part (a logConfig with only project and logstore) comes back completed
// (fc-api.md 2.2, 2.3, 7.6). Values marked Guess are not confirmed by the
// reference.

// serviceDefaults: description and tracingConfig are confirmed; the rest
// are the reference's recommendations (2.2).
func serviceDefaults() map[string]any {
	return map[string]any{
		"description":    "",
		"internetAccess": true,
		"role":           "",
		"logConfig": map[string]any{"project": "", "logstore": "", "enableRequestMetrics": false,
			"enableInstanceMetrics": false, "logBeginRule": "None"},
		// Guess: vpcConfig.role is not in the recommended default; "" like the others.
		"vpcConfig":            map[string]any{"vpcId": "", "vSwitchIds": []any{}, "securityGroupId": "", "role": ""},
		"nasConfig":            map[string]any{"userId": -1, "groupId": -1, "mountPoints": []any{}},
		"ossMountConfig":       map[string]any{"mountPoints": []any{}},
		"tracingConfig":        map[string]any{"type": nil, "params": nil},
		"useSLRAuthentication": false,
	}
}

// functionDefaults: instanceType, timeout and initializationTimeout come
// from the SDK's documentation (2.3). Guess: memorySize 128,
// instanceConcurrency 1, caPort 9000 and diskSize 512 are the usual console
// values; every other field FC returns is null until set.
func functionDefaults() map[string]any {
	return map[string]any{
		"description":             "",
		"handler":                 "",
		"initializer":             "",
		"memorySize":              128,
		"timeout":                 3,
		"initializationTimeout":   3,
		"instanceConcurrency":     1,
		"instanceType":            "e1",
		"caPort":                  9000,
		"diskSize":                512,
		"environmentVariables":    map[string]any{},
		"runtime":                 nil,
		"cpu":                     nil,
		"gpuMemorySize":           nil,
		"instanceSoftConcurrency": nil,
		"layers":                  nil,
		"layersArnV2":             nil,
		"customContainerConfig":   nil,
		"customDNS":               nil,
		"customHealthCheckConfig": nil,
		"customRuntimeConfig":     nil,
		"instanceLifecycleConfig": nil,
	}
}

// Guess: FC's defaults for the optional trigger fields are not documented;
// the URL fields are empty for types other than HTTP.
func triggerDefaults() map[string]any {
	return map[string]any{"description": "", "invocationRole": "", "sourceArn": "", "qualifier": "",
		"triggerConfig": map[string]any{}, "domainName": "", "urlInternet": "", "urlIntranet": ""}
}

// domainDefaults: protocol "HTTP" is confirmed (2.5). Guess: the other
// configurations are null until set.
func domainDefaults() map[string]any {
	return map[string]any{"protocol": "HTTP", "routeConfig": nil, "certConfig": nil, "tlsConfig": nil, "wafConfig": nil}
}

// complete fills what attrs lacks from defaults, recursing into objects
// present on both sides, so a partial nested object is completed.
func complete(attrs, defaults map[string]any) {
	for k, d := range defaults {
		v, present := attrs[k]
		if !present {
			attrs[k] = d
			continue
		}
		if vm, ok := v.(map[string]any); ok {
			if dm, ok := d.(map[string]any); ok {
				complete(vm, dm)
			}
		}
	}
}
