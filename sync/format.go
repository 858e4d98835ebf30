package sync

import (
	"encoding/json"
	"strconv"
)

// FormatValue prints a normalised value on one line for plans and
// reports: strings quoted, maps and lists as compact JSON, long values cut.
func FormatValue(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "(absent)"
	case string:
		s = strconv.Quote(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "?"
		}
		s = string(b)
	}
	const max = 60
	if r := []rune(s); len(r) > max {
		s = string(r[:max-3]) + "..."
	}
	return s
}
