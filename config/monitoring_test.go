package config

import (
	"strings"
	"testing"
	"time"
)

// FuzzMRTTemplate: every template checkMRTTemplate accepts expands to a
// plain file name its own retention pattern matches, and no other
// template's hidden temporary name (".name.part") ever matches.
func FuzzMRTTemplate(f *testing.F) {
	for _, s := range []string{DefaultMRTTableFile, DefaultMRTUpdatesFile, "rib", "%", "%Y%", "a.%Q", "../x.%Y", ".x.%Y",
		"x%Y%Y", "updates-%H_%M", "%S", "a/b.%Y", "rib.%Y%m%d%H%M%S.mrt"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, tmpl string, sec int64) {
		if checkMRTTemplate(tmpl) != nil {
			return
		}
		at := time.Unix(sec%(1<<34), 0)
		name := MRTFileName(tmpl, at)
		if strings.ContainsAny(name, "/%") || strings.HasPrefix(name, ".") {
			t.Fatalf("%q expands to %q: not a plain file name", tmpl, name)
		}
		re := MRTFilePattern(tmpl)
		if at.UTC().Year() < 10000 && !re.MatchString(name) {
			t.Fatalf("%q: its pattern %s does not match its own name %q", tmpl, re, name)
		}
		if re.MatchString("." + name + ".part") {
			t.Fatalf("%q: pattern matches the temporary name", tmpl)
		}
	})
}
