package daemon

import "github.com/rsguard/rsguard/apiserver"

// withChecksOff adds the checks the peer's config turned off, so `rsctl
// peer show` says a peer's routes are not held to them.
func (d *Daemon) withChecksOff(p apiserver.Peer) apiserver.Peer {
	p.ChecksOff = d.rs.ChecksOff(p.Name)
	return p
}
