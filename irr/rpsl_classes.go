package irr

import (
	"fmt"
	"regexp"
	"strings"
)

// knownClasses are the RPSL classes IRRd and the RIPE database know. Objects
// of other classes are skipped with a warning (IRRd refuses them too).
var knownClasses = map[string]bool{
	"as-block": true, "as-set": true, "aut-num": true, "domain": true,
	"filter-set": true, "inet-rtr": true, "inet6num": true, "inetnum": true,
	"irt": true, "key-cert": true, "mntner": true, "organisation": true,
	"peering-set": true, "person": true, "role": true, "route": true,
	"route-set": true, "route6": true, "rtr-set": true, "poem": true,
	"poetic-form": true, "dictionary": true, "repository": true,
}

// Attributes shared by every class.
var commonAttrs = []string{
	"descr", "remarks", "notify", "mnt-by", "changed", "source", "admin-c",
	"tech-c", "org", "created", "last-modified", "country",
}

// classAttrs lists the attributes accepted for the classes we index. An
// unknown attribute there means the object is probably garbled, so it is
// skipped (as IRRd does). Other classes are stored without this check.
var classAttrs = map[string]map[string]bool{
	"route": attrSet("route", "origin", "holes", "member-of", "inject", "aggr-mtd",
		"aggr-bndry", "export-comps", "components", "mnt-lower", "mnt-routes",
		"pingable", "ping-hdl", "max-length", "geoidx", "roa-uri", "geofeed"),
	"route6": attrSet("route6", "origin", "holes", "member-of", "inject", "aggr-mtd",
		"aggr-bndry", "export-comps", "components", "mnt-lower", "mnt-routes",
		"pingable", "ping-hdl", "max-length", "geoidx", "roa-uri", "geofeed"),
	"aut-num": attrSet("aut-num", "as-name", "member-of", "import", "export",
		"mp-import", "mp-export", "import-via", "export-via", "default",
		"mp-default", "mnt-routes", "mnt-lower", "sponsoring-org", "status",
		"abuse-c", "geo-loc", "irt", "abuse-mailbox"),
	"as-set": attrSet("as-set", "members", "mp-members", "mbrs-by-ref",
		"member-of", "mnt-lower", "as-name"),
	"route-set": attrSet("route-set", "members", "mp-members", "mbrs-by-ref",
		"member-of", "mnt-lower"),
}

func attrSet(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range append(names, commonAttrs...) {
		m[n] = true
	}
	return m
}

// Attributes that must not repeat.
var singleAttrs = map[string]bool{"source": true, "max-length": true, "as-name": true}

// Attributes every indexed object needs besides its class and source.
var mandatoryAttrs = map[string][]string{
	"route":     {"origin", "mnt-by"},
	"route6":    {"origin", "mnt-by"},
	"aut-num":   {"mnt-by"},
	"as-set":    {"mnt-by"},
	"route-set": {"mnt-by"},
}

var sourceRE = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// buildObject validates a paragraph. A nil *Warning means the object is
// good; otherwise the warning says why it was skipped.
func buildObject(p *paragraph, file string) (*Object, *Warning) {
	first := p.attrs[0]
	warn := func(line int, format string, args ...any) *Warning {
		return &Warning{File: file, Line: line, Msg: fmt.Sprintf("%s %q: ", first.Name, truncate(first.Value, 60)) + fmt.Sprintf(format, args...)}
	}
	if strings.HasPrefix(first.Name, "*xx") {
		return nil, warn(first.Line, "legacy %s pseudo-object ignored", first.Name)
	}
	if !knownClasses[first.Name] {
		return nil, warn(first.Line, "unknown object class")
	}
	o := &Object{Class: first.Name, Key: first.Value, Attrs: p.attrs, File: file, Line: first.Line, Text: strings.Join(p.text, "\n")}
	if o.Key == "" {
		return nil, warn(first.Line, "empty primary key")
	}
	seen := map[string]int{}
	allowed := classAttrs[o.Class]
	for i, a := range p.attrs {
		if strings.HasPrefix(a.Name, "*") {
			return nil, warn(a.Line, "malformed attribute name %q", a.Name)
		}
		if i > 0 && a.Name == o.Class {
			return nil, warn(a.Line, "class attribute %q repeated", a.Name)
		}
		if allowed != nil && !allowed[a.Name] {
			return nil, warn(a.Line, "unknown attribute %q for class %s", a.Name, o.Class)
		}
		seen[a.Name]++
		if singleAttrs[a.Name] && seen[a.Name] > 1 {
			return nil, warn(a.Line, "attribute %q given more than once", a.Name)
		}
	}
	src := o.First("source")
	if src == "" {
		return nil, warn(first.Line, "missing source attribute")
	}
	if !sourceRE.MatchString(src) {
		return nil, warn(first.Line, "invalid source %q", src)
	}
	o.Source = strings.ToUpper(src)
	for _, m := range mandatoryAttrs[o.Class] {
		if seen[m] == 0 {
			return nil, warn(first.Line, "missing mandatory attribute %q", m)
		}
	}
	if err := checkKey(o); err != nil {
		return nil, warn(first.Line, "%v", err)
	}
	return o, nil
}

// checkKey validates and canonicalises the primary key of indexed classes.
func checkKey(o *Object) error {
	switch o.Class {
	case "route", "route6":
		p, err := ParsePrefix(o.Key)
		if err != nil {
			return err
		}
		if p.Addr().Is4() != (o.Class == "route") {
			return fmt.Errorf("prefix %s has the wrong address family for %s", p, o.Class)
		}
		o.Key = p.String()
		for _, v := range o.Values("origin") {
			if _, err := ParseASN(v); err != nil {
				return fmt.Errorf("origin: %v", err)
			}
		}
	case "aut-num":
		asn, err := ParseASN(o.Key)
		if err != nil {
			return err
		}
		o.Key = FormatASN(asn)
	case "as-set":
		if !validSetName(o.Key, "AS-") {
			return fmt.Errorf("invalid as-set name %q", o.Key)
		}
		o.Key = strings.ToUpper(o.Key)
	case "route-set":
		if !validSetName(o.Key, "RS-") {
			return fmt.Errorf("invalid route-set name %q", o.Key)
		}
		o.Key = strings.ToUpper(o.Key)
	}
	return nil
}

// validSetName checks a (possibly hierarchical) set name: components split
// by ":", each an ASN or a set name, at least one with the class prefix.
func validSetName(name, prefix string) bool {
	hasPrefix := false
	for _, c := range strings.Split(name, ":") {
		if c == "" {
			return false
		}
		if strings.HasPrefix(strings.ToUpper(c), prefix) && len(c) > len(prefix) {
			hasPrefix = true
			for i := 0; i < len(c); i++ {
				ch := c[i]
				if !(ch == '-' || ch == '_' || ch == '.' || (ch >= '0' && ch <= '9') || (ch|0x20 >= 'a' && ch|0x20 <= 'z')) {
					return false
				}
			}
			continue
		}
		if !isASNToken(c) && !strings.HasPrefix(strings.ToUpper(c), "AS-") && !strings.HasPrefix(strings.ToUpper(c), "RS-") {
			return false
		}
	}
	return hasPrefix
}

// isSetName reports whether a member token names a set rather than an ASN
// or prefix: bgpq4 treats a token as a set when it contains "-" or ":".
func isSetName(tok string) bool {
	if isASNToken(tok) || strings.Contains(tok, "/") {
		return false
	}
	return strings.ContainsAny(tok, "-:")
}
