package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: Parse never panics or hangs; whatever it accepts normalizes,
// and the normalized form is accepted again. The example config is a seed,
// so new inputs are large: run with -fuzzminimizetime=1s or the workers
// spend most of a short run minimizing.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("..", "configs", "rsguard.example.toml")); err == nil {
		f.Add(data)
	}
	seeds := []string{
		baseGlobal,
		baseGlobal + "[[peers]]\nname = \"a\"\naddress = \"127.0.0.2\"\nasn = 21001\nprefixes = [\"45.0.0.0/8+\"]\n",
		"peers = [{name = \"a\", address = \"::1\", asn = 1}]\n[global]\nasn = 2\nrouter_id = \"1.2.3.4\"\n",
		"[dampening]\nhalf_life = \"1ns\"\nsuppress = 1e300\n",
		"a = \"\"\"\n[[x]]\"\"\"\n[[x]]\n[x.y]\nz = [[1], {a = 1}]\n",
		"[irr]\nservers = [\"[::1]\", \"h:0\"]\nmax_shrink = nan\n",
		"[[peers]]\npassword_file = \"/\"\n",
		baseGlobal + "[filters]\nnext_hop = \"same-as\"\n[[peers]]\nname = \"a\"\naddress = \"127.0.0.2\"\nasn = 21001\nipv6_address = \"2a0a:1::2\"\naddresses = [\"127.0.0.12\", \"::ffff:127.0.0.13\"]\nfamilies = [\"ipv4\", \"ipv6\"]\n",
		baseGlobal + "[[peers]]\nname = \"a\"\naddress = \"2a0a:1::2\"\nasn = 21001\nipv4_address = \"127.0.0.2\"\nnext_hop = \"authorized\"\nauthorized_next_hops = []\nfamilies = [\"ipv4\"]\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.toml", dir)
		if err != nil {
			if c != nil {
				t.Fatal("Parse returned a config and an error")
			}
			_ = err.Error()
			return
		}
		out, err := c.NormalizedTOML()
		if err != nil {
			t.Fatalf("accepted config does not normalize: %v", err)
		}
		if _, err := Parse(out, "normalized.toml", dir); err != nil {
			t.Fatalf("normalized form rejected: %v\n--- input:\n%s\n--- normalized:\n%s", err, data, out)
		}
	})
}

// FuzzIndexPositions: the line scanner terminates on any input, valid TOML
// or not, and only records lines that exist.
func FuzzIndexPositions(f *testing.F) {
	for _, s := range []string{"[a]\nb = 1\n", "[[a]]\n[[a.b]]\nc = [1,\n2]\n", "x = '''\n''''", "{[\"", "a = [\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		lines := 1
		for i := 0; i < len(doc); i++ {
			if doc[i] == '\n' {
				lines++
			}
		}
		for path, l := range indexPositions(doc) {
			if l < 1 || l > lines {
				t.Fatalf("%s: line %d outside 1..%d", path, l, lines)
			}
		}
	})
}

func FuzzParseASSet(f *testing.F) {
	for _, s := range []string{"AS-FOO", "RIPE::AS1:AS-X", "AS4294967295", "as-a:as-b:as1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := ParseASSet(s)
		if err != nil {
			return
		}
		// Normalizing is idempotent.
		if again, err := ParseASSet(name); err != nil || again != name {
			t.Fatalf("ParseASSet(%q) = %q, but that gives %q, %v", s, name, again, err)
		}
	})
}
