package table

import (
	"testing"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// TestNewDestinationOneAllocation: a destination is one allocation; its
// local-identifier bitmap is part of it (v3.37.0 allocated it apart, 32
// octets more for each destination of each table).
func TestNewDestinationOneAllocation(t *testing.T) {
	nlri := bgp.NewIPAddrPrefix(24, "45.1.0.0")
	var d *Destination
	allocs := testing.AllocsPerRun(100, func() { d = NewDestination(nlri, 0) })
	if allocs != 1 {
		t.Fatalf("NewDestination made %v allocations, want 1", allocs)
	}
	// with a map size the bitmap still works as before
	d = NewDestination(nlri, 64)
	if !d.localIdMap.GetFlag(0) {
		t.Fatal("id 0 is not reserved")
	}
	if id, err := d.localIdMap.FindandSetZeroBit(); err != nil || id != 1 {
		t.Fatalf("first free id %d (%v), want 1", id, err)
	}
}
