package cli

import (
	"github.com/urfave/cli/v2"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
	"github.com/fcsync/fcsync/workflow"
)

// The commands: each turns its flags into the workflow's typed options.

func outputFlag() cli.Flag {
	return &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"}
}

// globals are the global flags as the workflow takes them.
func globals(c *cli.Context) workflow.Globals {
	return workflow.Globals{
		Dir:         c.String("dir"),
		Endpoint:    c.String("endpoint"),
		Concurrency: c.Int("concurrency"),
		NoColor:     c.Bool("no-color"),
		Profile:     c.String("profile"),
		Debug:       c.Bool("debug"),
		NoProgress:  c.Bool("no-progress"),
	}
}

// onProject runs fn on the opened project with the given side effects.
func onProject(st Streams, effects workflow.SideEffects, fn func(*cli.Context, *workflow.Project) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		return workflow.Run(c.Context, globals(c), st, effects, func(p *workflow.Project) error { return fn(c, p) })
	}
}

func initCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "create fcsync.yaml (and a git repository if there is none)",
		ArgsUsage: "[DIR]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "region", Usage: "FC region, e.g. cn-hangzhou", EnvVars: []string{"ALIBABA_CLOUD_REGION_ID"}},
			&cli.StringFlag{Name: "account-id", Usage: "Alibaba Cloud account id (else ALIBABA_CLOUD_ACCOUNT_ID at run time)"},
			&cli.StringSliceFlag{Name: "service", Usage: "track this service (repeatable; default: the folders under services/)"},
			&cli.StringFlag{Name: "api", Value: "fc2", Usage: "the Function Compute API the project deploys to: fc2 or fc3"},
			&cli.StringSliceFlag{Name: "function", Usage: "with --api fc3: track this function (repeatable)"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			api, err := fc.ParseAPI(c.String("api"))
			if err != nil {
				return usagef("init: --api: %v", err)
			}
			dir := c.Args().First()
			if dir == "" {
				dir = c.String("dir")
			}
			if dir == "" {
				dir = "."
			}
			cfg := &fsync.Config{Region: c.String("region"), AccountID: c.String("account-id"), API: api,
				Services: c.StringSlice("service"), Functions: c.StringSlice("function")}
			if api == fc.FC3 && len(cfg.Services) > 0 || api == fc.FC2 && len(cfg.Functions) > 0 {
				return usagef("init: --service is for --api fc2 projects, --function for --api fc3")
			}
			if cfg.Region == "" {
				return usagef("init: --region is required")
			}
			return workflow.Init(st, dir, cfg)
		},
	}
}

func cloneCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "clone",
		Usage:     "new project from what is online (all services when none is named)",
		ArgsUsage: "DIR",
		Flags: []cli.Flag{
			// Not Required: urfave/cli then reports a missing --region as
			// an unknown command named after DIR.
			&cli.StringFlag{Name: "region", Usage: "FC region, e.g. cn-hangzhou (required)"},
			&cli.StringFlag{Name: "account-id", Usage: "Alibaba Cloud account id (else ALIBABA_CLOUD_ACCOUNT_ID)"},
			&cli.StringSliceFlag{Name: "service", Usage: "import this service (repeatable)"},
			&cli.StringFlag{Name: "api", Value: "fc2", Usage: "the Function Compute API: fc2 (services hold functions) or fc3 (functions at the top)"},
			&cli.StringSliceFlag{Name: "function", Usage: "with --api fc3: import this function (repeatable)"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("clone: exactly one DIR expected")
			}
			if c.String("region") == "" {
				return usagef("clone: --region is required, e.g. fcsync clone --region cn-hangzhou %s", c.Args().First())
			}
			api, err := fc.ParseAPI(c.String("api"))
			if err != nil {
				return usagef("clone: --api: %v", err)
			}
			cfg := &fsync.Config{Region: c.String("region"), AccountID: c.String("account-id"), API: api,
				Services: c.StringSlice("service"), Functions: c.StringSlice("function")}
			if api == fc.FC3 && len(cfg.Services) > 0 || api == fc.FC2 && len(cfg.Functions) > 0 {
				return usagef("clone: --service is for --api fc2 projects, --function for --api fc3")
			}
			return workflow.Clone(c.Context, globals(c), st, c.Args().First(), cfg)
		},
	}
}

func fetchCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:         "fetch",
		Usage:        "read online state and commit any change to the live branch; never touches local files",
		Flags:        []cli.Flag{&cli.BoolFlag{Name: "exit-code", Usage: "exit 3 when online changes are not merged into the current branch"}},
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.WritesRepo, func(c *cli.Context, p *workflow.Project) error {
			return p.Fetch(c.Context, workflow.FetchOptions{ExitCode: c.Bool("exit-code")})
		}),
	}
}

func pullCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:  "pull",
		Usage: "fetch, then merge online changes into the current branch",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "use-remote", Usage: "resolve every conflict to the online side"},
			&cli.BoolFlag{Name: "use-local", Usage: "resolve every conflict to the local side"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			resolve := fsync.ResolveNone
			switch {
			case c.Bool("use-remote") && c.Bool("use-local"):
				return usagef("pull: --use-remote and --use-local exclude each other")
			case c.Bool("use-remote"):
				resolve = fsync.ResolveOnline
			case c.Bool("use-local"):
				resolve = fsync.ResolveLocal
			}
			return onProject(st, workflow.WritesRepo, func(c *cli.Context, p *workflow.Project) error {
				return p.Pull(c.Context, workflow.PullOptions{Resolve: resolve})
			})(c)
		},
	}
}

func pushCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:  "push",
		Usage: "deploy the committed project; refuses to overwrite online changes not merged",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "use-local", Usage: "overwrite online changes that were not merged"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan and change nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "confirm deletions without asking"},
			&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "commit uncommitted project changes with this message first"},
			&cli.StringSliceFlag{Name: "service", Usage: "deploy only this service (repeatable)"},
			&cli.StringSliceFlag{Name: "function", Usage: "deploy only this function, as SERVICE/FUNCTION (repeatable)"},
			&cli.StringFlag{Name: "publish", Usage: "after the deploy, publish a version of the service, described by MSG (default: the commit's subject): --publish [MSG]"},
			&cli.StringFlag{Name: "alias", Usage: "with --publish: point this alias at the new version (created if missing), and commit it to the project"},
			outputFlag(),
		},
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.WritesRepo, func(c *cli.Context, p *workflow.Project) error {
			return p.Push(c.Context, workflow.PushOptions{
				UseLocal: c.Bool("use-local"), DryRun: c.Bool("dry-run"), Yes: c.Bool("yes"),
				Message: c.String("message"), Services: c.StringSlice("service"), Functions: c.StringSlice("function"),
				Output:  c.String("output"),
				Publish: c.IsSet("publish"), PublishMessage: c.String("publish"), Alias: c.String("alias"),
			})
		}),
	}
}

func statusCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "per resource: in sync, changed locally, changed online, both, new, deleted",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "offline", Usage: "compare with the live branch as last fetched instead of reading FC"},
			&cli.BoolFlag{Name: "exit-code", Usage: "exit 3 when online changes are not merged, 5 when only local changes are not deployed"},
			&cli.BoolFlag{Name: "urls", Usage: "also list the URLs of HTTP triggers and custom domains"},
			&cli.BoolFlag{Name: "all", Usage: "also list the resources that are in sync"},
			outputFlag(),
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			effects := workflow.ReadsOnly
			if c.Bool("offline") {
				effects = workflow.ReadsLocal
			}
			return onProject(st, effects, func(c *cli.Context, p *workflow.Project) error {
				return p.Status(c.Context, workflow.StatusOptions{
					Offline: c.Bool("offline"), ExitCode: c.Bool("exit-code"), URLs: c.Bool("urls"), All: c.Bool("all"), Output: c.String("output"),
				})
			})(c)
		},
	}
}

func diffCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "default: what push would change online; --online: what changed online since the sync point",
		ArgsUsage: "[PATH]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "online", Usage: "show what changed online since the sync point"},
			outputFlag(),
		},
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.ReadsOnly, func(c *cli.Context, p *workflow.Project) error {
			return p.Diff(c.Context, workflow.DiffOptions{Online: c.Bool("online"), Path: c.Args().First(), Output: c.String("output")})
		}),
	}
}

func logCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:         "log",
		Usage:        "history of the live branch, each commit with its resource and field summary",
		ArgsUsage:    "[PATH]",
		Flags:        []cli.Flag{outputFlag()},
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.ReadsOnly, func(c *cli.Context, p *workflow.Project) error {
			return p.Log(c.Context, workflow.LogOptions{Path: c.Args().First(), Output: c.String("output")})
		}),
	}
}

func validateCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:         "validate",
		Usage:        "check every project file against Function Compute's rules; no API call",
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.ReadsLocal, func(c *cli.Context, p *workflow.Project) error {
			return p.Validate(c.Context)
		}),
	}
}

func importCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:         "import",
		Usage:        "convert a Serverless Devs project (s.yaml) or a funcraft template (template.yml) into this project's files",
		ArgsUsage:    "s.yaml|template.yml",
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.WritesRepo, func(c *cli.Context, p *workflow.Project) error {
			return p.Import(c.Context, c.Args().First())
		}),
	}
}

func migrateCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:  "migrate",
		Usage: "turn the FC 2.0 project at HEAD into FC 3.0's layout, as one commit to review (nothing is pushed)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "the API to migrate to: fc3"},
		},
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.WritesRepo, func(c *cli.Context, p *workflow.Project) error {
			return p.Migrate(c.Context, workflow.MigrateOptions{To: c.String("to")})
		}),
	}
}

func exportCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write this project as a Serverless Devs project (s.yaml)",
		ArgsUsage: "[s.yaml]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Usage: "overwrite the file if it exists"},
		},
		OnUsageError: onUsageError,
		Action: onProject(st, workflow.ReadsLocal, func(c *cli.Context, p *workflow.Project) error {
			return p.Export(c.Context, c.Args().First(), c.Bool("force"))
		}),
	}
}
