package emulator

import (
	"archive/zip"
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The value rules FC enforces on writes, as the emulator reads them from
// fc-api.md (sections 2 and 5, Appendix A). Each refusal is FC's 400
// InvalidArgument with its "X is set to an invalid value (allowed: ...,
// actual: '...')" message. They run on a resource's attributes after a
// write is merged in, so every stored resource obeys them.

// runtimes: the reference's list (A.2) is cut off after "dot…". Guess:
// dotnetcore3.1, custom, custom.debian10 and custom-container complete it as
// FC documents them, and nodejs18/nodejs20, newer than the SDK's comment,
// are accepted rather than refused.
var runtimes = []string{
	"nodejs4.4", "nodejs6", "nodejs8", "nodejs10", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20",
	"python2.7", "python3", "python3.9", "python3.10",
	"java8", "java11", "go1", "php7.2", "dotnetcore2.1", "dotnetcore3.1",
	"custom", "custom.debian10", "custom-container",
}

var instanceTypes = []string{"e1", "c1", "fc.gpu.tesla.1", "fc.gpu.ampere.1", "g1"}

// triggerTypes: fc-api.md 2.4 lists these, "and rds, mq_topic, ...".
var triggerTypes = []string{"oss", "log", "timer", "http", "tablestore", "cdn_events", "mns_topic",
	"eventbridge", "rds", "mq_topic"}

// Guess: the reference gives neither the HTTP trigger's auth types beyond
// anonymous and function (jwt comes with its JWTAuthConfig) nor its methods.
var (
	httpAuthTypes = []string{"anonymous", "function", "jwt"}
	httpMethods   = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}
	protocols     = []string{"HTTP", "HTTPS", "HTTP,HTTPS"}
)

func oneOf(attrs map[string]any, key string, allowed []string) *apiError {
	v, present := attrs[key]
	if !present || v == nil {
		return nil
	}
	s, _ := v.(string)
	for _, a := range allowed {
		if s == a {
			return nil
		}
	}
	return invalidValue(key, strings.Join(allowed, " | "), v)
}

// intIn checks an integer attribute against [min, max] and, when step is
// not 0, a multiple of step. Absent and null values pass.
func intIn(attrs map[string]any, key string, min, max, step int64) *apiError {
	n, present := asInt(attrs[key])
	if !present {
		return nil
	}
	if n < min || n > max || (step != 0 && n%step != 0) {
		allowed := strconv.FormatInt(min, 10) + " to " + strconv.FormatInt(max, 10)
		if step != 0 {
			allowed = "a multiple of " + strconv.FormatInt(step, 10) + " from " + allowed
		}
		return invalidValue(key, allowed, attrs[key])
	}
	return nil
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	case interface{ Int64() (int64, error) }: // json.Number from a persisted state
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

func checkServiceRules(attrs map[string]any) *apiError {
	if lc, ok := attrs["logConfig"].(map[string]any); ok {
		// Guess: "None" is the documented default; DefaultRegex is FC's other rule.
		if aerr := oneOf(lc, "logBeginRule", []string{"None", "DefaultRegex"}); aerr != nil {
			return aerr
		}
	}
	for _, key := range []string{"nasConfig", "ossMountConfig"} {
		if c, ok := attrs[key].(map[string]any); ok {
			if mps, _ := c["mountPoints"].([]any); len(mps) > 5 { // fc-api.md 5
				return invalidValue(key+".mountPoints", "at most 5 mount points", len(mps))
			}
		}
	}
	return nil
}

func checkFunctionRules(attrs map[string]any) *apiError {
	checks := []func() *apiError{
		func() *apiError { return oneOf(attrs, "runtime", runtimes) },
		func() *apiError { return oneOf(attrs, "instanceType", instanceTypes) },
		// fc-api.md 5: memory up to 32 GB in multiples of 64 MB. Guess: no
		// minimum is given, so the smallest multiple is accepted.
		func() *apiError { return intIn(attrs, "memorySize", 64, 32768, 64) },
		// fc-api.md 5: up to 86 400 s; older docs say 600, the larger is taken.
		func() *apiError { return intIn(attrs, "timeout", 1, 86400, 0) },
		func() *apiError { return intIn(attrs, "initializationTimeout", 1, 300, 0) },
		func() *apiError { return intIn(attrs, "gpuMemorySize", 0, math.MaxInt32, 1024) },
		func() *apiError { return intIn(attrs, "instanceConcurrency", 1, math.MaxInt32, 0) },
		func() *apiError { return intIn(attrs, "instanceSoftConcurrency", 1, math.MaxInt32, 0) },
		func() *apiError { return intIn(attrs, "caPort", 1, 65535, 0) },
		func() *apiError {
			if n, ok := asInt(attrs["diskSize"]); ok && n != 512 && n != 10240 {
				return invalidValue("diskSize", "512 | 10240", attrs["diskSize"])
			}
			return nil
		},
		func() *apiError {
			// A.2: a multiple of 0.05 vCPU.
			if f, ok := attrs["cpu"].(float64); ok {
				if q := f / 0.05; f <= 0 || math.Abs(q-math.Round(q)) > 1e-6 {
					return invalidValue("cpu", "a positive multiple of 0.05", f)
				}
			}
			return nil
		},
		func() *apiError {
			ilc, _ := attrs["instanceLifecycleConfig"].(map[string]any)
			for _, hook := range []string{"preFreeze", "preStop"} {
				if h, ok := ilc[hook].(map[string]any); ok {
					// fc-api.md 5: hooks run for up to 90 s.
					if aerr := intIn(h, "timeout", 1, 90, 0); aerr != nil {
						return invalidValue("instanceLifecycleConfig."+hook+".timeout", "1 to 90", h["timeout"])
					}
				}
			}
			return nil
		},
	}
	for _, check := range checks {
		if aerr := check(); aerr != nil {
			return aerr
		}
	}
	return nil
}

// checkZip refuses a code package that is not a zip archive, as FC does
// (fc-api.md 2.3: 400 InvalidArgument for a bad zip).
func checkZip(b []byte) *apiError {
	if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
		return invalidArgument("code.zipFile is not a valid zip file: %v", err)
	}
	return nil
}

// checkTriggerRules checks a trigger's type and the configuration of the
// types the reference describes.
func checkTriggerRules(attrs map[string]any) *apiError {
	typ, _ := attrs["triggerType"].(string)
	if typ == "" {
		return invalidArgument("TriggerType is required")
	}
	if aerr := oneOf(attrs, "triggerType", triggerTypes); aerr != nil {
		return aerr
	}
	cfg, _ := attrs["triggerConfig"].(map[string]any)
	switch typ {
	case "http":
		if cfg["authType"] == nil {
			return invalidArgument("TriggerConfig.AuthType is required for an HTTP trigger")
		}
		if aerr := oneOf(cfg, "authType", httpAuthTypes); aerr != nil {
			return aerr
		}
		methods, _ := cfg["methods"].([]any)
		if len(methods) == 0 {
			return invalidArgument("TriggerConfig.Methods is required for an HTTP trigger")
		}
		for _, m := range methods {
			if aerr := oneOf(map[string]any{"methods": m}, "methods", httpMethods); aerr != nil {
				return aerr
			}
		}
	case "timer":
		expr, _ := cfg["cronExpression"].(string)
		if !validCron(expr) {
			return invalidValue("cronExpression", "@every <interval of 1m or more> | a cron expression of 6 fields", expr)
		}
	case "oss":
		if events, _ := cfg["events"].([]any); len(events) == 0 {
			return invalidArgument("TriggerConfig.Events is required for an OSS trigger")
		}
	}
	return nil
}

func checkDomainRules(attrs map[string]any) *apiError {
	if aerr := oneOf(attrs, "protocol", protocols); aerr != nil {
		return aerr
	}
	rc, _ := attrs["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	for _, r := range routes {
		route, _ := r.(map[string]any)
		methods, _ := route["methods"].([]any)
		for _, m := range methods {
			if aerr := oneOf(map[string]any{"methods": m}, "methods", httpMethods); aerr != nil {
				return aerr
			}
		}
	}
	return nil
}

// Cron as FC's timer triggers take it: "@every 5m" (at least a minute), or
// six fields, seconds first, with an optional "CRON_TZ=<zone> " prefix.
// Guess: the reference names cronExpression without its syntax; this is
// FC's documented form. Sunday may be 0 or 7.
var (
	everyRE     = regexp.MustCompile(`^@every\s+(\S+)$`)
	cronFieldRE = regexp.MustCompile(`^[0-9A-Za-z*?,/#-]+$`)
	cronBounds  = [6][2]int{{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}
)

func validCron(expr string) bool {
	expr = strings.TrimSpace(expr)
	if m := everyRE.FindStringSubmatch(expr); m != nil {
		d, err := time.ParseDuration(m[1])
		return err == nil && d >= time.Minute
	}
	if strings.HasPrefix(expr, "CRON_TZ=") {
		i := strings.IndexByte(expr, ' ')
		if i < 0 {
			return false
		}
		expr = expr[i+1:]
	}
	fields := strings.Fields(expr)
	if len(fields) != 6 {
		return false
	}
	for i, f := range fields {
		if !cronFieldRE.MatchString(f) {
			return false
		}
		// Every number written must lie in the field's range; names (JAN,
		// MON) and L, W, # forms are taken as FC takes them.
		for _, num := range regexp.MustCompile(`\d+`).FindAllString(strings.SplitN(f, "/", 2)[0], -1) {
			n, _ := strconv.Atoi(num)
			if n < cronBounds[i][0] || n > cronBounds[i][1] {
				return false
			}
		}
	}
	return true
}
