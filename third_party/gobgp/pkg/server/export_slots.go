package server

import (
	"math/bits"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
)

// exportSlotSet hands out the export-memo slots of route-server clients
// (table.ExportSlots, internal/pkg/table/export_memo.go): 1 to 64, the
// lowest free one first; 0 when all are taken, and a client without a
// slot is filtered as before. Only the server loop takes and frees.
type exportSlotSet struct{ used uint64 }

func (s *exportSlotSet) take() int {
	free := ^s.used
	if free == 0 {
		return 0
	}
	i := bits.TrailingZeros64(free)
	s.used |= 1 << i
	return i + 1
}

func (s *exportSlotSet) free(slot int) {
	if slot >= 1 && slot <= table.ExportSlots {
		s.used &^= 1 << (slot - 1)
	}
}

// giveExportSlot gives a route-server client its slot as it joins the
// server's peers.
func (s *BgpServer) giveExportSlot(p *peer) {
	if p.isRouteServerClient() {
		p.exportSlot = s.exportSlots.take()
	}
}

// returnExportSlot frees the slot of a peer that left. Whoever gets the
// slot next may inherit set bits on paths still in the RIB: they can only
// cause a withdrawal of a route the new client never got (see
// export_memo.go), never hold one back.
func (s *BgpServer) returnExportSlot(p *peer) {
	s.exportSlots.free(p.exportSlot)
	p.exportSlot = 0
}
