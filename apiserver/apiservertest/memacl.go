package apiservertest

import (
	"context"
	"net/netip"
	"slices"

	"github.com/rsguard/rsguard/apiserver"
)

// memSourcePrefixes is the fixture's allowed-prefix data: ix-a has IRR
// prefixes of both families that overlap and merge; ix-b has none (its
// AS-SET expansion is held back), so a filter for it must be refused.
var memSourcePrefixes = map[string][]netip.Prefix{
	"ix-a": {
		netip.MustParsePrefix("45.1.0.0/24"), netip.MustParsePrefix("45.65.0.0/22"),
		netip.MustParsePrefix("45.65.1.0/24"), netip.MustParsePrefix("45.65.4.0/22"),
		netip.MustParsePrefix("2a0a:1::/32"), netip.MustParsePrefix("2a0a:4580::/29"),
	},
}

// SourcePrefixes answers from the fixture; the AS-SET comes from the IRR
// state and the time is Epoch.
func (b *MemBackend) SourcePrefixes(_ context.Context, name string) (apiserver.SourcePrefixes, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.peer(name)
	if err != nil {
		return apiserver.SourcePrefixes{}, err
	}
	sp := apiserver.SourcePrefixes{Peer: p.Name, ASN: p.ASN, Address: p.Address, GeneratedAt: Epoch,
		Prefixes: slices.Clone(memSourcePrefixes[name])}
	for _, st := range b.irr {
		if st.Peer == name {
			sp.ASSet = st.ASSet
		}
	}
	return sp, nil
}
