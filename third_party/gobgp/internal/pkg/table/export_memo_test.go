package table

import (
	"testing"
	"time"
	"unsafe"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
)

func TestExportMemo(t *testing.T) {
	p := NewPath(&PeerInfo{AS: 21001}, bgp.NewIPAddrPrefix(24, "45.1.0.0"), false,
		[]bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0)}, time.Now(), false)
	for _, slot := range []int{0, -1, ExportSlots + 1} {
		p.NoteExport(slot, true)
		assert.False(t, p.ExportedTo(slot), "slot %d is no slot", slot)
	}
	assert.Zero(t, p.exportedTo, "a slot out of range sets nothing")

	p.NoteExport(1, true)
	p.NoteExport(ExportSlots, true)
	assert.True(t, p.ExportedTo(1))
	assert.True(t, p.ExportedTo(ExportSlots))
	assert.False(t, p.ExportedTo(2))

	p.NoteExport(1, false)
	assert.False(t, p.ExportedTo(1), "a later rejection clears the bit")
	assert.True(t, p.ExportedTo(ExportSlots), "and only that one")

	c := p.Clone(false)
	assert.False(t, c.ExportedTo(ExportSlots), "a clone is a new path: nothing exported yet")
}

// TestExportMemoFitsPathAllocation: the memo word must not move Path
// into a larger allocation size class (80 octets on 64-bit platforms),
// or every stored route pays for it.
func TestExportMemoFitsPathAllocation(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("size classes checked on 64-bit platforms")
	}
	assert.LessOrEqual(t, int(unsafe.Sizeof(Path{})), 80)
}
