package config

import (
	"strconv"
	"strings"
)

// loc names a value twice: path is the lookup key into the position index
// ("peers[1].prefixes[0]"), display is what an operator reads, with the
// peer's name added once it is known ("peers[1] (ix-a).prefixes[0]").
type loc struct {
	path    string
	display string
}

func (l loc) key(k string) loc {
	return loc{path: joinPath(l.path, k), display: joinPath(l.display, k)}
}

func (l loc) index(i int) loc {
	s := "[" + strconv.Itoa(i) + "]"
	return loc{path: l.path + s, display: l.display + s}
}

// named adds a human label, such as the peer name, to the displayed key.
func (l loc) named(name string) loc {
	if name == "" {
		return l
	}
	return loc{path: l.path, display: l.display + " (" + name + ")"}
}

func joinPath(parent, k string) string {
	if parent == "" {
		return k
	}
	return parent + "." + k
}

// parentPath strips the last key or index: "a.b[2]" → "a.b" → "a" → "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}
