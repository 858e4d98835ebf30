//go:build tools

// Package tools pins the modules that fcsync's packages are being built on, so
// that go.mod and go.sum stay complete while those packages are written in
// parallel. Removed once every import below has a real user.
package tools

import (
	_ "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	_ "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	_ "github.com/alibabacloud-go/tea-utils/v2/service"
	_ "github.com/alibabacloud-go/tea/tea"
	_ "github.com/aliyun/credentials-go/credentials"
	_ "github.com/creack/pty"
	_ "github.com/go-git/go-git/v5"
	_ "github.com/pmezard/go-difflib/difflib"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/urfave/cli/v2"
	_ "golang.org/x/term"
	_ "gopkg.in/yaml.v3"
)
