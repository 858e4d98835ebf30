package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

func logCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:         "log",
		Usage:        "history of the live branch, each commit with its resource and field summary",
		ArgsUsage:    "[PATH]",
		Flags:        []cli.Flag{outputFlag()},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			p, err := openProject(c, st)
			if err != nil {
				return err
			}
			return p.runLog(c)
		},
	}
}

// logEntry is one live-branch commit as log prints it.
type logEntry struct {
	Commit  string    `json:"commit"`
	Kind    string    `json:"kind"` // "online change", "deploy", "import"
	Author  string    `json:"author"`
	Date    time.Time `json:"date"`
	Subject string    `json:"subject"`
	Body    string    `json:"body,omitempty"`
}

func (p *project) runLog(c *cli.Context) error {
	format, err := outputFormat(c)
	if err != nil {
		return err
	}
	rel, err := p.projectRel(c.Args().First())
	if c.Args().First() == "" {
		rel, err = "", nil
	}
	if err != nil {
		return err
	}
	tip, err := p.repo.Ref(p.liveBranch())
	if err != nil {
		return err
	}
	if tip.IsZero() {
		return fmt.Errorf("%s does not exist yet: run fcsync fetch", p.liveBranch())
	}
	prefix := p.prefix
	if rel != "" {
		prefix = p.repoPath(rel)
	}
	commits, err := p.repo.Log(tip, prefix, true)
	if err != nil {
		return err
	}
	entries := make([]logEntry, 0, len(commits))
	for _, cm := range commits {
		subject, body, _ := strings.Cut(cm.Message, "\n")
		kind := "online change"
		switch {
		case len(cm.Parents) == 0:
			kind = "import"
		case len(cm.Parents) > 1:
			kind = "deploy"
		}
		entries = append(entries, logEntry{
			Commit: cm.Hash.String(), Kind: kind,
			Author:  fmt.Sprintf("%s <%s>", cm.Author.Name, cm.Author.Email),
			Date:    cm.Author.When,
			Subject: subject, Body: strings.TrimSpace(body),
		})
	}
	if format == "json" {
		return json.NewEncoder(p.st.Out).Encode(map[string]any{"branch": p.liveBranch(), "commits": entries})
	}
	for _, e := range entries {
		fmt.Fprintf(p.st.Out, "%s %s  %s  %s\n", p.color(colorYellow, e.Commit[:10]), e.Date.Format("2006-01-02 15:04:05 -0700"), e.Kind, e.Author)
		fmt.Fprintf(p.st.Out, "    %s\n", e.Subject)
		for _, line := range strings.Split(e.Body, "\n") {
			if line != "" {
				fmt.Fprintf(p.st.Out, "    %s\n", line)
			}
		}
	}
	return nil
}
