package irr

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

func FuzzParseRPSL(f *testing.F) {
	f.Add("route: 45.0.0.0/16\norigin: AS21001\nmnt-by: M\nsource: X\n")
	f.Add("as-set: AS-FOO\nmembers: AS1, AS-BAR\n+ AS2\n\tAS3 # c\nmbrs-by-ref: ANY\nmnt-by: M\nsource: X\n\n*xxte: x\n")
	f.Add("aut-num: as065537\nmember-of: AS-FOO\nmnt-by: M\nsource: X\n\n\n route6: ::/0\n")
	f.Add("route-set: RS-X\nmembers: 45.0.0.0/16^18-20, 2a0a::/16^+, AS1\nmnt-by: M\nsource: X\n")
	f.Fuzz(func(t *testing.T, in string) {
		db := NewDB()
		warns, err := ParseRPSL(strings.NewReader(in), "fuzz", func(o *Object) {
			if o.Class == "" || o.Key == "" || o.Source == "" || o.Line < 1 {
				t.Fatalf("invalid object emitted: %+v", o)
			}
			db.Add(o)
		})
		if err != nil {
			t.Fatalf("in-memory input gave an I/O error: %v", err)
		}
		for _, w := range warns {
			if w.Line < 1 || w.File != "fuzz" {
				t.Fatalf("warning without place: %+v", w)
			}
		}
		// Queries on whatever got in must not panic.
		for name := range db.sets {
			db.RecursiveASNs(name, nil)
			db.RecursiveRouteSet(name, nil)
		}
	})
}

func FuzzWhoisReply(f *testing.F) {
	f.Add([]byte("A6\nAS112\nC\n"))
	f.Add([]byte("A34\n2001:4:112::/48 2620:4f:8000::/48\nC\nD\nC\nF Missing required set name for A query\n"))
	f.Add([]byte("A999999999999\n"))
	f.Add([]byte("A-1\nC\n"))
	f.Add([]byte("E\nX\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		br := bufio.NewReader(bytes.NewReader(in))
		for i := 0; i < 100; i++ {
			r, err := ReadReply(br, 1<<16)
			if err != nil {
				return
			}
			if !strings.ContainsRune("ACDEF", rune(r.Kind)) {
				t.Fatalf("bad kind %q", r.Kind)
			}
			if r.Kind == 'A' {
				// Re-encoding an A answer must parse back to the same data.
				back, err := ReadReply(bufio.NewReader(bytes.NewReader(answerData(r.Data))), 1<<16)
				if err != nil || back.Data != r.Data {
					t.Fatalf("round trip of %q: %q %v", r.Data, back.Data, err)
				}
			}
		}
	})
}
