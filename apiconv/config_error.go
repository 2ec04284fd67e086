package apiconv

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
