// Package sdkquiet keeps the Alibaba Cloud SDKs' debug output off.
//
// The SDKs print every request's headers, and so the AccessKey id, the
// signature and the STS token, to standard output when DEBUG names them
// (DEBUG=tea, DEBUG=credential), and they read DEBUG once, in their package
// initialisers. fcsync's --debug traces API calls with credentials
// redacted instead, so DEBUG is removed from the environment before those
// initialisers run.
//
// Go initialises packages in the order of their import paths, each after
// its dependencies (The Go Programming Language Specification, "Package
// initialization"). This package depends on os alone, so it runs as soon
// as os is ready, before net/http, which the SDKs need; importing it from
// the package that imports the SDKs is therefore enough. fcsync runs no
// other program that could want DEBUG.
package sdkquiet

import "os"

func init() { os.Unsetenv("DEBUG") }
