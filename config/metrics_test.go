package config

import (
	"strings"
	"testing"
)

// TestMetricsKeys: [metrics] is off by default, decodes listen and
// advertised, round-trips through the normalized config, and refuses a bad
// listen value naming file, line and key.
func TestMetricsKeys(t *testing.T) {
	if c := mustParse(t, baseGlobal, t.TempDir()); c.Metrics != (Metrics{}) {
		t.Fatalf("default %+v, want off", c.Metrics)
	}
	if c := mustParse(t, baseGlobal+"[metrics]\nlisten = \"\"\n", t.TempDir()); c.Metrics.Listen != "" {
		t.Fatalf("listen = \"\" gave %+v, want off", c.Metrics)
	}
	doc := baseGlobal + "[metrics]\nlisten = \"127.0.0.1:9179\"\nadvertised = true\n"
	c := mustParse(t, doc, t.TempDir())
	if c.Metrics != (Metrics{Listen: "127.0.0.1:9179", Advertised: true}) {
		t.Fatalf("got %+v", c.Metrics)
	}
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	if back := mustParse(t, string(out), t.TempDir()); back.Metrics != c.Metrics {
		t.Fatalf("round trip %+v\n%s", back.Metrics, out)
	}
	for _, bad := range []struct{ value, want string }{
		{`"9179"`, "not host:port"},
		{`":9179"`, "give the address"},
		{`"127.0.0.1:0"`, "port must be"},
		{`"127.0.0.1:http"`, "port must be"},
		{`9179`, "listen"},
	} {
		doc := baseGlobal + "[metrics]\nlisten = " + bad.value + "\n"
		_, err := Parse([]byte(doc), "test.toml", t.TempDir())
		if err == nil {
			t.Fatalf("listen = %s accepted", bad.value)
		}
		errs := asErrors(t, err)
		if errs[0].Line != lineOf(t, doc, "listen =") || !strings.Contains(errs[0].Error(), bad.want) || !strings.Contains(errs[0].Error(), "listen") {
			t.Errorf("listen = %s: %v (line %d), want %q", bad.value, errs[0], errs[0].Line, bad.want)
		}
	}
	if _, err := Parse([]byte(baseGlobal+"[metrics]\nlisten_on = \"127.0.0.1:1\"\n"), "test.toml", t.TempDir()); err == nil {
		t.Fatal("unknown key in [metrics] accepted")
	}
}
