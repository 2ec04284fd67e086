package config

import (
	"path/filepath"
	"testing"
	"time"
)

func TestRPKIErrors(t *testing.T) {
	cases := []struct {
		name  string
		doc   string
		files map[string]string
		want  []wantErr
	}{
		{"unknown key", baseGlobal + "[rpki]\nrtr_servers = [] # E\n",
			nil, []wantErr{{"# E", "rpki.rtr_servers", "unknown key"}}},
		{"missing file", baseGlobal + "[rpki]\nfiles = [\n  \"vrps.json\", # E\n]\n",
			nil, []wantErr{{"# E", "rpki.files[0]", "no such file"}}},
		{"file twice", baseGlobal + "[rpki]\nfiles = [\n  \"v.json\",\n  \"v.json\", # E\n]\n",
			map[string]string{"v.json": "{}"}, []wantErr{{"# E", "rpki.files[1]", "listed twice"}}},
		{"bad cache address", baseGlobal + "[rpki]\nrtr = [\"127.0.0.1\"] # E\n",
			nil, []wantErr{{"# E", "rpki.rtr[0]", `want "host:port"`}}},
		{"cache without host", baseGlobal + "[rpki]\nrtr = [\":3323\"] # E\n",
			nil, []wantErr{{"# E", "rpki.rtr[0]", "needs a host"}}},
		{"cache twice", baseGlobal + "[rpki]\nrtr = [\n  \"127.0.0.1:3323\",\n  \"127.0.0.1:3323\", # E\n]\n",
			nil, []wantErr{{"# E", "rpki.rtr[1]", "listed twice"}}},
		{"route objects without VRPs", baseGlobal + "[rpki]\nuse_roas_as_route_objects = true # E\n",
			nil, []wantErr{{"# E", "rpki.use_roas_as_route_objects", "needs VRPs"}}},
		{"slurm without sources", baseGlobal + "[rpki]\nslurm = \"s.json\" # E\n",
			map[string]string{"s.json": "{}"}, []wantErr{{"# E", "rpki.slurm", "needs VRPs"}}},
		{"poll too short", baseGlobal + "[rpki]\nrtr = [\"127.0.0.1:3323\"]\npoll = \"10ms\" # E\n",
			nil, []wantErr{{"# E", "rpki.poll", "too short"}}},
		{"stale_after not above poll", baseGlobal + "[rpki]\nrtr = [\"127.0.0.1:3323\"]\nstale_after = \"30s\" # E\n",
			nil, []wantErr{{"# E", "rpki.stale_after", "longer than poll"}}},
		{"bad duration", baseGlobal + "[rpki]\nstale_after = \"2 hours\" # E\n",
			nil, []wantErr{{"# E", "rpki.stale_after", ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				writeFile(t, dir, name, content)
			}
			_, err := Parse([]byte(tc.doc), "test.toml", dir)
			if err == nil {
				t.Fatal("no error")
			}
			got := asErrors(t, err)
			if len(got) != len(tc.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(got), len(tc.want), err)
			}
			for _, w := range tc.want {
				checkHasError(t, got, "test.toml", lineOf(t, tc.doc, w.marker), w.key, w.msg)
			}
		})
	}
}

func TestRPKIDefaultsAndPaths(t *testing.T) {
	dir := t.TempDir()
	c, err := Parse([]byte(baseGlobal), "test.toml", dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.RPKI.Enabled() || c.RPKI.StaleAfter != 2*time.Hour || c.RPKI.Poll != 30*time.Second {
		t.Fatalf("defaults: %+v", c.RPKI)
	}
	writeFile(t, dir, "v.json", "{}")
	writeFile(t, dir, "s.json", "{}")
	doc := baseGlobal + "[rpki]\nfiles = [\"v.json\"]\nrtr = [\"[::1]:3323\"]\nslurm = \"s.json\"\nstale_after = \"10m\"\npoll = \"1s\"\n"
	c, err = Parse([]byte(doc), "test.toml", dir)
	if err != nil {
		t.Fatal(err)
	}
	want := RPKI{Files: []string{filepath.Join(dir, "v.json")}, RTR: []string{"[::1]:3323"},
		SLURM: filepath.Join(dir, "s.json"), StaleAfter: 10 * time.Minute, Poll: time.Second}
	if c.RPKI.SLURM != want.SLURM || c.RPKI.Files[0] != want.Files[0] || c.RPKI.RTR[0] != want.RTR[0] ||
		c.RPKI.StaleAfter != want.StaleAfter || c.RPKI.Poll != want.Poll || !c.RPKI.Enabled() {
		t.Fatalf("got %+v, want %+v", c.RPKI, want)
	}
	// The normalized form parses back to the same section.
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(out, "normalized.toml", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if c2.RPKI.SLURM != c.RPKI.SLURM || c2.RPKI.StaleAfter != c.RPKI.StaleAfter || len(c2.RPKI.RTR) != 1 {
		t.Fatalf("round trip: %+v", c2.RPKI)
	}
}
