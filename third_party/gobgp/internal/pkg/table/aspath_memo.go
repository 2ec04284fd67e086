package table

import "github.com/osrg/gobgp/v3/pkg/packet/bgp"

// asPathMemo keeps the forms AS-path conditions match against, the AS
// numbers of the AS_SEQUENCE segments and the AS_PATH as text, for all
// the conditions evaluated with one PolicyOptions. Every AS-path
// condition built them again: a route server's import policy has several
// (bogon ASNs, never via route servers, first AS, origins, AS_SET) and
// its export policy one per client (the loop check), and each rendered
// the AS_PATH as a new string or list. The memo is keyed by the AS_PATH
// attribute object: the routes of one UPDATE share it, a path's
// attributes do not change in place (actions set a new attribute), and
// the memo holds the object, so its address is not reused while it is
// the key.
type asPathMemo struct {
	attr     *bgp.PathAttributeAsPath
	haveSeq  bool
	haveText bool
	seq      []uint32 // GetAsSeqList; read only, reused for the next key
	text     string   // GetAsString
}

func (m *asPathMemo) key(path *Path) *bgp.PathAttributeAsPath {
	a := path.GetAsPath()
	if a != m.attr || m.attr == nil {
		// nil (no AS_PATH) is not a key: an empty form is cheap
		m.attr, m.haveSeq, m.haveText = a, false, false
	}
	return a
}

// asSeqList is path.GetAsSeqList(), shared: callers must not change it.
func (o *PolicyOptions) asSeqList(path *Path) []uint32 {
	if o == nil {
		return path.GetAsSeqList()
	}
	m := &o.asPath
	if m.key(path) == nil || !m.haveSeq {
		m.seq = path.appendAsSeq(m.seq[:0])
		m.haveSeq = m.attr != nil
	}
	return m.seq
}

// asString is path.GetAsString().
func (o *PolicyOptions) asString(path *Path) string {
	if o == nil {
		return path.GetAsString()
	}
	m := &o.asPath
	if m.key(path) == nil || !m.haveText {
		m.text = path.GetAsString()
		m.haveText = m.attr != nil
	}
	return m.text
}

// Renew makes o the options of another path filtered for the peer of
// info: every field as a new PolicyOptions{Info: info} has it, but the
// memos, which are keyed by what they describe and so stay valid from
// path to path (a caller filtering many paths reuses one PolicyOptions).
func (o *PolicyOptions) Renew(info *PeerInfo) {
	o.Info, o.OldNextHop, o.Validate = info, nil, nil
}
