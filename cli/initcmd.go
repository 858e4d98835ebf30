package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

func initCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "create fcsync.yaml (and a git repository if there is none)",
		ArgsUsage: "[DIR]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "region", Usage: "FC region, e.g. cn-hangzhou", EnvVars: []string{"ALIBABA_CLOUD_REGION_ID"}},
			&cli.StringFlag{Name: "account-id", Usage: "Alibaba Cloud account id (else ALIBABA_CLOUD_ACCOUNT_ID at run time)"},
			&cli.StringSliceFlag{Name: "service", Usage: "track this service (repeatable; default: the folders under services/)"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			dir := c.Args().First()
			if dir == "" {
				dir = c.String("dir")
			}
			if dir == "" {
				dir = "."
			}
			cfg := &fsync.Config{Region: c.String("region"), AccountID: c.String("account-id"), Services: c.StringSlice("service")}
			if cfg.Region == "" {
				return usagef("init: --region is required")
			}
			return runInit(st, dir, cfg)
		},
	}
}

// runInit writes fcsync.yaml into dir, creating dir and a git repository
// when needed. An existing fcsync.yaml is never overwritten.
func runInit(st Streams, dir string, cfg *fsync.Config) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, configFile)
	if _, err := os.Stat(path); err == nil {
		return usagef("%s already exists", path)
	}
	data := cfg.Marshal()
	if _, err := fsync.LoadConfig(path, data); err != nil {
		return withCode(ExitUsage, err)
	}
	if _, err := gitstate.Open(dir); errors.Is(err, gitstate.ErrNotRepository) {
		if _, err := gitstate.Init(dir); err != nil {
			return err
		}
		fmt.Fprintf(st.Out, "Initialized a git repository in %s\n", dir)
	} else if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	if err := writeGitignore(dir); err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "Wrote %s (region %s). Next: add services/<service>/... and run fcsync push, or fcsync pull to import what is online.\n", path, cfg.Region)
	return nil
}

func onUsageError(_ *cli.Context, err error, _ bool) error { return withCode(ExitUsage, err) }
