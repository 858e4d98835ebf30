// Command fc-console stands in for the Function Compute web console in the
// demo: it changes FC behind fcsync's back through the official SDK.
//
//	FC_ENDPOINT=http://127.0.0.1:9000 fc-console update-function svc fn '{"memorySize":512}'
//	FC_ENDPOINT=http://127.0.0.1:9000 fc-console --api fc3 update-function fn '{"memorySize":512}'
//
// It reads the endpoint from FC_ENDPOINT and the key pair from
// ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET. With
// --api fc3 it speaks FC 3.0 (API 2023-03-30, functions at the top).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/fcsync/fcsync/internal/fcconsole"
)

func main() {
	endpoint, id, secret := os.Getenv("FC_ENDPOINT"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	args := os.Args[1:]
	var err error
	switch {
	case len(args) >= 2 && args[0] == "--api" && args[1] == "fc3":
		var c *fcconsole.Console3
		if c, err = fcconsole.New3(endpoint, id, secret); err == nil {
			err = c.Run3(args[2:], os.Stdout)
		}
	case len(args) >= 2 && args[0] == "--api" && args[1] != "fc2":
		err = fmt.Errorf("%w: --api %s: want fc2 or fc3", fcconsole.ErrUsage, args[1])
	default:
		if len(args) >= 2 && args[0] == "--api" {
			args = args[2:]
		}
		var c *fcconsole.Console
		if c, err = fcconsole.New(endpoint, id, secret); err == nil {
			err = c.Run(args, os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "fc-console: %v\n", err)
		if errors.Is(err, fcconsole.ErrUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
