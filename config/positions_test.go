package config

import (
	"testing"
)

func TestIndexPositions(t *testing.T) {
	doc := `# [[peers]] in a comment does not count
top = 1                          # L2
[global]                         # L3
asn = 21000                      # L4
"quoted.key" = "x"               # L5
a.b.c = 1                        # L6
[[peers]]                        # L7
name = "a"                       # L8
desc = """
[[peers]]
name = "fake" """                # L11
prefixes = [                     # L12
  "45.0.0.0/8", # comment, with ] and [
  # a comment line
  "45.1.0.0/16",                 # L15
]
[peers.sub]                      # L17
x = 1                            # L18
[[peers]]                        # L19
name = 'b'                       # L20
lit = '''
]'''                             # L22
inline = { k = 1, nested = { m = [1, 2] } }  # L23
[[peers.sessions]]               # L24
n = 1                            # L25
[[peers.sessions]]               # L26
n = 2                            # L27
[[peers]]                        # L28
[[peers.sessions]]               # L29
arr = [[1, 2], [3,               # L30
  4]]                            # L31
`
	pos := indexPositions(doc)
	want := map[string]int{
		"top":                            2,
		"global":                         3,
		"global.asn":                     4,
		"global.quoted.key":              5,
		"global.a":                       6,
		"global.a.b.c":                   6,
		"peers":                          7,
		"peers[0]":                       7,
		"peers[0].name":                  8,
		"peers[0].desc":                  9,
		"peers[0].prefixes":              12,
		"peers[0].prefixes[0]":           13,
		"peers[0].prefixes[1]":           15,
		"peers[0].sub":                   17,
		"peers[0].sub.x":                 18,
		"peers[1]":                       19,
		"peers[1].name":                  20,
		"peers[1].lit":                   21,
		"peers[1].inline":                23,
		"peers[1].inline.k":              23,
		"peers[1].inline.nested.m[1]":    23,
		"peers[1].sessions[0]":           24,
		"peers[1].sessions[0].n":         25,
		"peers[1].sessions[1].n":         27,
		"peers[2]":                       28,
		"peers[2].sessions[0]":           29,
		"peers[2].sessions[0].arr[1]":    30,
		"peers[2].sessions[0].arr[1][1]": 31,
	}
	for path, line := range want {
		if got := pos[path]; got != line {
			t.Errorf("%s: line %d, want %d", path, got, line)
		}
	}
	if _, ok := pos["peers[3]"]; ok {
		t.Error("a [[peers]] inside a string or comment was counted")
	}
	// Lookup falls back to the nearest written parent.
	if got := pos.line("peers[1].sessions[0].missing"); got != 24 {
		t.Errorf("fallback line = %d, want 24", got)
	}
	if got := pos.line("nowhere"); got != 0 {
		t.Errorf("unknown path line = %d, want 0", got)
	}
}

func TestParentPath(t *testing.T) {
	for in, want := range map[string]string{
		"a.b[2]":     "a.b",
		"a.b":        "a",
		"a":          "",
		"peers[1].x": "peers[1]",
		"arr[1][2]":  "arr[1]",
		"":           "",
	} {
		if got := parentPath(in); got != want {
			t.Errorf("parentPath(%q) = %q, want %q", in, got, want)
		}
	}
}
