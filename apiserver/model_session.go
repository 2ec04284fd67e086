package apiserver

import (
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// PeerSession is what an established session negotiated.
type PeerSession struct {
	HoldTime, KeepaliveInterval           time.Duration
	Families                              []string // multiprotocol families both sides sent
	LocalCapabilities, RemoteCapabilities []string
}

// PeerFamilyCounts are a peer's route counts of one family.
type PeerFamilyCounts struct {
	Family                       string // "ipv4" or "ipv6"
	Received, Accepted, Rejected uint64
	ByReason                     map[string]uint64 // rejected routes per reason name (metrics only)
}

// sessionStateToProto fills the fields that explain a session (issue 10).
func sessionStateToProto(p Peer, out *rsguardv1.Peer) {
	if !p.LastErrorTime.IsZero() {
		out.LastErrorTime = timeToProto(p.LastErrorTime)
	}
	if s := p.Session; s != nil {
		out.Session = &rsguardv1.PeerSession{HoldTime: durationToProto(s.HoldTime),
			KeepaliveInterval: durationToProto(s.KeepaliveInterval), Families: s.Families,
			LocalCapabilities: s.LocalCapabilities, RemoteCapabilities: s.RemoteCapabilities}
	}
	for _, f := range p.Families {
		out.Families = append(out.Families, &rsguardv1.PeerFamilyCounts{Family: f.Family,
			Received: f.Received, Accepted: f.Accepted, Rejected: f.Rejected})
	}
}
