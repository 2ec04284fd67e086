package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// sessionJSON is what an established session negotiated.
type sessionJSON struct {
	HoldTimeSeconds          int64    `json:"hold_time_seconds"`
	KeepaliveIntervalSeconds int64    `json:"keepalive_interval_seconds"`
	Families                 []string `json:"families"`
	LocalCapabilities        []string `json:"local_capabilities"`
	RemoteCapabilities       []string `json:"remote_capabilities"`
}

type familyCountsJSON struct {
	Family   string `json:"family"`
	Received uint64 `json:"received"`
	Accepted uint64 `json:"accepted"`
	Rejected uint64 `json:"rejected"`
}

func addSessionJSON(out *peerJSON, p *rsguardv1.Peer) {
	if p.LastErrorTime != nil {
		out.LastErrorTime = jsonTime(p.GetLastErrorTime().AsTime())
	}
	if s := p.GetSession(); s != nil {
		out.Session = &sessionJSON{HoldTimeSeconds: int64(s.GetHoldTime().AsDuration() / time.Second),
			KeepaliveIntervalSeconds: int64(s.GetKeepaliveInterval().AsDuration() / time.Second),
			Families:                 s.GetFamilies(), LocalCapabilities: s.GetLocalCapabilities(), RemoteCapabilities: s.GetRemoteCapabilities()}
	}
	out.Families = []familyCountsJSON{}
	for _, f := range p.GetFamilies() {
		out.Families = append(out.Families, familyCountsJSON{Family: f.GetFamily(), Received: f.GetReceived(),
			Accepted: f.GetAccepted(), Rejected: f.GetRejected()})
	}
}

// printSession prints the lines of `rsctl peer show` that explain the
// session: the last error and when, what was negotiated, counts per family.
func printSession(w io.Writer, x *rsguardv1.Peer) {
	lastErr := orDash(x.GetLastError())
	if x.LastErrorTime != nil && x.GetLastError() != "" {
		lastErr += " (at " + humanTime(x.GetLastErrorTime().AsTime()) + ")"
	}
	fmt.Fprintf(w, "last error:   %s\n", lastErr)
	if s := x.GetSession(); s != nil {
		fmt.Fprintf(w, "hold time:    %s (keepalive %s)\n", s.GetHoldTime().AsDuration(), s.GetKeepaliveInterval().AsDuration())
		fmt.Fprintf(w, "families:     %s\n", orDash(strings.Join(s.GetFamilies(), ", ")))
		fmt.Fprintf(w, "capabilities: sent %s\n", orDash(strings.Join(s.GetLocalCapabilities(), ", ")))
		fmt.Fprintf(w, "              received %s\n", orDash(strings.Join(s.GetRemoteCapabilities(), ", ")))
	}
	for _, f := range x.GetFamilies() {
		fmt.Fprintf(w, "  %-11s %d received, %d accepted, %d rejected\n", f.GetFamily()+":", f.GetReceived(), f.GetAccepted(), f.GetRejected())
	}
}
