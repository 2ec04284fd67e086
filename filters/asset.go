package filters

import "strings"

// RFC 9774 deprecates AS_SET and AS_CONFED_SET: an aggregate with a set
// has no verifiable origin (RPKI, IRR), and a confederation segment has no
// business outside its confederation. Routes carrying either are rejected,
// whatever else the peer is allowed to announce.

// setASSet is the common AS-path set that matches any set segment.
const setASSet = "rs-as-set"

// asSetPattern matches GoBGP's string form of an AS path with a set
// segment: AsPathString (pkg/packet/bgp) writes an AS_SET as "{a,b}" and
// an AS_CONFED_SET as "[a,b]", and no other segment uses those brackets.
// It has no "_", so GoBGP uses it as a plain regexp.
const asSetPattern = `[{\[]`

// checkASSetInPath names every set segment of the path.
func checkASSetInPath(r *Route, _ *Settings, _ *Peer) (string, bool) {
	var found []string
	for _, seg := range r.ASPath {
		switch seg.Type {
		case SegSet:
			found = append(found, "AS_SET "+ASPath{seg}.String())
		case SegConfedSet:
			found = append(found, "AS_CONFED_SET "+ASPath{seg}.String())
		}
	}
	if len(found) == 0 {
		return "", false
	}
	return strings.Join(found, ", ") + " in AS path (RFC 9774)", true
}

// addASSetCheck compiles checkASSetInPath into the common policy.
func addASSetCheck(c *Compiled) {
	c.ASPathSets = append(c.ASPathSets, ASPathSetDef{Name: setASSet, Patterns: []string{asSetPattern}})
	for i := range c.Policies {
		if c.Policies[i].Name == CommonPolicy {
			c.Policies[i].Statements = append(c.Policies[i].Statements,
				Statement{Name: "as-set-in-path", Reason: ReasonASSetInPath, ASPathSet: setASSet})
		}
	}
}
