package sync

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
)

// Key order of rendered files.
//
// The top-level mapping of a resource file lists the well-known fields of its
// kind first, in the order of the table of kinds (fc.KeyOrder: what the
// resource is, how it runs, how big it is), then every other field
// alphabetically, so that fields FC adds later still land in a fixed place.
// Nested mappings (environmentVariables, triggerConfig, vpcConfig, ...) are
// alphabetical at every depth. Lists keep their order: FC gives them meaning.
var wellKnown = func() map[fc.ID][]string {
	m := map[fc.ID][]string{}
	for _, a := range []fc.API{fc.FC2, fc.FC3} {
		for _, k := range a.Kinds() {
			m[kindKey(fc.ID{API: a, Kind: k})] = a.KeyOrder(k)
		}
	}
	return m
}()

// kindKey is id less its names: the key of its API's kind.
func kindKey(id fc.ID) fc.ID { return fc.ID{API: id.API, Kind: id.Kind} }

var wellKnownRank = func() map[fc.ID]map[string]int {
	r := map[fc.ID]map[string]int{}
	for k, names := range wellKnown {
		r[k] = map[string]int{}
		for i, n := range names {
			r[k][n] = i
		}
	}
	return r
}()

// keyLess orders two keys of the mapping at path (dotted field path of the
// mapping, "" for the top level of a resource file) of a resource of the
// given kind, in the documented render order.
func keyLess(id fc.ID, path string, a, b string) bool {
	if path == "" {
		ra, oka := wellKnownRank[kindKey(id)][a]
		rb, okb := wellKnownRank[kindKey(id)][b]
		switch {
		case oka && okb:
			return ra < rb
		case oka != okb:
			return oka
		}
	}
	return a < b
}

// specNode renders a resource's Spec as the top-level mapping node of its
// file, keys in keyLess order.
func specNode(id fc.ID, spec map[string]any) *yaml.Node {
	keys := make([]string, 0, len(spec))
	for k := range spec {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keyLess(id, "", keys[i], keys[j]) })
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range keys {
		n.Content = append(n.Content, strNode(k), valueNode(spec[k]))
	}
	return n
}

// valueNode converts a value into a yaml.v3 node in fcsync's canonical style:
// block mappings with keys sorted alphabetically, block sequences, and
// scalars tagged with their type so that the encoder quotes a string only
// where YAML would otherwise read it as something else ("123", "true", "",
// "null", "2021-01-01" stay strings). Multi-line strings become literal
// blocks where yaml.v3 reads them back intact. v is normalised with fc.Normalize first.
func valueNode(v any) *yaml.Node {
	switch x := fc.Normalize(v).(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(x, 10)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: formatFloat(x)}
	case json.Number:
		// A number beyond int64 or float64, written as FC sent it so that it
		// reads back with every digit (nodeValue). YAML resolves a long
		// integer as a float, so that tag keeps it plain; "1e400" needs its
		// explicit !!float.
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: string(x)}
	case string:
		return strNode(x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range keys {
			n.Content = append(n.Content, strNode(k), valueNode(x[k]))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range x {
			n.Content = append(n.Content, valueNode(e))
		}
		return n
	default:
		// Normalize leaves only the types above for values decoded from JSON
		// or YAML; anything else is a programming error upstream, rendered
		// visibly rather than dropped.
		return strNode(fmt.Sprint(x))
	}
}

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") && !literalSafe(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// literalSafe reports whether yaml.v3 reads back a multi-line string that
// it writes as a literal block. It does not for strings starting with a
// newline, a space or a tab, nor for tabs or carriage returns elsewhere;
// those are double-quoted instead.
func literalSafe(s string) bool {
	switch s[0] {
	case '\n', ' ', '\t':
		return false
	}
	return !strings.ContainsAny(s, "\t\r")
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	// YAML 1.2 core schema reads "1e+06" as a float, but a float with neither
	// point nor exponent would read back as an int.
	for _, c := range s {
		if c == '.' || c == 'e' || c == 'E' {
			return s
		}
	}
	return s + ".0"
}

// nodeValue decodes a yaml.v3 node into a normalised value (fc.Normalize).
// Timestamp-looking plain scalars stay strings, as yaml.v3 decodes them into
// an interface.
//
// Numbers beyond int64 (every digit kept) or float64 (1e400) become
// json.Number, as fc.Normalize makes them from FC's JSON: yaml.v3 alone
// would round the first and fail on the second.
func nodeValue(n *yaml.Node) (any, error) {
	if !hasBigNumber(n, 0) {
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return fc.Normalize(v), nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(n.Content[0])
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].ShortTag() == "!!merge" {
				// A merge key: leave it to yaml.v3, which knows the rules,
				// at the cost of rounding the big numbers of this mapping.
				var v any
				if err := n.Decode(&v); err != nil {
					return nil, err
				}
				return fc.Normalize(v), nil
			}
			k, err := nodeValue(n.Content[i])
			if err != nil {
				return nil, err
			}
			v, err := nodeValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = v
		}
		return out, nil
	}
	if isBigNumber(n) {
		return json.Number(strings.TrimPrefix(n.Value, "+")), nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return fc.Normalize(v), nil
}

// hasBigNumber reports whether n holds a number isBigNumber accepts.
// Aliases are followed a bounded depth, as a guard against alias bombs.
func hasBigNumber(n *yaml.Node, depth int) bool {
	if n == nil || depth > 100 {
		return false
	}
	if n.Kind == yaml.AliasNode {
		return hasBigNumber(n.Alias, depth+1)
	}
	if isBigNumber(n) {
		return true
	}
	for _, c := range n.Content {
		if hasBigNumber(c, depth+1) {
			return true
		}
	}
	return false
}

// isBigNumber recognises a scalar that YAML reads as a number but that
// neither int64 nor float64 holds exactly: a decimal integer beyond int64,
// or a float literal beyond float64's range.
func isBigNumber(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return false
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
	default:
		return false
	}
	if fc.IsBigInt(n.Value) {
		return true
	}
	if !floatLiteralRE.MatchString(n.Value) {
		return false
	}
	_, err := strconv.ParseFloat(n.Value, 64)
	return err != nil
}

var floatLiteralRE = regexp.MustCompile(`^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)
