package apiserver

import (
	"strconv"
	"strings"
)

// ConfigError is one problem in a config file, naming the place.
type ConfigError struct {
	File    string
	Line    int // 0 when unknown
	Key     string
	Message string
}

// Error renders "rs.toml:42: peers.ix-a.asn: message", leaving out what is
// unknown.
func (e ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

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
