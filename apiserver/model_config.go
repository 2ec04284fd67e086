package apiserver

import "github.com/rsguard/rsguard/apiconv"

// ConfigError is one problem in a config file, naming the place. It lives
// in apiconv so that rsctl can render it without importing this package.
type ConfigError = apiconv.ConfigError

// CheckResult is the outcome of validating a config file.
type CheckResult struct {
	Path   string
	Errors []ConfigError
	// Plan is what reloading this file would do to the running daemon,
	// one change a line, in the words a reload reports (empty: nothing).
	Plan []string
}

// ReloadResult is the outcome of a reload; Applied is false whenever Errors
// is not empty, and the old config then keeps running.
type ReloadResult struct {
	Path    string
	Applied bool
	Errors  []ConfigError
	Changes []string // human summary, e.g. "peer ix-b added"
}
