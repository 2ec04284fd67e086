package routeserver

import "net/netip"

// parseAddr parses a neighbour address as GoBGP prints it.
func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, err
	}
	return a.Unmap(), nil
}
