// Command fc-console stands in for the Function Compute web console in the
// demo: it changes FC behind fcsync's back through the official SDK.
//
//	FC_ENDPOINT=http://127.0.0.1:9000 fc-console update-function svc fn '{"memorySize":512}'
//
// It reads the endpoint from FC_ENDPOINT and the key pair from
// ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/fcsync/fcsync/internal/fcconsole"
)

func main() {
	c, err := fcconsole.New(os.Getenv("FC_ENDPOINT"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
	if err == nil {
		err = c.Run(os.Args[1:], os.Stdout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "fc-console: %v\n", err)
		if errors.Is(err, fcconsole.ErrUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
