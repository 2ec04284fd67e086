package irr

import (
	"slices"
	"strings"
	"time"
)

func secondsDuration(n int) time.Duration { return time.Duration(n) * time.Second }

const ripeNoEntries = "%  No entries found for the selected source(s).\n\n\n"

// answerRIPE implements the small subset of RIPE-style queries an IRR
// client falls back to: -k (keep open), -s sources, -T classes, -K (ignored:
// whole objects are returned), -i origin|member-of|mnt-by <value>, and a
// plain key lookup over the indexed classes.
func (s *Server) answerRIPE(sess *session, q string) []byte {
	fields := strings.Fields(q)
	var classes []string
	inverse := ""
	var key []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		switch {
		case f == "-k":
			sess.multi = true
		case f == "-K", f == "-r", f == "-F":
		case f == "-a":
			sess.sources = s.opts.Sources
		case (f == "-s" || f == "-T" || f == "-i" || f == "-V") && i+1 < len(fields):
			i++
			switch f {
			case "-s":
				if ans := s.selectSources(sess, fields[i]); string(ans) != string(answerC) {
					return []byte("%% ERROR: One or more selected sources are unavailable.\n\n\n")
				}
			case "-T":
				classes = strings.Split(strings.ToLower(fields[i]), ",")
			case "-i":
				inverse = strings.ToLower(fields[i])
			}
		case strings.HasPrefix(f, "-"):
			return []byte("%% ERROR: Unsupported flag " + f + "\n\n\n")
		default:
			key = append(key, f)
		}
	}
	if len(key) == 0 {
		return []byte(ripeNoEntries) // IRRd answers even a bare -k this way
	}
	value := strings.Join(key, " ")
	var objs []*Object
	switch inverse {
	case "origin":
		asn, err := ParseASN(value)
		if err != nil {
			return []byte("%% ERROR: Invalid AS number\n\n\n")
		}
		for _, r := range s.db.Routes(asn, sess.sources) {
			class := "route"
			if r.Prefix.Addr().Is6() {
				class = "route6"
			}
			if o := s.db.Lookup(class, r.Prefix.String()+FormatASN(asn), []string{r.Source}); o != nil {
				objs = append(objs, o)
			}
		}
	case "mnt-by":
		objs = s.db.ByMaintainer(value, sess.sources)
	case "member-of":
		for _, o := range s.db.ByMemberOf(value, sess.sources) {
			objs = append(objs, o)
		}
	case "":
		for _, class := range []string{"as-set", "route-set", "aut-num", "mntner"} {
			if o := s.db.Lookup(class, value, sess.sources); o != nil {
				objs = append(objs, o)
			}
		}
		if p, err := ParsePrefix(value); err == nil {
			for _, r := range s.db.routesFor(p, sess.sources) {
				class := "route"
				if p.Addr().Is6() {
					class = "route6"
				}
				if o := s.db.Lookup(class, p.String()+FormatASN(r.Origin), []string{r.Source}); o != nil {
					objs = append(objs, o)
				}
			}
		}
	default:
		return []byte("%% ERROR: Unsupported inverse attribute " + inverse + "\n\n\n")
	}
	var texts []string
	seen := map[*Object]bool{}
	for _, o := range objs {
		if seen[o] || (len(classes) > 0 && !slices.Contains(classes, o.Class)) {
			continue
		}
		seen[o] = true
		texts = append(texts, o.Text)
	}
	if len(texts) == 0 {
		return []byte(ripeNoEntries)
	}
	return []byte(strings.Join(texts, "\n\n") + "\n\n\n")
}
