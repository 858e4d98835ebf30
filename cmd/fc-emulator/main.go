// Command fc-emulator serves the FC API emulator (fc/emulator) on a local
// address, for tests, demos and benchmarks that talk to it through the real
// SDKs. It prints the address it listens on as the first line of standard
// output, then serves until SIGINT or SIGTERM.
//
// Besides the API, it serves control endpoints under /_emulator/: stats,
// faults, inject, and for tests of what a deploy leaves behind, OSS objects
// code can be read from (PUT /_emulator/oss/<bucket>/<object>) and canned
// answers to a function's invocations (PUT /_emulator/invoke/<svc>/<fn>
// with {"status":200,"header":{...},"body":"..."}; DELETE to echo again).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fcsync/fcsync/fc/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fc-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address (127.0.0.1:0 picks a free port)")
	var opts emulator.Options
	fs.StringVar(&opts.AccountID, "account-id", "", "account id (default $ALIBABA_CLOUD_ACCOUNT_ID)")
	fs.StringVar(&opts.Region, "region", "cn-hangzhou", "the region the emulator plays, in ARNs and account settings")
	fs.StringVar(&opts.AccessKeyID, "access-key-id", "", "the access key id accepted (default $ALIBABA_CLOUD_ACCESS_KEY_ID)")
	fs.StringVar(&opts.AccessKeySecret, "access-key-secret", "", "its secret (default $ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
	fs.Var(accessKeys{&opts.Keys}, "access-key", "ID:SECRET or ID:SECRET:STS_TOKEN: one more key pair accepted (repeatable)")
	fs.StringVar(&opts.DataDir, "data", "", "keep the state in this folder across restarts")
	fs.DurationVar(&opts.Faults.Latency, "latency", 0, "latency added to every API request")
	fs.DurationVar(&opts.Faults.Jitter, "jitter", 0, "random extra latency, up to this much")
	fs.IntVar(&opts.Faults.ThrottleRPS, "throttle-rps", 0, "answer 429 ResourceExhausted above this many requests per second")
	fs.Float64Var(&opts.Faults.FailureRate, "failure-rate", 0, "fraction of API requests failed with 500, 503 or a dropped connection")
	fs.Float64Var(&opts.Faults.LoseRate, "lose-rate", 0, "fraction of API requests applied whose answer is then lost")
	fs.Var(actionCounts{&opts.Faults.FailNth}, "fail-nth", "Action=N: fail the Nth request of Action with 500 (repeatable)")
	fs.Var(actionCounts{&opts.Faults.FailFrom}, "fail-from", "Action=N: fail every request of Action from the Nth on with 500 (repeatable)")
	fs.Int64Var(&opts.Faults.Seed, "seed", 0, "seed of the random faults")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range map[string]*string{
		"account-id":        &opts.AccountID,
		"access-key-id":     &opts.AccessKeyID,
		"access-key-secret": &opts.AccessKeySecret,
	} {
		if !set[name] {
			*v = os.Getenv("ALIBABA_CLOUD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
		}
	}
	logger := log.New(stderr, "fc-emulator: ", log.LstdFlags)
	opts.Logf = logger.Printf

	s, err := emulator.Start(*addr, opts)
	if err != nil {
		fmt.Fprintln(stderr, "fc-emulator:", err)
		return 1
	}
	fmt.Fprintln(stdout, s.Addr)
	<-ctx.Done()
	start := time.Now()
	if err := s.Close(); err != nil {
		logger.Printf("close: %v", err)
		return 1
	}
	logger.Printf("stopped in %v", time.Since(start).Round(time.Millisecond))
	return 0
}

// accessKeys is a repeatable ID:SECRET[:TOKEN] flag.
type accessKeys struct{ keys *[]emulator.AccessKey }

func (a accessKeys) String() string {
	if a.keys == nil {
		return ""
	}
	var ids []string
	for _, k := range *a.keys {
		ids = append(ids, k.ID) // never the secret
	}
	return strings.Join(ids, ",")
}

func (a accessKeys) Set(s string) error {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("want ID:SECRET or ID:SECRET:STS_TOKEN")
	}
	k := emulator.AccessKey{ID: parts[0], Secret: parts[1]}
	if len(parts) == 3 {
		k.SecurityToken = parts[2]
	}
	*a.keys = append(*a.keys, k)
	return nil
}

// actionCounts is a repeatable Action=N flag.
type actionCounts struct{ m *map[string]int }

func (a actionCounts) String() string {
	if a.m == nil {
		return ""
	}
	var parts []string
	for k, v := range *a.m {
		parts = append(parts, k+"="+strconv.Itoa(v))
	}
	return strings.Join(parts, ",")
}

func (a actionCounts) Set(s string) error {
	action, n, ok := strings.Cut(s, "=")
	count, err := strconv.Atoi(n)
	if !ok || action == "" || err != nil || count < 1 {
		return fmt.Errorf("want Action=N with N >= 1, got %q", s)
	}
	if *a.m == nil {
		*a.m = map[string]int{}
	}
	(*a.m)[action] = count
	return nil
}
