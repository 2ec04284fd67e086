package daemon

import (
	"context"
	"time"

	"github.com/rsguard/rsguard/apiserver"
)

// SourcePrefixes serves the data of a BCP 38 filter from the peer's filter
// in force now, so it matches what the route server accepts.
func (d *Daemon) SourcePrefixes(ctx context.Context, name string) (apiserver.SourcePrefixes, error) {
	pc, prefixes, err := d.rs.SourcePrefixes(name)
	if err != nil {
		return apiserver.SourcePrefixes{}, apiErr(err)
	}
	return apiserver.SourcePrefixes{Peer: pc.Name, ASN: pc.ASN, ASSet: pc.ASSet, Address: pc.Address,
		Prefixes: prefixes, GeneratedAt: time.Now()}, nil
}
