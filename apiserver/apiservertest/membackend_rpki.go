package apiservertest

import (
	"context"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/rpki"
)

// RPKIStatus is the fixture's origin validation: one fresh file, one
// corrupt file still serving its last good set, one cache that is down.
func (b *MemBackend) RPKIStatus(context.Context) (apiserver.RPKIStatus, error) {
	return apiserver.RPKIStatus{Enabled: true, VRPs: 1500, Sources: []rpki.SourceStatus{
		{Kind: "file", Name: "/var/lib/rpki-client/json", VRPs: 1000, Fresh: true},
		{Kind: "file", Name: "/var/lib/routinator/vrps.json", VRPs: 500, Fresh: true,
			Error: "/var/lib/routinator/vrps.json: not a VRP JSON document: unexpected EOF"},
		{Kind: "rtr", Name: "127.0.0.1:3323", Fresh: false, Error: "connection refused"},
	}}, nil
}
