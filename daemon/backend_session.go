package daemon

import (
	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/routeserver"
)

// withSession adds what explains a session: when the last error happened,
// what was negotiated, and the counts per family.
func withSession(out apiserver.Peer, p routeserver.PeerStatus, si routeserver.SessionInfo) apiserver.Peer {
	out.LastErrorTime = p.LastErrorTime
	if out.State == apiserver.PeerStateEstablished && (si.HoldTime > 0 || len(si.LocalCapabilities) > 0) {
		out.Session = &apiserver.PeerSession{HoldTime: si.HoldTime, KeepaliveInterval: si.KeepaliveInterval,
			Families: si.Families, LocalCapabilities: si.LocalCapabilities, RemoteCapabilities: si.RemoteCapabilities}
	}
	for i, name := range [2]string{"ipv4", "ipv6"} {
		c := p.FamilyCounts[i]
		fc := apiserver.PeerFamilyCounts{Family: name, Received: uint64(c.Received), Accepted: uint64(c.Accepted),
			Rejected: uint64(c.Rejected), ByReason: map[string]uint64{}}
		for r, n := range c.ByReason {
			fc.ByReason[r.Name()] = uint64(n)
		}
		out.Families = append(out.Families, fc)
	}
	return out
}
