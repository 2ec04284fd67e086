// Copyright (C) 2015 Nippon Telegraph and Telephone Corporation.
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

package table

import (
	"fmt"
	"slices"
	"sync"

	"github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// The Adj-RIB-In keeps, per family, the paths received for each prefix in
// a map keyed like a Table's destinations (tableKey), with the path list as
// the map value. It was a Table of Destinations, a second Destination per
// received route besides the one in the RIB: 80 bytes and four pointers
// for the collector per route (issue 11 of rsguard: a route server holding
// 900,000 routes from 3 peers). Select builds a Table from it on demand,
// for the API's listings.

// adjDest is the paths received for one prefix (ADD-PATH: one per path
// identifier), in arrival order; held by value in the adjTable's maps
// (adj_keys.go).
type adjDest struct {
	knownPathList []*Path
}

// toTable is t as a Table of Destinations.
func (t *adjTable) toTable(logger log.Logger) *Table {
	r := NewTable(logger, t.family)
	t.each(func(d adjDest) bool {
		known := append([]*Path(nil), d.knownPathList...)
		r.setDestination(NewDestination(known[0].GetNlri(), 0, known...))
		return false
	})
	return r
}

type AdjRib struct {
	// mu guards the tables against ReadPaths and LookupPath, which run on
	// other goroutines than the server loop (adj_read.go). The server loop
	// is the only writer, so its own reads take no lock; its writes do.
	mu       sync.RWMutex
	accepted map[bgp.RouteFamily]int
	table    map[bgp.RouteFamily]*adjTable
	logger   log.Logger
}

func NewAdjRib(logger log.Logger, rfList []bgp.RouteFamily) *AdjRib {
	m := make(map[bgp.RouteFamily]*adjTable)
	for _, f := range rfList {
		m[f] = newAdjTable(f)
	}
	return &AdjRib{
		table:    m,
		accepted: make(map[bgp.RouteFamily]int),
		logger:   logger,
	}
}

func (adj *AdjRib) Update(pathList []*Path) {
	adj.UpdateReporting(pathList, nil)
}

// UpdateReporting is Update that also reports, in replaced[i], the path
// that pathList[i] replaced or withdrew (nil when there was none).
// replaced is nil or as long as pathList.
func (adj *AdjRib) UpdateReporting(pathList []*Path, replaced []*Path) {
	adj.mu.Lock()
	defer adj.mu.Unlock()
	adj.update(pathList, replaced)
}

func (adj *AdjRib) update(pathList []*Path, replaced []*Path) {
	for i, path := range pathList {
		if path == nil || path.IsEOR() {
			continue
		}
		rf := path.GetRouteFamily()
		t := adj.table[path.GetRouteFamily()]
		key := adjRefOf(path.GetNlri())
		d := t.get(&key)
		var old *Path
		idx := -1
		for i, p := range d.knownPathList {
			if p.GetNlri().PathIdentifier() == path.GetNlri().PathIdentifier() {
				idx = i
				break
			}
		}
		if idx != -1 {
			old = d.knownPathList[idx]
			if replaced != nil {
				replaced[i] = old
			}
		}

		if path.IsWithdraw {
			if idx != -1 {
				// slices.Delete clears the vacated slot: the withdrawn
				// path is not kept alive by the backing array
				d.knownPathList = slices.Delete(d.knownPathList, idx, idx+1)
				t.set(&key, d)
				if !old.IsRejected() {
					adj.accepted[rf]--
				}
			}
			path.SetDropped(true)
		} else {
			if idx != -1 {
				if old.IsRejected() && !path.IsRejected() {
					adj.accepted[rf]++
				} else if !old.IsRejected() && path.IsRejected() {
					adj.accepted[rf]--
				}
				if old.Equal(path) {
					path.setTimestamp(old.GetTimestamp())
				}
				d.knownPathList[idx] = path
			} else {
				d.knownPathList = append(d.knownPathList, path)
				t.set(&key, d)
				if !path.IsRejected() {
					adj.accepted[rf]++
				}
			}
		}
	}
}

/*
The provided pathList is expected to be the real candidate routes after policy evaluation.

	For routes that are filtered by policy, there could be a mismatch between display
	and actual rib sent to the peer (if softreset out was not run).
	Only used to display adj-out because we do not maintain a separate adj-out table
*/
func (adj *AdjRib) UpdateAdjRibOut(pathList []*Path) {
	adj.mu.Lock()
	defer adj.mu.Unlock()
	for _, path := range pathList {
		if path == nil || path.IsEOR() {
			continue
		}
		t := adj.table[path.GetRouteFamily()]
		key := adjRefOf(path.GetNlri())
		d := t.get(&key)
		d.knownPathList = append(d.knownPathList, path)
		t.set(&key, d)
	}
}

func (adj *AdjRib) walk(families []bgp.RouteFamily, fn func(adjDest) bool) {
	for _, f := range families {
		if t, ok := adj.table[f]; ok && t.each(fn) {
			return
		}
	}
}

func (adj *AdjRib) PathList(rfList []bgp.RouteFamily, accepted bool) []*Path {
	pathList := make([]*Path, 0, adj.Count(rfList))
	adj.walk(rfList, func(d adjDest) bool {
		for _, p := range d.knownPathList {
			if accepted && p.IsRejected() {
				continue
			}
			pathList = append(pathList, p)
		}
		return false
	})
	return pathList
}

func (adj *AdjRib) Count(rfList []bgp.RouteFamily) int {
	count := 0
	adj.walk(rfList, func(d adjDest) bool {
		count += len(d.knownPathList)
		return false
	})
	return count
}

func (adj *AdjRib) Accepted(rfList []bgp.RouteFamily) int {
	count := 0
	for _, rf := range rfList {
		if n, ok := adj.accepted[rf]; ok {
			count += n
		}
	}
	return count
}

func (adj *AdjRib) Drop(rfList []bgp.RouteFamily) []*Path {
	l := make([]*Path, 0, adj.Count(rfList))
	adj.walk(rfList, func(d adjDest) bool {
		for _, p := range d.knownPathList {
			w := p.Clone(true)
			w.SetDropped(true)
			l = append(l, w)
		}
		return false
	})
	adj.mu.Lock()
	defer adj.mu.Unlock()
	for _, rf := range rfList {
		adj.table[rf] = newAdjTable(rf)
		adj.accepted[rf] = 0
	}
	return l
}

func (adj *AdjRib) DropStale(rfList []bgp.RouteFamily) []*Path {
	pathList := make([]*Path, 0, adj.Count(rfList))
	adj.walk(rfList, func(d adjDest) bool {
		for _, p := range d.knownPathList {
			if p.IsStale() {
				w := p.Clone(true)
				w.SetDropped(true)
				pathList = append(pathList, w)
			}
		}
		return false
	})
	adj.Update(pathList)
	return pathList
}

func (adj *AdjRib) StaleAll(rfList []bgp.RouteFamily) []*Path {
	pathList := make([]*Path, 0, adj.Count(rfList))
	adj.mu.Lock()
	defer adj.mu.Unlock()
	adj.walk(rfList, func(d adjDest) bool {
		for i, p := range d.knownPathList {
			n := p.Clone(false)
			n.MarkStale(true)
			n.SetRejected(p.IsRejected())
			d.knownPathList[i] = n
			if !n.IsRejected() {
				pathList = append(pathList, n)
			}
		}
		return false
	})
	return pathList
}

func (adj *AdjRib) MarkLLGRStaleOrDrop(rfList []bgp.RouteFamily) []*Path {
	pathList := make([]*Path, 0, adj.Count(rfList))
	adj.mu.Lock()
	adj.walk(rfList, func(d adjDest) bool {
		for i, p := range d.knownPathList {
			if p.HasNoLLGR() {
				n := p.Clone(true)
				n.SetDropped(true)
				pathList = append(pathList, n)
			} else {
				n := p.Clone(false)
				n.SetRejected(p.IsRejected())
				n.SetCommunities([]uint32{uint32(bgp.COMMUNITY_LLGR_STALE)}, false)
				if p.IsRejected() {
					d.knownPathList[i] = n
				} else {
					pathList = append(pathList, n)
				}
			}
		}
		return false
	})
	adj.update(pathList, nil)
	adj.mu.Unlock()
	return pathList
}

func (adj *AdjRib) Select(family bgp.RouteFamily, accepted bool, option ...TableSelectOption) (*Table, error) {
	var t *Table
	if a, ok := adj.table[family]; ok {
		t = a.toTable(adj.logger)
	} else {
		t = NewTable(adj.logger, family)
	}
	option = append(option, TableSelectOption{adj: true})
	return t.Select(option...)
}

func (adj *AdjRib) TableInfo(family bgp.RouteFamily) (*TableInfo, error) {
	if _, ok := adj.table[family]; !ok {
		return nil, fmt.Errorf("%s unsupported", family)
	}
	c := adj.Count([]bgp.RouteFamily{family})
	a := adj.Accepted([]bgp.RouteFamily{family})
	return &TableInfo{
		NumDestination: c,
		NumPath:        c,
		NumAccepted:    a,
	}, nil
}
