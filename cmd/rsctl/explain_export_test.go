package main

import (
	"strings"
	"testing"
)

// TestExplainCommunities: --community / --large-community reach the
// server, and the answer says which peers would get the route and how.
// The fixture has ix-a (AS21001) and ix-b (AS21002); RS is AS21000.
func TestExplainCommunities(t *testing.T) {
	c, _ := newCLI(t)
	var v map[string]any
	decode(t, c.mustRun("explain", "45.3.0.0/24", "--peer", "ix-a", "--community", "0:21002,21001:7", "--json").stdout, &v)
	if v["verdict"] != "accept" || strings.Join(toStrings(v["communities"]), " ") != "0:21002 21001:7" {
		t.Fatalf("explain = %v", v)
	}
	ex := v["exports"].([]any)
	if len(ex) != 1 {
		t.Fatalf("exports = %v", ex)
	}
	b := ex[0].(map[string]any)
	wantKeys(t, "export", b, "peer", "peer_asn", "sent", "rule", "prepend", "communities", "large_communities")
	if b["peer"] != "ix-b" || b["sent"] != false || !strings.Contains(b["rule"].(string), "0:21002") {
		t.Errorf("export to ix-b = %v", b)
	}

	decode(t, c.mustRun("explain", "45.3.0.0/24", "--peer", "ix-a", "--large-community", "21000:102:21002",
		"--community", "no_export", "--json").stdout, &v)
	b = v["exports"].([]any)[0].(map[string]any)
	if b["sent"] != true || b["prepend"] != float64(2) || strings.Join(toStrings(b["communities"]), " ") != "65535:65281" ||
		len(toStrings(b["large_communities"])) != 0 {
		t.Errorf("prepend + NO_EXPORT passed through: %v", b)
	}

	out := c.mustRun("explain", "45.3.0.0/24", "--peer", "ix-a", "--large-community", "21000:0:21002").stdout
	for _, want := range []string{"communities: 21000:0:21002", "TO PEER", "ix-b", "21002", "no", "do not announce to AS21002"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	for _, bad := range [][]string{{"--community", "1:2:3"}, {"--community", "65536:1"}, {"--large-community", "1:2"}} {
		r := c.run(append([]string{"explain", "45.3.0.0/24", "--peer", "ix-a"}, bad...)...)
		if r.code != 2 || !strings.Contains(r.stderr, bad[0]) {
			t.Errorf("%v: exit %d, stderr %q; want a usage error naming the flag", bad, r.code, r.stderr)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
