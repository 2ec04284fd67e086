package config

import "testing"

func TestCommunitiesTable(t *testing.T) {
	if c := mustParse(t, baseGlobal, t.TempDir()); c.Communities.HonourWellKnown {
		t.Error("honour_well_known must default to false (IXP behaviour)")
	}
	c := mustParse(t, baseGlobal+"[communities]\nhonour_well_known = true\n", t.TempDir())
	if !c.Communities.HonourWellKnown {
		t.Error("honour_well_known = true not read")
	}
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	if back := mustParse(t, string(out), t.TempDir()); back.Communities != c.Communities {
		t.Errorf("normalized TOML lost [communities]:\n%s", out)
	}
	for _, tc := range []struct {
		name, doc string
		want      wantErr
	}{
		{"wrong type", baseGlobal + "[communities]\nhonour_well_known = \"yes\" # E\n", wantErr{"# E", "communities.honour_well_known", "want true or false"}},
		{"unknown key", baseGlobal + "[communities]\nhonour_wellknown = true # E\n", wantErr{"# E", "communities.honour_wellknown", "unknown key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), "test.toml", t.TempDir())
			if err == nil {
				t.Fatal("no error")
			}
			checkHasError(t, asErrors(t, err), "test.toml", lineOf(t, tc.doc, tc.want.marker), tc.want.key, tc.want.msg)
		})
	}
}
