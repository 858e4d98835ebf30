package workflow

import (
	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// outputFormat checks an --output value; "" is text.
func outputFormat(f string) (string, error) {
	switch f {
	case "":
		return "text", nil
	case "text", "json":
		return f, nil
	default:
		return "", usagef("--output must be text or json, not %q", f)
	}
}

const (
	colorRed    = "\x1b[31m"
	colorGreen  = "\x1b[32m"
	colorYellow = "\x1b[33m"
	colorCyan   = "\x1b[36m"
	colorReset  = "\x1b[0m"
)

// color wraps s in an ANSI colour on a terminal, unless --no-color or
// NO_COLOR says otherwise.
func (p *Project) color(code, s string) string {
	if p.noColor || !p.st.OutTerminal {
		return s
	}
	return code + s + colorReset
}

// trackedNames lists the names of the resources of kind k (a top-level
// kind: services, custom domains, layers) the given states hold.
func trackedNames(k fc.Kind, states ...*fsync.State) map[string]bool {
	out := map[string]bool{}
	for _, s := range states {
		if s == nil {
			continue
		}
		for id := range s.Resources {
			if id.Kind == k {
				out[id.Path()] = true // a top-level kind's path is its name
			}
		}
	}
	return out
}
