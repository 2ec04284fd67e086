package main

import (
	"fmt"
	"strings"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// malformedUpdateJSON is an UPDATE whose routes were dropped (or an
// attribute of it) for an RFC 7606 error before any filter saw them.
type malformedUpdateJSON struct {
	Handling    string   `json:"handling"`
	Prefixes    []string `json:"prefixes"`
	PrefixCount uint64   `json:"prefix_count"`
	Error       string   `json:"error"`
}

func toMalformedUpdateJSON(m *rsguardv1.MalformedUpdate) *malformedUpdateJSON {
	p := m.GetPrefixes()
	if p == nil {
		p = []string{}
	}
	return &malformedUpdateJSON{Handling: m.GetHandling(), Prefixes: p, PrefixCount: m.GetPrefixCount(), Error: m.GetError()}
}

// text reads like "treat_as_withdraw 45.23.1.0/24: nexthop length isn't
// correct", with "(+N more)" when the list was bounded.
func (m malformedUpdateJSON) text() string {
	s := m.Handling + " " + orDash(strings.Join(m.Prefixes, " "))
	if more := int64(m.PrefixCount) - int64(len(m.Prefixes)); more > 0 {
		s += fmt.Sprintf(" (+%d more)", more)
	}
	return s + ": " + m.Error
}
