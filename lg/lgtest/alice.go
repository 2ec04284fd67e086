package lgtest

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ReasonTree is Alice's [rejection_reasons] as it publishes it: each
// community part (or "*") leads one level down, a string leaf is the text.
type ReasonTree map[string]any

// LoadRejectionReasons reads the [rejection_reasons] section of an Alice
// config as Alice does: $VAR = value definitions, {VAR} substitution, each
// line split at its first '='.
func LoadRejectionReasons(path string) (ReasonTree, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	tree := ReasonTree{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
			continue
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if strings.HasPrefix(k, "$") {
			vars[k[1:]] = v
			continue
		}
		if section != "rejection_reasons" {
			continue
		}
		for name, val := range vars {
			k = strings.ReplaceAll(k, "{"+name+"}", val)
		}
		parts := strings.Split(k, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: key %q is not ASN:value:code", path, n, k)
		}
		node := tree
		for i, p := range parts {
			if p != "*" {
				if _, err := strconv.ParseUint(p, 10, 32); err != nil {
					return nil, fmt.Errorf("%s:%d: %q is neither a number nor *", path, n, p)
				}
			}
			if i == len(parts)-1 {
				node[p] = v
				break
			}
			next, _ := node[p].(map[string]any)
			if next == nil {
				next = map[string]any{}
				node[p] = next
			}
			node = next
		}
	}
	return tree, sc.Err()
}

// Lookup resolves one large community as Alice's UI does: per part the
// exact number first, then "*"; a string leaf is the reason.
func (t ReasonTree) Lookup(c [3]uint32) (string, bool) {
	var node any = map[string]any(t)
	for _, part := range c {
		m, ok := node.(map[string]any)
		if !ok {
			return "", false
		}
		next, ok := m[strconv.FormatUint(uint64(part), 10)]
		if !ok {
			if next, ok = m["*"]; !ok {
				return "", false
			}
		}
		node = next
	}
	s, ok := node.(string)
	return s, ok
}
