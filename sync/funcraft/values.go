package funcraft

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// rosFunc is a value written with an ROS short-form function (!Ref X,
// !Sub ..., !GetAtt ...): the resources it refers to are ROS's, so fcsync
// cannot resolve it.
type rosFunc struct{ tag, value string }

// toValue decodes a YAML node as yaml.v3 would into any, except that a
// node with a local tag (!Ref) becomes a rosFunc instead of losing its tag.
func toValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return toValue(n.Content[0])
	case yaml.AliasNode:
		return toValue(n.Alias)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return rosFunc{tag: n.Tag, value: n.Value}
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = toValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			l = append(l, toValue(c))
		}
		return l
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v
}

// refRE is a ${...} reference of funcraft (${Param}) or ROS (Fn::Sub).
var refRE = regexp.MustCompile(`\$\{[^}]*\}`)

// unresolved reports whether a value holds anything only funcraft or ROS
// could resolve: a ${...}, an ROS function in short (!Ref) or long form
// ({Ref: X}, {Fn::GetAtt: ...}).
func unresolved(v any) bool {
	switch x := v.(type) {
	case rosFunc:
		return true
	case string:
		return refRE.MatchString(x)
	case map[string]any:
		for k, e := range x {
			if k == "Ref" || strings.HasPrefix(k, "Fn::") || unresolved(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if unresolved(e) {
				return true
			}
		}
	}
	return false
}

func describe(v any) string {
	if f, ok := v.(rosFunc); ok {
		return f.tag + " " + f.value
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// camelValue renames the keys of every mapping inside v to FC's camelCase.
func camelValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[camel(k)] = camelValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = camelValue(e)
		}
		return out
	}
	return v
}

// camel is FC's name of a template property: the first letter lowered
// (VSwitchIds -> vSwitchIds, EnableTLS -> enableTLS, InstanceID ->
// instanceID), except where FC lowers an initialism whole.
func camel(k string) string {
	if fc, ok := camelExceptions[k]; ok {
		return fc
	}
	if k == "" {
		return k
	}
	return strings.ToLower(k[:1]) + k[1:]
}

var camelExceptions = map[string]string{"CAPort": "caPort"}

// pascal is camel's inverse for the names notes quote.
func pascal(k string) string {
	for p, c := range camelExceptions {
		if c == k {
			return p
		}
	}
	if k == "" {
		return k
	}
	return strings.ToUpper(k[:1]) + k[1:]
}
