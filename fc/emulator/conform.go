package emulator

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// conform reads a request value as FC does, against its shape: keys matched
// without regard to case and renamed to FC's camelCase at every depth, keys
// FC does not know dropped, and values of the wrong type refused with 400
// InvalidArgument. name is the value's dotted path, for messages.
func conform(v any, sh *shape, name string) (any, *apiError) {
	return conformWith(v, sh, name, false)
}

// conformWith is conform, or with strict the 2023-03-30 dialect's reading:
// keys must be spelled exactly as the SDK models name them (fc3-api.md
// Appendix B) and a key the shape lacks is refused with 400
// InvalidArgument. Guess: the reference does not say what FC 3.0 does with
// an unknown key; refusing it makes a client's misspelt or read-only field
// (functionArn, tags on update) fail loudly instead of vanishing.
func conformWith(v any, sh *shape, name string, strict bool) (any, *apiError) {
	if v == nil || sh.kind == kRaw {
		return v, nil
	}
	switch sh.kind {
	case kObject:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, wrongType(name, "an object", v)
		}
		out := make(map[string]any, len(m))
		for key, val := range m {
			canon, sub := lookupField(sh, key)
			if strict && canon != key {
				sub = nil
			}
			if sub == nil && strict {
				return nil, invalidArgument("%s is not a field FC accepts here", capitalise(join(name, key)))
			}
			if sub == nil {
				continue // FC drops what it does not know
			}
			c, aerr := conformWith(val, sub, join(name, canon), strict)
			if aerr != nil {
				return nil, aerr
			}
			out[canon] = c
		}
		return out, nil
	case kMapOf:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, wrongType(name, "an object", v)
		}
		out := make(map[string]any, len(m))
		for key, val := range m {
			c, aerr := conformWith(val, sh.elem, join(name, key), strict)
			if aerr != nil {
				return nil, aerr
			}
			out[key] = c
		}
		return out, nil
	case kListOf:
		l, ok := v.([]any)
		if !ok {
			return nil, wrongType(name, "an array", v)
		}
		out := make([]any, len(l))
		for i, e := range l {
			c, aerr := conformWith(e, sh.elem, fmt.Sprintf("%s[%d]", name, i), strict)
			if aerr != nil {
				return nil, aerr
			}
			out[i] = c
		}
		return out, nil
	case kString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, wrongType(name, "a string", v)
	case kBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, wrongType(name, "true or false", v)
	case kInteger, kNumber:
		return conformNumber(v, sh.kind == kInteger, name)
	}
	return v, nil
}

// conformNumber accepts JSON numbers and, as a guess, numeric strings (the
// reference shows the SDKs' own decoding taking "128" for 128, not what FC's
// server does with a request); anything else is refused.
func conformNumber(v any, integer bool, name string) (any, *apiError) {
	var text string
	switch n := v.(type) {
	case json.Number:
		text = n.String()
	case string:
		text = strings.TrimSpace(n)
	case float64:
		text = strconv.FormatFloat(n, 'f', -1, 64)
	case int:
		text = strconv.Itoa(n)
	case int64:
		text = strconv.FormatInt(n, 10)
	default:
		return nil, wrongType(name, "a number", v)
	}
	if integer {
		i, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, wrongType(name, "an integer", v)
		}
		return i, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, wrongType(name, "a number", v)
	}
	return f, nil
}

// lookupField finds the field of an object shape that key names, without
// regard to case.
func lookupField(sh *shape, key string) (string, *shape) {
	if sub, ok := sh.fields[key]; ok {
		return key, sub
	}
	for canon, sub := range sh.fields {
		if strings.EqualFold(canon, key) {
			return canon, sub
		}
	}
	return "", nil
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// invalidValue is FC's message for a value out of its allowed set
// (fc-api.md 4: "Runtime is set to an invalid value (allowed: ..., actual:
// '10')"); FC writes the field name capitalised.
func invalidValue(name, allowed string, actual any) *apiError {
	return invalidArgument("%s is set to an invalid value (allowed: %s, actual: '%v')", capitalise(name), allowed, display(actual))
}

func wrongType(name, allowed string, actual any) *apiError {
	return invalidValue(name, allowed, actual)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func display(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}
