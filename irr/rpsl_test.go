package irr

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func parseString(t *testing.T, s string) ([]*Object, []Warning) {
	t.Helper()
	var objs []*Object
	w, err := ParseRPSL(strings.NewReader(s), "test.rpsl", func(o *Object) { objs = append(objs, o) })
	if err != nil {
		t.Fatal(err)
	}
	return objs, w
}

func TestParseRPSLSyntax(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		objects  int
		warnings int
		check    func(t *testing.T, objs []*Object)
	}{
		{
			name:    "continuations plus and blank, comments, TABs",
			in:      "as-set:\t\tAS-FOO # trailing\nmembers:\tAS1,\n         AS2\n+        AS3\n# whole-line comment\n% whois comment\nmnt-by: M\nsource: test\n",
			objects: 1,
			check: func(t *testing.T, objs []*Object) {
				o := objs[0]
				if o.Key != "AS-FOO" || o.Source != "TEST" {
					t.Errorf("key/source = %q/%q", o.Key, o.Source)
				}
				if got := o.List("members"); !slices.Equal(got, []string{"AS1", "AS2", "AS3"}) {
					t.Errorf("members = %v", got)
				}
			},
		},
		{
			name:    "several origins",
			in:      "route: 45.0.0.0/16\norigin: AS21001\norigin: as021002\nmnt-by: M\nsource: X\n",
			objects: 1,
			check: func(t *testing.T, objs []*Object) {
				if got := objs[0].Values("origin"); len(got) != 2 {
					t.Errorf("origins = %v", got)
				}
			},
		},
		{
			name:    "leading-zero octet normalised",
			in:      "route: 192.0.02.0/24\norigin: AS21001\nmnt-by: M\nsource: X\n",
			objects: 1,
			check: func(t *testing.T, objs []*Object) {
				if objs[0].Key != "192.0.2.0/24" {
					t.Errorf("key = %q", objs[0].Key)
				}
			},
		},
		{name: "legacy *xx skipped", in: "*xxte: 1.2.3.0/24\norigin: AS1\nsource: X\n", warnings: 1},
		{name: "host bits", in: "route: 45.0.0.1/16\norigin: AS21001\nmnt-by: M\nsource: X\n", warnings: 1},
		{name: "wrong family", in: "route6: 45.0.0.0/16\norigin: AS21001\nmnt-by: M\nsource: X\n", warnings: 1},
		{name: "bad origin", in: "route: 45.0.0.0/16\norigin: 21001\nmnt-by: M\nsource: X\n", warnings: 1},
		{name: "continuation first", in: " foo\nroute: 45.0.0.0/16\n", warnings: 1},
		{name: "blank-only line continues the object", in: "aut-num: AS21001\n   \nmnt-by: M\nsource: X\n", objects: 1},
		{name: "rpki-ov-state discarded", in: "route: 45.0.0.0/16\norigin: AS21001\nmnt-by: M\nsource: X\nrpki-ov-state: valid\n", objects: 1},
		{name: "two objects, CRLF", in: "aut-num: AS1\r\nmnt-by: M\r\nsource: X\r\n\r\naut-num: AS2\r\nmnt-by: M\r\nsource: X\r\n", objects: 2},
		{name: "line too long", in: "aut-num: AS1\nremarks: " + strings.Repeat("x", MaxRPSLLine+10) + "\nmnt-by: M\nsource: X\n\naut-num: AS2\nmnt-by: M\nsource: X\n", objects: 1, warnings: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, w := parseString(t, tc.in)
			if len(objs) != tc.objects || len(w) != tc.warnings {
				t.Fatalf("got %d objects, %d warnings (%v); want %d, %d", len(objs), len(w), w, tc.objects, tc.warnings)
			}
			for _, x := range w {
				if x.File != "test.rpsl" || x.Line < 1 || x.Msg == "" {
					t.Errorf("warning lacks place: %+v", x)
				}
			}
			if tc.check != nil {
				tc.check(t, objs)
			}
		})
	}
}

func classCounts(objs []*Object) map[string]int {
	c := map[string]int{}
	for _, o := range objs {
		c[o.Class]++
	}
	return c
}

func TestParseIRRdSamples(t *testing.T) {
	objs, warns, err := ParseFile(sharedFile(t, "rpsl/irrd-rpsl-samples.rpsl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 19 || len(warns) != 0 {
		t.Fatalf("got %d objects, warnings %v; want 19 and none", len(objs), warns)
	}
	byClass := map[string]*Object{}
	for _, o := range objs {
		byClass[o.Class] = o
	}
	if got := byClass["aut-num"].Key; got != "AS65537" {
		t.Errorf("aut-num as065537 key = %q, want AS65537", got)
	}
	if got := byClass["route"].Key; got != "192.0.2.0/24" {
		t.Errorf("route key = %q", got)
	}
	if got := byClass["route"].Values("rpki-ov-state"); got != nil {
		t.Errorf("rpki-ov-state kept: %v", got)
	}
	if got := byClass["as-set"].List("members"); !slices.Equal(got, []string{"AS65538", "AS65539", "AS65537", "AS-OTHERSET"}) {
		t.Errorf("as-set members = %v", got)
	}
	if got := byClass["aut-num"].First("descr"); got != "description\nfoo" {
		t.Errorf("descr with + continuation = %q", got)
	}
	db := NewDB()
	for _, o := range objs {
		db.Add(o)
	}
	if m, ok := db.SetMembers("rs-test", nil); !ok || !slices.Equal(m, []string{"192.0.2.0/24", "2001:db8::/48", "RS-OTHER-SET"}) {
		t.Errorf("RS-TEST members (with member-of claim) = %v %v", m, ok)
	}
	if ps := db.OriginPrefixes(65537, true, nil); len(ps) != 1 || ps[0].String() != "2001:db8::/48" {
		t.Errorf("route6 of AS65537 = %v", ps)
	}
}

func TestParseIRRdInvalidSamples(t *testing.T) {
	files, err := filepath.Glob(sharedFile(t, "rpsl/irrd-rpsl-samples-invalid/*.rpsl"))
	if err != nil || len(files) != 11 {
		t.Fatalf("want 11 invalid samples, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			objs, warns, err := ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) == 0 {
				t.Fatalf("no warning for %s", f)
			}
			// malformed_empty_line splits into two paragraphs: both bad.
			if len(objs) != 0 {
				t.Errorf("accepted %d objects: %+v", len(objs), objs[0])
			}
			for _, w := range warns {
				if w.File != f || w.Line < 1 {
					t.Errorf("warning without place: %+v", w)
				}
			}
		})
	}
}

func TestParseRIPETestDB(t *testing.T) {
	objs, warns, err := ParseFile(sharedFile(t, "rpsl/ripe-whois-TEST.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := classCounts(objs)
	if len(objs) != 220 || len(warns) != 0 || c["aut-num"] != 34 || c["mntner"] != 40 || c["as-set"] != 1 {
		t.Fatalf("got %d objects %v, warnings %v", len(objs), c, warns)
	}
	db := NewDB()
	for _, o := range objs {
		db.Add(o)
	}
	m, ok := db.SetMembers("as-set-attendees", nil)
	if !ok || len(m) != 30 {
		t.Errorf("AS-set-attendees (TAB separated) has %d members: %v", len(m), m)
	}
}

func TestParseGRSGzip(t *testing.T) {
	want := map[string]map[string]int{
		"ripe.test.gz":    {"as-block": 2},
		"apnic.test.gz":   {"as-block": 2},
		"afrinic.test.gz": {"as-block": 3, "inetnum": 2},
		"radb.test.gz":    {"aut-num": 1, "route": 1},
		"jpirr.test.gz":   {"route": 1, "as-set": 1},
	}
	legacy := map[string]int{"radb.test.gz": 1, "jpirr.test.gz": 1}
	for name, wantCounts := range want {
		t.Run(name, func(t *testing.T) {
			objs, warns, err := ParseFile(sharedFile(t, "rpsl/ripe-whois-grs/"+name))
			if err != nil {
				t.Fatal(err)
			}
			got := classCounts(objs)
			for k, v := range wantCounts {
				if got[k] != v {
					t.Errorf("%s: %d, want %d (all %v)", k, got[k], v, got)
				}
			}
			if len(warns) != legacy[name] {
				t.Errorf("warnings %v, want %d (legacy *xx objects)", warns, legacy[name])
			}
		})
	}
}

func TestParseDN42Dump(t *testing.T) {
	db := dn42DB(t)
	want := map[string]int{"route": 2311, "route6": 2132, "as-set": 92, "aut-num": 2981, "route-set": 2}
	got := db.Counts()
	total := 0
	for _, v := range got {
		total += v
	}
	if total != 7518 {
		t.Errorf("total objects %d, want 7518", total)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d", k, got[k], v)
		}
	}
	// Multi-origin route objects index every origin.
	multi := 0
	for _, rs := range db.routes {
		multi += len(rs)
	}
	if multi <= 2311+2132 {
		t.Errorf("route entries %d: multi-origin objects not indexed per origin", multi)
	}
	for _, w := range db.Warnings {
		if !strings.Contains(w.Msg, "max-length") && !strings.Contains(w.Msg, "member") {
			t.Errorf("unexpected warning: %v", w)
		}
	}
}

func TestParseOtherSharedFiles(t *testing.T) {
	for _, f := range []string{"rpsl/AS3257.aut-num.rpsl", "rpsl/irrtoolset-private_irr_objects.rpsl"} {
		objs, warns, err := ParseFile(sharedFile(t, f))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d objects, %d warnings", f, len(objs), len(warns))
		if f == "rpsl/AS3257.aut-num.rpsl" && (len(objs) != 1 || len(objs[0].Values("import")) != 2916) {
			t.Errorf("AS3257: %d objects", len(objs))
		}
	}
	if _, _, err := ParseFile(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}
