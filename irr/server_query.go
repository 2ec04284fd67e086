package irr

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// serverVersion is what !v answers; IRRd clients only print it.
const serverVersion = "IRRd -- version 4.4.0 (rsguard)"

func answerData(data string) []byte {
	return []byte(fmt.Sprintf("A%d\n%s\nC\n", len(data)+1, data))
}

func answerF(format string, args ...any) []byte {
	return []byte("F " + fmt.Sprintf(format, args...) + "\n")
}

var (
	answerC = []byte("C\n")
	answerD = []byte("D\n")
)

// answer computes the reply to one query line. closeConn ends the session.
func (s *Server) answer(sess *session, q string) (ans []byte, closeConn bool) {
	if strings.IndexByte(q, 0) >= 0 {
		return answerF("Queries may not contain null bytes"), false
	}
	// "-V agent !query": the agent is accepted and ignored.
	if strings.HasPrefix(q, "-V ") {
		if _, rest, ok := strings.Cut(q[3:], " "); ok && strings.HasPrefix(strings.TrimSpace(rest), "!") {
			q = strings.TrimSpace(rest)
		}
	}
	if q[0] != '!' {
		return s.answerRIPE(sess, q), false
	}
	if len(q) < 2 {
		return answerF("Missing IRRD command"), false
	}
	cmd, param := q[1], strings.TrimSpace(q[2:])
	if strings.ContainsRune("tg6ijmnors", rune(cmd)) && param == "" {
		return answerF("Missing parameter for %c query", cmd), false
	}
	switch cmd {
	case '!':
		sess.multi = true
		return nil, false
	case 'q', 'Q':
		return nil, true
	case 't':
		n, err := strconv.Atoi(param)
		if err != nil || n < 1 || n > 1000 {
			return answerF("Invalid value for timeout: %s", param), false
		}
		sess.idle = secondsDuration(n)
		return answerC, false
	case 'n':
		return answerC, false
	case 'v':
		return answerData(serverVersion), false
	case 's':
		return s.selectSources(sess, param), false
	case 'g', '6':
		asn, err := ParseASN(param)
		if err != nil {
			return answerF("Invalid AS number %s: must start with \"AS\"", param), false
		}
		return prefixAnswer(s.db.OriginPrefixes(asn, cmd == '6', sess.sources)), false
	case 'i':
		return s.setAnswer(sess, param), false
	case 'a':
		return s.aAnswer(sess, param), false
	case 'm':
		class, key, ok := strings.Cut(param, ",")
		if !ok || key == "" {
			return answerF("Invalid argument for object lookup: %s", param), false
		}
		o := s.db.Lookup(class, key, sess.sources)
		if o == nil {
			return answerD, false
		}
		return answerData(o.Text), false
	case 'o':
		objs := s.db.ByMaintainer(param, sess.sources)
		if len(objs) == 0 {
			return answerD, false
		}
		texts := make([]string, len(objs))
		for i, o := range objs {
			texts[i] = o.Text
		}
		return answerData(strings.Join(texts, "\n\n")), false
	case 'r':
		return s.routeSearch(sess, param), false
	}
	return answerF("Unrecognised command: %c", cmd), false
}

func (s *Server) selectSources(sess *session, param string) []byte {
	switch {
	case strings.EqualFold(param, "-lc"):
		return answerData(strings.Join(sess.sources, ","))
	case strings.HasPrefix(param, "-*"):
		return answerC
	}
	var list []string
	for _, src := range strings.Split(param, ",") {
		src = strings.ToUpper(strings.TrimSpace(src))
		if src == "" {
			continue
		}
		if !s.db.HasSource(src) && !slices.Contains(s.opts.Sources, src) {
			return answerF("One or more selected sources are unavailable.")
		}
		list = append(list, src)
	}
	if len(list) == 0 {
		return answerF("One or more selected sources are unavailable.")
	}
	sess.sources = list
	return answerC
}

func prefixAnswer(ps []netip.Prefix) []byte {
	if len(ps) == 0 {
		return answerD
	}
	strs := make([]string, len(ps))
	for i, p := range ps {
		strs[i] = p.String()
	}
	return answerData(strings.Join(strs, " "))
}

func (s *Server) setAnswer(sess *session, param string) []byte {
	name, recursive := param, false
	if n, flag, ok := strings.Cut(param, ","); ok {
		name, recursive = n, strings.TrimSpace(flag) == "1"
	}
	name = strings.TrimSpace(name)
	var toks []string
	switch {
	case !recursive:
		m, ok := s.db.SetMembers(name, sess.sources)
		if !ok {
			return answerD
		}
		toks = m
	case s.db.IsRouteSet(name, sess.sources):
		toks, _ = s.db.RecursiveRouteSet(name, sess.sources)
	default:
		asns, _ := s.db.RecursiveASNs(name, sess.sources)
		for _, a := range asns {
			toks = append(toks, FormatASN(a))
		}
		slices.Sort(toks) // IRRd sorts the answer as strings
	}
	if len(toks) == 0 {
		return answerD
	}
	return answerData(strings.Join(toks, " "))
}

// aAnswer implements !a, !a4 and !a6: recursive as-set expansion, then the
// prefixes of every ASN. The bare "!a" error text is what bgpq4 probes for.
func (s *Server) aAnswer(sess *session, param string) []byte {
	v4, v6 := true, true
	switch {
	case strings.HasPrefix(param, "4"):
		v6, param = false, param[1:]
	case strings.HasPrefix(param, "6"):
		v4, param = false, param[1:]
	}
	param = strings.TrimSpace(param)
	if param == "" {
		return answerF("Missing required set name for A query")
	}
	var asns []uint32
	if asn, err := ParseASN(param); err == nil {
		asns = []uint32{asn}
	} else {
		asns, _ = s.db.RecursiveASNs(param, sess.sources)
	}
	var ps []netip.Prefix
	for _, a := range asns {
		if v4 {
			ps = append(ps, s.db.OriginPrefixes(a, false, sess.sources)...)
		}
		if v6 {
			ps = append(ps, s.db.OriginPrefixes(a, true, sess.sources)...)
		}
	}
	return prefixAnswer(sortPrefixes(ps))
}

// routeSearch implements "!r<prefix>" (exact match objects) and
// "!r<prefix>,o" (origins only).
func (s *Server) routeSearch(sess *session, param string) []byte {
	pfx, opt, _ := strings.Cut(param, ",")
	p, err := ParsePrefix(pfx)
	if err != nil {
		return answerF("Invalid prefix: %s", pfx)
	}
	routes := s.db.routesFor(p, sess.sources)
	switch opt {
	case "":
		var texts []string
		for _, r := range routes {
			class := "route"
			if p.Addr().Is6() {
				class = "route6"
			}
			if o := s.db.Lookup(class, p.String()+FormatASN(r.Origin), []string{r.Source}); o != nil {
				texts = append(texts, o.Text)
			}
		}
		if len(texts) == 0 {
			return answerD
		}
		return answerData(strings.Join(slices.Compact(texts), "\n\n"))
	case "o":
		var toks []string
		for _, r := range routes {
			toks = append(toks, FormatASN(r.Origin))
		}
		toks = slices.Compact(toks)
		if len(toks) == 0 {
			return answerD
		}
		return answerData(strings.Join(toks, " "))
	}
	return answerF("Invalid route search option: %s", opt)
}
