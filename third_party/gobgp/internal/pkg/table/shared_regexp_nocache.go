//go:build !go1.24

package table

import "regexp"

// compileSharedRegexp compiles expr. Sharing compiled expressions between
// sets (aspath_regexp_cache.go) needs weak pointers, Go 1.24.
func compileSharedRegexp(expr string) (*regexp.Regexp, error) {
	return regexp.Compile(expr)
}
