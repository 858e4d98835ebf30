package cli

import (
	"github.com/urfave/cli/v2"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

func outputFlag() cli.Flag {
	return &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"}
}

func outputFormat(c *cli.Context) (string, error) {
	switch f := c.String("output"); f {
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
func (p *project) color(code, s string) string {
	if p.noColor || !p.st.OutTerminal {
		return s
	}
	return code + s + colorReset
}

// trackedDomains lists the custom domains the given states hold.
func trackedDomains(states ...*fsync.State) map[string]bool {
	out := map[string]bool{}
	for _, s := range states {
		if s == nil {
			continue
		}
		for id := range s.Resources {
			if id.Kind == fc.KindDomain {
				out[id.Name] = true
			}
		}
	}
	return out
}
