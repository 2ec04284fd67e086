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
	return propagateFacts{
		routeServerClient: rs.RouteServerClient,
		secondaryRoute:    rs.RouteServerClient && rs.SecondaryRoute,
		family:            f,
		addPathSend:       ok && mode&bgp.BGP_ADD_PATH_SEND > 0,
	}
}
