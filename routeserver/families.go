package routeserver

import (
	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/filters"
)

var (
	familyV4 = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}
	familyV6 = &api.Family{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST}
)

func apiFamily(f filters.Family) *api.Family {
	switch f {
	case filters.FamilyIPv4:
		return familyV4
	case filters.FamilyIPv6:
		return familyV6
	}
	return nil
}
