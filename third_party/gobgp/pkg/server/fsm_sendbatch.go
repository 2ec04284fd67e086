package server

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/eapache/channels"
	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// Bounds of one send batch: how many queued fsmOutgoingMsg the send loop
// takes without blocking, and how many paths it collects from them, before
// it packs and writes. They bound the memory and the latency a batch adds;
// the paths are packed into UPDATEs of at most 4096 octets whatever the
// bounds are.
const (
	sendBatchMaxMsgs  = 1024
	sendBatchMaxPaths = 2048
	sendBatchWait     = 100 * time.Millisecond
)

// drainOutgoing returns first and the fsmOutgoingMsg queued behind it
// when first was taken. The queue's output channel is unbuffered, fed by
// the queue's goroutine, so a non-blocking receive would find it empty
// most of the time; the queue's length says what is there to take. The
// batch ends after a message that carries a NOTIFICATION or an End-of-RIB,
// so both keep their place relative to the paths queued before and after
// them. rest is an item of another type read from the queue (the send loop
// ends on it after the batch), or nil.
func drainOutgoing(ctx context.Context, queue *channels.InfiniteChannel, first *fsmOutgoingMsg) (batch []*fsmOutgoingMsg, rest interface{}) {
	batch = []*fsmOutgoingMsg{first}
	paths := len(first.Paths)
	// Only the send loop takes from the queue while it runs, but the
	// server empties it after the session ends: never wait long on an
	// item the length promised.
	timeout := time.NewTimer(sendBatchWait)
	defer timeout.Stop()
	for !endsBatch(batch[len(batch)-1]) && len(batch) < sendBatchMaxMsgs && paths < sendBatchMaxPaths && queue.Len() > 0 {
		select {
		case o, ok := <-queue.Out():
			if !ok {
				return batch, nil
			}
			m, isMsg := o.(*fsmOutgoingMsg)
			if !isMsg {
				return batch, o
			}
			batch = append(batch, m)
			paths += len(m.Paths)
		case <-ctx.Done():
			return batch, nil
		case <-timeout.C:
			return batch, nil
		}
	}
	return batch, nil
}

func endsBatch(m *fsmOutgoingMsg) bool {
	if m.Notification != nil {
		return true
	}
	for _, p := range m.Paths {
		if p.IsEOR() {
			return true
		}
	}
	return false
}

// pathKey names what a later path to the same peer replaces: the NLRI
// with its ADD-PATH identifier, in its family. IPv4 and IPv6 unicast
// prefixes are keyed by address octets and length (prefixKey), every
// other NLRI by its text (nlri; prefixKey then zero).
type pathKey struct {
	prefix prefixKey
	nlri   string
}

// prefixKey is a unicast prefix by value; ok is false for any other NLRI.
type prefixKey struct {
	family bgp.RouteFamily
	id     uint32
	ok     bool
	length uint8
	addr   [16]byte
}

// newPathKey keys p. For unicast prefixes it is equal for two paths
// exactly when their NLRI texts are (net.IP.String prints an IPv4 address
// the same in 4- and 16-octet form, so IPv4 is keyed by its 4 octets; an
// IPv6 prefix by its 16; any other form falls back to the text), without
// rendering the text: coalescePaths keys every path toward every peer, and
// nlri.String() was most of what it allocated.
func newPathKey(p *table.Path) pathKey {
	nlri := p.GetNlri()
	k := prefixKey{family: p.GetRouteFamily(), id: nlri.PathLocalIdentifier()}
	switch n := nlri.(type) {
	case *bgp.IPAddrPrefix:
		if v4 := n.Prefix.To4(); k.family == bgp.RF_IPv4_UC && v4 != nil {
			k.ok, k.length = true, n.Length
			copy(k.addr[:], v4)
			return pathKey{prefix: k}
		}
	case *bgp.IPv6AddrPrefix:
		if k.family == bgp.RF_IPv6_UC && len(n.Prefix) == net.IPv6len {
			k.ok, k.length = true, n.Length
			copy(k.addr[:], n.Prefix)
			return pathKey{prefix: k}
		}
	}
	k.ok = false
	return pathKey{prefix: prefixKey{family: k.family, id: k.id}, nlri: nlri.String()}
}

// coalescePaths returns the paths of batch in queue order, keeping only
// the last one queued for each prefix. The packer groups paths by
// attributes and sends withdrawals first, so it does not keep the order of
// two paths for the same prefix; after this, there is at most one, and it
// is the one the peer must end with (an announcement followed by a
// withdrawal in the same batch is sent as the withdrawal alone). Paths for
// different prefixes are independent in BGP, so their order does not
// matter. End-of-RIB markers are kept as they are.
func coalescePaths(batch []*fsmOutgoingMsg) []*table.Path {
	n := 0
	for _, m := range batch {
		n += len(m.Paths)
	}
	paths := make([]*table.Path, 0, n)
	if len(batch) == 1 && n <= 1 {
		return append(paths, batch[0].Paths...)
	}
	// unicast prefixes in a map with a small fixed-size key; other NLRI
	// (rare) by text in a second map made on first need
	last := coalesceMaps.Get().(map[prefixKey]int)
	defer func() {
		clear(last)
		coalesceMaps.Put(last)
	}()
	var lastText map[pathKey]int
	for _, m := range batch {
		for _, p := range m.Paths {
			if p.IsEOR() {
				paths = append(paths, p)
				continue
			}
			k := newPathKey(p)
			if k.prefix.ok {
				if i, ok := last[k.prefix]; ok {
					paths[i] = nil
				}
				last[k.prefix] = len(paths)
			} else {
				if lastText == nil {
					lastText = make(map[pathKey]int)
				}
				if i, ok := lastText[k]; ok {
					paths[i] = nil
				}
				lastText[k] = len(paths)
			}
			paths = append(paths, p)
		}
	}
	kept := paths[:0]
	for _, p := range paths {
		if p != nil {
			kept = append(kept, p)
		}
	}
	return kept
}

// coalesceMaps holds coalescePaths' maps between batches. Made afresh for
// every batch they were most of what the send loops allocated (a batch of
// 2,048 paths needs a map of about 100 KB: 60 clients × 112,000 paths in
// rsguard's IXP-shaped benchmark made some 3,000 of them), and garbage made
// while the collector marks stays until the next cycle, so it raised the
// heap's peak. A pooled map keeps its capacity; clear empties it.
var coalesceMaps = sync.Pool{New: func() any { return make(map[prefixKey]int, 64) }}

// sendBufferSize is the send loop's write buffer: a batch of full
// 4096-octet UPDATEs reaches the socket in writes of this size.
const sendBufferSize = 64 * 1024

// packForPeer packs paths into UPDATEs. For a peer without the 4-octet AS
// capability, send() rewrites AS_PATH into AS_PATH + AS4_PATH after
// packing, which can push a full 4096-octet UPDATE over the limit and lose
// every route in it; such peers get one path per UPDATE, as before the
// coalescing patch.
func packForPeer(paths []*table.Path, options *bgp.MarshallingOption, twoByteAs bool) ([]*bgp.BGPMessage, []*table.Path) {
	if !twoByteAs {
		return table.CreateUpdateMsgFromPathsSkipping(paths, options)
	}
	var msgs []*bgp.BGPMessage
	var skipped []*table.Path
	for _, p := range paths {
		m, s := table.CreateUpdateMsgFromPathsSkipping([]*table.Path{p}, options)
		msgs, skipped = append(msgs, m...), append(skipped, s...)
	}
	return msgs, skipped
}
