package speakers

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// parseBIRDRoutes parses the text of `birdc show route all [...]` (without
// -v reply codes). Layout, as BIRD 2.0 prints it:
//
//	Table master4:
//	45.1.0.0/24          unreachable [a 2026-11-28 15:52:05.438 from 127.60.0.1] * (100) [AS21004i]
//		Type: BGP univ
//		BGP.as_path: 21001 21003 21004
//	                     via 127.60.0.3 on lo [b 2026-11-28 ...] (100) [AS21004i]
//
// A route line starts with its prefix, or with spaces for a further route
// of the same prefix; attribute lines start with a tab.
func parseBIRDRoutes(text string) ([]Route, error) {
	var (
		out    []Route
		table  string
		prefix netip.Prefix
		cur    *Route
		key    string // last attribute, for continuation lines
	)
	for i, line := range strings.Split(text, "\n") {
		lineNo := i + 1
		switch {
		case strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "BIRD ") && strings.HasSuffix(line, " ready."):
		case strings.HasPrefix(line, "Table ") && strings.HasSuffix(line, ":"):
			table = strings.TrimSuffix(strings.TrimPrefix(line, "Table "), ":")
			cur = nil
		case strings.HasPrefix(line, "\t"):
			if cur == nil {
				return nil, fmt.Errorf("line %d: attribute before any route: %q", lineNo, line)
			}
			body := strings.TrimLeft(line, "\t")
			k, v, ok := strings.Cut(body, ": ")
			if !ok && strings.HasSuffix(body, ":") { // empty value, e.g. "BGP.as_path:"
				k, ok = strings.TrimSuffix(body, ":"), true
			}
			switch {
			case strings.HasPrefix(body, "via "):
				// Extra gateway of a multipath route: not tracked.
			case ok && k != "" && !strings.ContainsAny(k, " ()"):
				key = k
				cur.Attrs[k] = strings.TrimSpace(v)
			case key != "":
				// Long attribute values continue on further lines.
				cur.Attrs[key] = strings.TrimSpace(cur.Attrs[key] + " " + strings.TrimSpace(body))
			default:
				return nil, fmt.Errorf("line %d: unexpected attribute line %q", lineNo, line)
			}
		default:
			rest := line
			if !strings.HasPrefix(line, " ") {
				pfx, r, _ := strings.Cut(line, " ")
				p, err := netip.ParsePrefix(pfx)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", lineNo, err)
				}
				prefix, rest = p, r
			} else if !prefix.IsValid() {
				return nil, fmt.Errorf("line %d: route without a prefix: %q", lineNo, line)
			}
			r, err := parseBIRDRouteLine(strings.TrimSpace(rest))
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", lineNo, err)
			}
			r.Table, r.Prefix = table, prefix
			out = append(out, r)
			cur, key = &out[len(out)-1], ""
		}
	}
	for i := range out {
		if err := out[i].fillFromAttrs(); err != nil {
			return nil, fmt.Errorf("route %s from %v: %v", out[i].Prefix, out[i].From, err)
		}
	}
	return out, nil
}

// parseBIRDRouteLine parses "DEST [PROTO TIME( from ADDR)?] (*)? (PREF)...".
func parseBIRDRouteLine(s string) (Route, error) {
	r := Route{Attrs: map[string]string{}}
	open := strings.Index(s, "[")
	closeIdx := strings.Index(s, "]")
	if open < 0 || closeIdx < open {
		return r, fmt.Errorf("no [protocol ...] in route line %q", s)
	}
	dest, inner, after := strings.TrimSpace(s[:open]), s[open+1:closeIdx], s[closeIdx+1:]
	if gw, ok := strings.CutPrefix(dest, "via "); ok {
		gw, _, _ = strings.Cut(gw, " ")
		if a, err := netip.ParseAddr(gw); err == nil {
			r.NextHop = a
		}
	}
	fields := strings.Fields(inner)
	if len(fields) == 0 {
		return r, fmt.Errorf("empty [protocol ...] in route line %q", s)
	}
	r.Protocol = fields[0]
	if _, from, ok := strings.Cut(inner, " from "); ok {
		a, err := netip.ParseAddr(strings.TrimSpace(from))
		if err != nil {
			return r, fmt.Errorf("from address: %v", err)
		}
		r.From = a
	}
	r.Primary = strings.HasPrefix(strings.TrimSpace(after), "*")
	return r, nil
}

// fillFromAttrs derives NextHop and ASPath from the BGP attributes.
func (r *Route) fillFromAttrs() error {
	if v, ok := r.Attrs["BGP.next_hop"]; ok {
		first, _, _ := strings.Cut(v, " ")
		a, err := netip.ParseAddr(first)
		if err != nil {
			return fmt.Errorf("BGP.next_hop %q: %v", v, err)
		}
		r.NextHop = a
	}
	if v, ok := r.Attrs["BGP.as_path"]; ok {
		path, err := parseBIRDASPath(v)
		if err != nil {
			return err
		}
		r.ASPath = path
	}
	return nil
}

// parseBIRDASPath parses "21001 {21005 21006} (21007)": sequences, sets
// and confederation segments, all flattened in order.
func parseBIRDASPath(s string) ([]uint32, error) {
	path := []uint32{}
	for _, f := range strings.Fields(strings.NewReplacer("{", " ", "}", " ", "(", " ", ")", " ").Replace(s)) {
		n, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("BGP.as_path %q: bad ASN %q", s, f)
		}
		path = append(path, uint32(n))
	}
	return path, nil
}

// ProtocolInfo is one row of `birdc show protocols`.
type ProtocolInfo struct {
	Name, Proto, Table string
	State              string    // BIRD's State column: up, start, down, flush
	Since              time.Time // zero if BIRD's time format was not understood
	Info               string    // for BGP: the FSM state (Established, Active, ...) and any error
}

// birdTimeLayout matches `timeformat protocol iso long ms`.
const birdTimeLayout = "2006-01-02 15:04:05.000"

// parseBIRDProtocols parses `birdc show protocols [name]`.
func parseBIRDProtocols(text string) ([]ProtocolInfo, error) {
	var out []ProtocolInfo
	header := false
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0, strings.HasPrefix(line, "BIRD ") && strings.HasSuffix(line, " ready."):
			continue
		case len(f) >= 4 && f[0] == "Name" && f[1] == "Proto":
			header = true
			continue
		case !header:
			return nil, fmt.Errorf("line %d: protocol row before the header: %q", i+1, line)
		case len(f) < 4:
			return nil, fmt.Errorf("line %d: short protocol row %q", i+1, line)
		}
		p := ProtocolInfo{Name: f[0], Proto: f[1], Table: f[2], State: f[3]}
		rest := f[4:]
		if len(rest) >= 2 {
			if t, err := time.ParseInLocation(birdTimeLayout, rest[0]+" "+rest[1], time.Local); err == nil {
				p.Since, rest = t, rest[2:]
			}
		}
		if p.Since.IsZero() && len(rest) >= 1 {
			// Another time format: take one token as the time, unparsed.
			rest = rest[1:]
		}
		p.Info = strings.Join(rest, " ")
		out = append(out, p)
	}
	return out, nil
}
