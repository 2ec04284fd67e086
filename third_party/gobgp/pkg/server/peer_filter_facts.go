// Copyright (C) 2014-2016 Nippon Telegraph and Telephone Corporation.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//    http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
// implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package server

import (
	"net"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// filterFacts are what filterpath needs to know about the receiving peer,
// read under one acquisition of its FSM lock. filterpath runs for every
// path toward every peer; reading them one lock each (rfMap twice,
// isIBGPPeer, isRouteServerClient) made the lock's atomic counter one of
// the hottest spots of a route server's fan-out.
type filterFacts struct {
	familyNegotiated  bool // the path's family is in rfMap
	rtcNegotiated     bool // RF_RTC_UC is in rfMap
	ibgp              bool
	routeServerClient bool
}

func (peer *peer) filterFacts(family bgp.RouteFamily) filterFacts {
	peer.fsm.lock.RLock()
	defer peer.fsm.lock.RUnlock()
	_, familyNegotiated := peer.fsm.rfMap[family]
	_, rtcNegotiated := peer.fsm.rfMap[bgp.RF_RTC_UC]
	return filterFacts{
		familyNegotiated:  familyNegotiated,
		rtcNegotiated:     rtcNegotiated,
		ibgp:              peer.fsm.pConf.State.PeerType == oc.PEER_TYPE_INTERNAL,
		routeServerClient: peer.fsm.pConf.RouteServer.Config.RouteServerClient,
	}
}

// isIBGPPeerOrRouteServerClient is isIBGPPeer() || isRouteServerClient()
// under one acquisition of the FSM lock.
func (peer *peer) isIBGPPeerOrRouteServerClient() bool {
	peer.fsm.lock.RLock()
	defer peer.fsm.lock.RUnlock()
	return peer.fsm.pConf.State.PeerType == oc.PEER_TYPE_INTERNAL || peer.fsm.pConf.RouteServer.Config.RouteServerClient
}

// propagateFacts are what propagateUpdateToNeighbors asks of each
// neighbour for each path, read under one acquisition of its FSM lock.
type propagateFacts struct {
	routeServerClient bool
	secondaryRoute    bool            // route-server client with secondary routes
	family            bgp.RouteFamily // the path's family as the neighbour sees it (VRF: VPN → unicast)
	addPathSend       bool            // ADD-PATH send negotiated for family
	// export is what sendSecondaryRoutes asks, read under the same lock
	// (for secondaryRoute peers only)
	export exportFacts
}

func (peer *peer) propagateFacts(family bgp.RouteFamily) propagateFacts {
	peer.fsm.lock.RLock()
	defer peer.fsm.lock.RUnlock()
	rs := peer.fsm.pConf.RouteServer.Config
	f := family
	if peer.fsm.pConf.Config.Vrf != "" {
		switch family {
		case bgp.RF_IPv4_VPN:
			f = bgp.RF_IPv4_UC
		case bgp.RF_IPv6_VPN:
			f = bgp.RF_IPv6_UC
		case bgp.RF_FS_IPv4_VPN:
			f = bgp.RF_FS_IPv4_UC
		case bgp.RF_FS_IPv6_VPN:
			f = bgp.RF_FS_IPv6_UC
		}
	}
	mode, ok := peer.fsm.rfMap[f]
	facts := propagateFacts{
		routeServerClient: rs.RouteServerClient,
		secondaryRoute:    rs.RouteServerClient && rs.SecondaryRoute,
		family:            f,
		addPathSend:       ok && mode&bgp.BGP_ADD_PATH_SEND > 0,
	}
	if facts.secondaryRoute {
		facts.export = peer.exportFactsLocked(family)
	}
	return facts
}

// exportFacts are what exporting paths toward one peer asks of it:
// whether to advertise at all (needToAdvertise), the VRF and AS-path
// options (prePolicyFilterpathInto), filterpath's facts and router ID,
// and whether LOCAL_PREF stays (postFilterpath). They are read under one
// acquisition of the peer's FSM lock for all the paths sendSecondaryRoutes
// filters for the peer in one propagation, instead of six acquisitions
// per path: toward 60 route-server clients those read locks' atomic
// counters were 12% of a route server's CPU (issue 11).
type exportFacts struct {
	family          bgp.RouteFamily // filter holds for paths of this family
	filter          filterFacts
	established     bool
	localRestarting bool
	vrf             string
	replacePeerAs   bool
	localAs, peerAs uint32
	routerID        net.IP
	ibgpOrRSClient  bool
}

func (peer *peer) exportFacts(family bgp.RouteFamily) exportFacts {
	peer.fsm.lock.RLock()
	defer peer.fsm.lock.RUnlock()
	return peer.exportFactsLocked(family)
}

// exportFactsLocked is exportFacts with the FSM lock held by the caller.
func (peer *peer) exportFactsLocked(family bgp.RouteFamily) exportFacts {
	c := peer.fsm.pConf
	_, familyNegotiated := peer.fsm.rfMap[family]
	_, rtcNegotiated := peer.fsm.rfMap[bgp.RF_RTC_UC]
	ibgp := c.State.PeerType == oc.PEER_TYPE_INTERNAL
	rsClient := c.RouteServer.Config.RouteServerClient
	return exportFacts{
		family:          family,
		filter:          filterFacts{familyNegotiated: familyNegotiated, rtcNegotiated: rtcNegotiated, ibgp: ibgp, routeServerClient: rsClient},
		established:     peer.fsm.state == bgp.BGP_FSM_ESTABLISHED,
		localRestarting: c.GracefulRestart.State.LocalRestarting,
		vrf:             c.Config.Vrf,
		replacePeerAs:   c.AsPathOptions.State.ReplacePeerAs,
		localAs:         c.Config.LocalAs,
		peerAs:          c.Config.PeerAs,
		routerID:        peer.fsm.peerInfo.ID,
		ibgpOrRSClient:  ibgp || rsClient,
	}
}

// filterFactsFor returns ef's filterpath facts when they were read for
// family, else reads them (a VRF turns a VPN path into a unicast one).
func (peer *peer) filterFactsFor(ef *exportFacts, family bgp.RouteFamily) filterFacts {
	if ef.family == family {
		return ef.filter
	}
	return peer.filterFacts(family)
}
