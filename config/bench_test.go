package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkParseExample(b *testing.B) {
	path := filepath.Join("..", "configs", "rsguard.example.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("example config: %v", err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, path, filepath.Dir(path)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse1000Peers sizes a large IXP: parsing must stay linear in
// the number of peers (duplicate checks, line lookups).
func BenchmarkParse1000Peers(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(baseGlobal)
	for i := range 1000 {
		fmt.Fprintf(&sb, "\n[[peers]]\nname = \"peer-%d\"\naddress = \"127.%d.%d.%d\"\nasn = %d\npassword = \"pw\"\nprefixes = [\"45.%d.%d.0/24\"]\n",
			i, 1+i>>16&255, i>>8&255, i&255, 21001+i, i>>8&255, i&255)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, err := Parse(data, "big.toml", "")
		if err != nil {
			b.Fatal(err)
		}
		if len(c.Peers) != 1000 {
			b.Fatalf("%d peers", len(c.Peers))
		}
	}
}
